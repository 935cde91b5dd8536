package dev.portcullis.salesforce.rest;

/**
 * One element of {@code GET /services/data}: {@code {"label":"Spring '26","url":"/services/data/v66.0","version":"66.0"}}
 * (REST API Developer Guide, "Versions").
 */
public record ApiVersion(String label, String url, String version) {}
