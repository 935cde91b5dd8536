/**
 * The findings output of {@code portcullis deploy check|start}: the semantic diff's changes, the
 * policy outcomes and a deployment's failures as a SARIF 2.1.0 log for GitHub code scanning
 * ({@link dev.portcullis.deploy.report.SarifWriter}) and as a readable terminal report ({@link
 * dev.portcullis.deploy.report.TerminalReport}), and the {@code --fail-on} threshold with the exit
 * code it gives ({@link dev.portcullis.deploy.report.FailOn}). The input is one value, {@link
 * dev.portcullis.deploy.report.Findings}. docs/DEPLOY.md, "Findings: SARIF and the terminal report",
 * is the user's version.
 */
package dev.portcullis.deploy.report;
