/**
 * Deployment governance: a metadata package read from an SFDX project, a manifest, an MDAPI directory or a zip;
 * its semantic diff against the target org; the deploy gate (policy, approvals); the deployment, its snapshot and
 * rollback; and its ledger entry.
 */
package dev.portcullis.deploy;
