/**
 * Salesforce's REST API: {@link dev.portcullis.salesforce.rest.RestClient} for versions,
 * resources, limits, SOQL queries with paging, and sObject describe, create, retrieve, update and
 * delete.
 *
 * <pre>{@code
 * var rest = new RestClient(token.instanceUrl(), token::accessToken, httpClient);
 * List<JsonNode> accounts = rest.queryAllPages("SELECT Id, Name FROM Account");
 * }</pre>
 */
package dev.portcullis.salesforce.rest;
