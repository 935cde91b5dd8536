package dev.portcullis.orgsim;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults one org injects on demand, for testing clients' failure handling. Each counted fault
 * applies to the next {@code times} requests (any endpoint), then stops; {@link #ALWAYS} keeps it
 * on until {@link #clear()}. When several are armed, a dropped connection wins over 503, which
 * wins over REQUEST_LIMIT_EXCEEDED. Latency applies to every request until changed. Thread-safe.
 */
public final class Faults {
  /** Use as {@code times} to keep a fault on until {@link #clear()}. */
  public static final int ALWAYS = Integer.MAX_VALUE;

  /** What to do with one request. */
  enum Action {
    NONE,
    DROP_CONNECTION,
    SERVICE_UNAVAILABLE,
    REQUEST_LIMIT_EXCEEDED
  }

  private final Runnable expireSessions;
  private Duration latency = Duration.ZERO;
  private int drops;
  private int unavailable;
  private int limitExceeded;

  Faults(Runnable expireSessions) {
    this.expireSessions = expireSessions;
  }

  /** Delays every response by {@code latency} ({@link Duration#ZERO} turns it off). */
  public synchronized Faults latency(Duration latency) {
    this.latency = Objects.requireNonNull(latency, "latency");
    return this;
  }

  /** The next {@code times} requests get HTTP 503 with a SERVER_UNAVAILABLE body. */
  public synchronized Faults serviceUnavailable(int times) {
    this.unavailable = requirePositive(times);
    return this;
  }

  /** The next {@code times} requests have their connection closed without any response. */
  public synchronized Faults dropConnection(int times) {
    this.drops = requirePositive(times);
    return this;
  }

  /** The next {@code times} requests get 403 REQUEST_LIMIT_EXCEEDED ("TotalRequests Limit exceeded."). */
  public synchronized Faults requestLimitExceeded(int times) {
    this.limitExceeded = requirePositive(times);
    return this;
  }

  /** Ends every session at once: the next call with any existing token gets INVALID_SESSION_ID. */
  public Faults expireAllSessions() {
    expireSessions.run();
    return this;
  }

  /** Turns every fault off. */
  public synchronized Faults clear() {
    latency = Duration.ZERO;
    drops = 0;
    unavailable = 0;
    limitExceeded = 0;
    return this;
  }

  synchronized Duration currentLatency() {
    return latency;
  }

  synchronized Action next() {
    if (drops > 0) {
      drops = consume(drops);
      return Action.DROP_CONNECTION;
    }
    if (unavailable > 0) {
      unavailable = consume(unavailable);
      return Action.SERVICE_UNAVAILABLE;
    }
    if (limitExceeded > 0) {
      limitExceeded = consume(limitExceeded);
      return Action.REQUEST_LIMIT_EXCEEDED;
    }
    return Action.NONE;
  }

  private static int consume(int remaining) {
    return remaining == ALWAYS ? ALWAYS : remaining - 1;
  }

  private static int requirePositive(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, was " + times);
    }
    return times;
  }
}
