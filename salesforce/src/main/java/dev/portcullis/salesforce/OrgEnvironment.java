package dev.portcullis.salesforce;

/** Whether an org is a production org or a sandbox; decides the standard login URL. */
public enum OrgEnvironment {
  PRODUCTION("production", "https://login.salesforce.com"),
  SANDBOX("sandbox", "https://test.salesforce.com");

  private final String configName;
  private final String standardLoginUrl;

  OrgEnvironment(String configName, String standardLoginUrl) {
    this.configName = configName;
    this.standardLoginUrl = standardLoginUrl;
  }

  /** The word used in configuration files: {@code production} or {@code sandbox}. */
  public String configName() {
    return configName;
  }

  /** The login URL Salesforce documents for this kind of org, without a trailing slash. */
  public String standardLoginUrl() {
    return standardLoginUrl;
  }
}
