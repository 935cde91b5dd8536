/**
 * The tamper-evident ledger: a Merkle log hashed as RFC 9162 §2.1, whose checkpoints are C2SP
 * tlog-checkpoint bodies in C2SP signed notes, stored and served as C2SP tlog-tiles. Its entries
 * are RFC 8785 canonical JSON ({@link dev.portcullis.ledger.LedgerEntry}). Depends on nothing of
 * ours; beyond the JDK (SHA-256 and Ed25519 are the JDK's) it uses one small library, the RFC 8785
 * author's ECMAScript number formatter ({@code io.github.erdtman:java-json-canonicalization}).
 */
package dev.portcullis.ledger;
