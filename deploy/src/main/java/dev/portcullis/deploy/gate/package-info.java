/**
 * The deploy gate: {@link dev.portcullis.deploy.gate.DeployGatekeeper} admits, holds or refuses a Metadata API
 * deployment, snapshots what it replaces and records it in the store and the ledger (docs/DEPLOY.md, "Approvals,
 * snapshots and the ledger").
 */
package dev.portcullis.deploy.gate;
