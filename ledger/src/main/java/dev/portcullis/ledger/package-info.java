/**
 * The tamper-evident ledger: a Merkle log hashed as RFC 9162 §2.1, whose checkpoints are C2SP
 * tlog-checkpoint bodies in C2SP signed notes, stored and served as C2SP tlog-tiles. Depends on
 * nothing of ours and on no library beyond the JDK (SHA-256 and Ed25519 are the JDK's).
 */
package dev.portcullis.ledger;
