package dev.portcullis.identity.broker;

import dev.portcullis.salesforce.oauth.AccessToken;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Salesforce that issues a new random token at every request, answering with the org id the
 * test configured for each username (the configured org's id unless told otherwise), and that
 * remembers every token it issued and revoked.
 */
final class FakeSalesforceTokens implements SalesforceTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  final List<AccessToken> issued = new ArrayList<>();
  final List<AccessToken> revoked = new ArrayList<>();
  final List<String> usernames = new ArrayList<>();
  /** Username → the org id Salesforce answers with (a misconfigured login URL reaching another org). */
  final Map<String, String> answerOrgId = new ConcurrentHashMap<>();
  volatile RuntimeException failure;

  @Override
  public synchronized AccessToken obtain(IntegrationUser user, OrgTarget org) {
    if (failure != null) {
      throw failure;
    }
    String orgId = answerOrgId.getOrDefault(user.username(), org.orgId());
    byte[] random = new byte[24];
    RANDOM.nextBytes(random);
    String userId = "005" + "000000000000001";
    // Response shape: Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration".
    AccessToken token = new AccessToken(orgId + "!" + HexFormat.of().formatHex(random),
        URI.create("https://" + org.alias() + ".my.salesforce.com"),
        URI.create(org.loginUrl() + "/id/" + orgId + "/" + userId), "Bearer", "api", null, orgId, userId);
    issued.add(token);
    usernames.add(user.username());
    return token;
  }

  @Override
  public synchronized void revoke(OrgTarget org, AccessToken token) {
    revoked.add(token);
  }
}
