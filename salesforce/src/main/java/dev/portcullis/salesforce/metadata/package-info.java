/**
 * Salesforce's Metadata API over SOAP: {@link dev.portcullis.salesforce.metadata.MetadataClient}
 * deploys a zip (streamed), polls and cancels deploys, quick-deploys validations, retrieves an
 * unpackaged manifest, lists and describes metadata.
 *
 * <pre>{@code
 * MetadataClient metadata = MetadataClient.builder(token.instanceUrl(), token::accessToken, httpClient).build();
 * AsyncResult started = metadata.deploy(Path.of("package.zip"),
 *     DeployOptions.builder().testLevel(DeployOptions.TestLevel.RunLocalTests).build());
 * DeployResult result = metadata.awaitDeploy(started.id(), Duration.ofMinutes(30),
 *     progress -> System.err.println(progress.describe()));
 * }</pre>
 */
package dev.portcullis.salesforce.metadata;
