package dev.portcullis.certs.rotate;

/**
 * Test seam: hears each step just before it begins and just after its effect in the org (or on
 * disk) was made, before the state file says so. A hook that throws there simulates a crash at that
 * point; the next run must finish the rotation without doing any effect twice.
 */
interface StepHook {
  StepHook NONE = new StepHook() { };

  /** Before step {@code label} (e.g. {@code switch SamlSsoConfig Okta}) begins. */
  default void before(String label) { }

  /** After step {@code label}'s effect was made (not called when the step found it made already). */
  default void performed(String label) { }
}
