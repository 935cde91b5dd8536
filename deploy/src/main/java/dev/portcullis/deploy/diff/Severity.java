package dev.portcullis.deploy.diff;

import java.util.Locale;

/**
 * How much a change weakens the org, highest first. The dangerous-permission list uses the top three;
 * {@link #LOW} is a change worth reading, {@link #INFO} a fact with no risk of its own (a new
 * component, a permission revoked, a setting strengthened).
 */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  /** The lower-case name used in JSON, policy input and the CLI ({@code critical}, {@code high}, ...). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The severity named {@code id} (any case). */
  public static Severity fromId(String id) {
    return valueOf(id.trim().toUpperCase(Locale.ROOT));
  }

  /** Whether this is at least as severe as {@code other}. */
  public boolean atLeast(Severity other) {
    return ordinal() <= other.ordinal();
  }
}
