package dev.portcullis.orgsim;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The access tokens of one org. A token is {@code <orgId15>!<opaque>}, the shape Salesforce uses
 * and the {@code sf} CLI checks ({@code /(00D\w{12,15})![.\w]*}/). A session ends after
 * {@code timeout} without use (Salesforce's session timeout is an inactivity timeout: Salesforce
 * Help, "Session Security Settings", admin_sessions.htm), when revoked, or when all sessions are
 * expired on demand. Thread-safe.
 */
final class SessionStore {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** One live session. */
  static final class Session {
    final String userId;
    final Instant issuedAt;
    Instant lastUsed;

    Session(String userId, Instant issuedAt) {
      this.userId = userId;
      this.issuedAt = issuedAt;
      this.lastUsed = issuedAt;
    }
  }

  private final String orgId15;
  private final Clock clock;
  private final Duration timeout;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new HashMap<>();

  SessionStore(String orgId15, Clock clock, Duration timeout) {
    this.orgId15 = orgId15;
    this.clock = clock;
    this.timeout = timeout;
  }

  synchronized String issue(String userId) {
    StringBuilder token = new StringBuilder(orgId15).append("!AQ");
    for (int i = 0; i < 96; i++) {
      token.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    sessions.put(token.toString(), new Session(userId, clock.instant()));
    return token.toString();
  }

  /** The session of {@code token} if it is live; using it restarts the inactivity timer. */
  synchronized Optional<Session> use(String token) {
    Session s = sessions.get(token);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(s.lastUsed.plus(timeout))) {
      sessions.remove(token);
      return Optional.empty();
    }
    s.lastUsed = now;
    return Optional.of(s);
  }

  /** The session of {@code token} if it is live, without counting as use. */
  synchronized Optional<Session> peek(String token) {
    Session s = sessions.get(token);
    if (s == null || !clock.instant().isBefore(expiresAt(s))) {
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** When {@code session} ends if it stays unused. */
  synchronized Instant expiresAt(Session session) {
    return session.lastUsed.plus(timeout);
  }

  /** Revokes {@code token}; false when it was not a live token. */
  synchronized boolean revoke(String token) {
    return use(token).isPresent() && sessions.remove(token) != null;
  }

  synchronized void expireAll() {
    sessions.clear();
  }
}
