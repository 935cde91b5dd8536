package dev.portcullis.identity.broker;

import dev.portcullis.store.Session;
import java.util.Objects;

/** What {@link TokenBroker#authenticate} found for a session token. */
public sealed interface Authentication {

  /** The token names a session that is active now. */
  record Active(Session session) implements Authentication {
    public Active {
      Objects.requireNonNull(session, "session");
    }
  }

  /** The token cannot be used, and why. */
  record Failed(Reason reason, String message) implements Authentication {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Why a session token was not accepted; stable names, the gateway and the ledger key on them. */
  enum Reason {
    /** Not the shape of a session token. */
    MALFORMED,
    /** No session has this token. */
    UNKNOWN,
    /** The session's lifetime is over. */
    EXPIRED,
    /** The session was revoked. */
    REVOKED
  }
}
