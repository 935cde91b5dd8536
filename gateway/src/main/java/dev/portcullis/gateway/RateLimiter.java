package dev.portcullis.gateway;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets for the rate obligations ({@code max_requests_per_minute} per session, {@code
 * max_principal_requests_per_minute} per principal): a bucket holds up to {@code perMinute}
 * requests and refills continuously at {@code perMinute} a minute, so a burst of a minute's worth
 * is allowed and then one request every {@code 60 / perMinute} seconds. Buckets live on this
 * replica (each replica enforces its own share); at most {@link #MAX_BUCKETS} are kept, the idle
 * ones dropped first (a dropped bucket starts full again, which only matters after a minute idle).
 */
final class RateLimiter {
  static final int MAX_BUCKETS = 100_000;
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  RateLimiter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Takes one request from {@code key}'s bucket of {@code perMinute}; false when it is empty. */
  boolean tryAcquire(String key, long perMinute) {
    long now = nanoTime.getAsLong();
    if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(key)) {
      dropIdle(now);
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perMinute, now));
    synchronized (bucket) {
      double refill = (now - bucket.updated) * (double) perMinute / MINUTE_NANOS;
      bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, refill));
      bucket.updated = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return true;
      }
      return false;
    }
  }

  /** Drops buckets untouched for a minute (they would be full again anyway), else everything. */
  private void dropIdle(long now) {
    for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
      Bucket bucket = it.next().getValue();
      synchronized (bucket) {
        if (now - bucket.updated >= MINUTE_NANOS) {
          it.remove();
        }
      }
    }
    if (buckets.size() >= MAX_BUCKETS) {
      buckets.clear(); // a flood of distinct keys: start over rather than grow
    }
  }

  int size() {
    return buckets.size();
  }
}
