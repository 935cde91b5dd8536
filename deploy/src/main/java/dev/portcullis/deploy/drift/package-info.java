/**
 * Drift: setup changes in an org that no ledgered deployment explains (changes made by hand). {@link
 * dev.portcullis.deploy.drift.DriftCheck} sets Setup Audit Trail rows against the windows in which Portcullis
 * deployments ran; {@link dev.portcullis.deploy.drift.SetupAuditTrailRow} reads the rows.
 */
package dev.portcullis.deploy.drift;
