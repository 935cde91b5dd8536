package dev.portcullis.server;

/**
 * The outcome of one readiness check.
 *
 * @param name stable name: {@code storage}, {@code signing_key}, {@code ledger}
 * @param ready whether this part is usable
 * @param detail why not, or a short description; never a secret
 */
record ReadinessCheck(String name, boolean ready, String detail) {}
