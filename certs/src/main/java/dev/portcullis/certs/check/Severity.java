package dev.portcullis.certs.check;

import java.util.Locale;

/** How bad a finding is; declared from worst to mildest. */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  /** The lowercase name used in JSON and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when this is as bad as {@code threshold} or worse. */
  public boolean atLeast(Severity threshold) {
    return ordinal() <= threshold.ordinal();
  }

  public static Severity fromId(String id) {
    for (Severity severity : values()) {
      if (severity.id().equals(id)) {
        return severity;
      }
    }
    throw new IllegalArgumentException("unknown severity '" + id + "' (one of critical, high, medium, low, info)");
  }

  static Severity worse(Severity a, Severity b) {
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
