package dev.portcullis.deploy.diff;

import dev.portcullis.deploy.diff.SettingRules.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Diffs ConnectedApp and the External Client App types: OAuth scopes, callback URLs, the JWT
 * certificate, pre-authorized profiles and permission sets, trusted IP ranges, OAuth policies and
 * flow switches, and secrets that must not travel in a package.
 *
 * <p>Field names and values follow the Metadata API reference pages ConnectedApp
 * (ConnectedAppOauthConfig, ConnectedAppOauthPolicy), ExternalClientApplication,
 * ExtlClntAppOauthSettings, ExtlClntAppGlobalOauthSettings and ExtlClntAppOauthConfigurablePolicies
 * (v67; shared/reference/salesforce-formats.md section 2.5). Scopes are compared as a retrieve
 * returns them: the ConnectedApp page says the aliases {@code OfflineAccess} and {@code
 * Profile}/{@code Email}/{@code Address}/{@code Phone} come back as {@code RefreshToken} and {@code
 * Basic}, so a package that spells the alias is no change.
 */
final class OAuthAppDiff {
  private static final Map<String, String> SCOPE_ALIASES = Map.of(
      "offlineaccess", "RefreshToken", "profile", "Basic", "email", "Basic", "address", "Basic", "phone", "Basic");

  /** Scopes by what they let a token do; anything else is {@link Severity#LOW}. */
  private static final Map<String, Severity> SCOPE_SEVERITY = Map.of(
      "full", Severity.HIGH, "refreshtoken", Severity.HIGH, "api", Severity.MEDIUM, "web", Severity.MEDIUM,
      "cdpingest", Severity.MEDIUM, "pardot", Severity.MEDIUM, "wave", Severity.MEDIUM);

  private static final List<Rule> CONNECTED_APP = List.of(
      Rule.flag("oauthConfig/isAdminApproved", true, Severity.HIGH,
          "admin approval (without it any user may authorize the app)"),
      Rule.flag("oauthConfig/isClientCredentialEnabled", false, Severity.MEDIUM, "the client credentials flow"),
      Rule.flag("oauthConfig/isCodeCredentialEnabled", false, Severity.MEDIUM, "the headless code credential flow"),
      Rule.flag("oauthConfig/isConsumerSecretOptional", false, Severity.MEDIUM, "the consumer secret requirement"),
      Rule.flag("oauthConfig/isIntrospectAllTokens", false, Severity.MEDIUM, "introspection of all tokens"),
      Rule.flag("oauthConfig/isNamedUserJwtEnabled", false, Severity.MEDIUM, "named-user JWT tokens"),
      Rule.flag("oauthConfig/isPkceRequired", true, Severity.MEDIUM, "the PKCE requirement"),
      Rule.flag("oauthConfig/isRefreshTokenRotationEnabled", true, Severity.LOW, "refresh token rotation"),
      Rule.flag("oauthConfig/isSecretRequiredForRefreshToken", true, Severity.MEDIUM,
          "the secret requirement for refresh tokens"),
      Rule.flag("oauthConfig/isSecretRequiredForTokenExchange", true, Severity.MEDIUM,
          "the secret requirement for token exchange"),
      Rule.flag("oauthConfig/isTokenExchangeEnabled", false, Severity.MEDIUM, "token exchange"),
      Rule.flag("oauthConfig/isCodeCredentialPostOnly", true, Severity.LOW, "POST-only code credentials"),
      Rule.changed("oauthConfig/oauthClientCredentialUser", Severity.MEDIUM,
          "the user the client credentials flow runs as"),
      Rule.ranked("oauthPolicy/ipRelaxation", Severity.HIGH, "the IP relaxation policy",
          "BYPASS", "BYPASS_2FACTOR", "ENFORCE_RELAXREFRESH", "ENFORCE"),
      new Rule("oauthPolicy/refreshTokenPolicy", OAuthAppDiff::refreshTokenStrength, 3, Severity.MEDIUM,
          "the refresh token policy", ChangeKind.SETTING_WEAKENED, ChangeKind.SETTING_STRENGTHENED));

  private static final List<Rule> GLOBAL_OAUTH_SETTINGS = List.of(
      Rule.flag("isClientCredentialsFlowEnabled", false, Severity.MEDIUM, "the client credentials flow"),
      Rule.flag("isConsumerSecretOptional", false, Severity.MEDIUM, "the consumer secret requirement"),
      Rule.flag("isIntrospectAllTokens", false, Severity.MEDIUM, "introspection of all tokens"),
      Rule.flag("isPkceRequired", true, Severity.MEDIUM, "the PKCE requirement"),
      Rule.flag("isSecretRequiredForRefreshToken", true, Severity.MEDIUM, "the secret requirement for refresh tokens"),
      Rule.flag("isDeviceFlowEnabled", false, Severity.MEDIUM, "the device flow"),
      Rule.flag("isCodeCredFlowEnabled", false, Severity.MEDIUM, "the headless code credential flow"),
      Rule.flag("isNamedUserJwtEnabled", false, Severity.MEDIUM, "named-user JWT tokens"),
      Rule.flag("isTokenExchangeEnabled", false, Severity.MEDIUM, "token exchange"));

  private static final List<Rule> OAUTH_POLICIES = List.of(
      Rule.ranked("ipRelaxationPolicyType", Severity.HIGH, "the IP relaxation policy",
          "Bypass", "Bypass_2factor", "Enforce_RelaxRefresh", "Enforce"),
      Rule.ranked("refreshTokenPolicyType", Severity.MEDIUM, "the refresh token policy",
          "Infinite", "SpecificInactivity", "SpecificLifetime", "Zero"),
      Rule.ranked("permittedUsersPolicyType", Severity.HIGH, "who may use the app",
          "AllSelfAuthorized", "AdminApprovedPreAuthorized"),
      Rule.ranked("requiredSessionLevel", Severity.MEDIUM, "the required session level",
          "LOW", "STANDARD", "HIGH_ASSURANCE"),
      Rule.number("sessionTimeoutInMinutes", false, Severity.LOW, "the session timeout"),
      Rule.flag("isClientCredentialsFlowEnabled", false, Severity.MEDIUM, "the client credentials flow"),
      Rule.flag("isTokenExchangeFlowEnabled", false, Severity.MEDIUM, "token exchange"),
      Rule.flag("isGuestCodeCredFlowEnabled", false, Severity.MEDIUM, "the guest code credential flow"),
      Rule.flag("isNamedUserJwtEnabled", false, Severity.MEDIUM, "named-user JWT tokens"),
      Rule.changed("clientCredentialsFlowUser", Severity.MEDIUM, "the user the client credentials flow runs as"));

  private static final List<Rule> ECA = List.of(
      Rule.flag("isProtected", true, Severity.LOW, "protection of the app"));

  private static final List<Rule> ECA_POLICIES = List.of(
      Rule.flag("isEnabled", false, Severity.LOW, "the app being enabled"));

  private OAuthAppDiff() {}

  static void diff(ComponentChanges changes) {
    Set<String> covered = new HashSet<>();
    Set<String> skipped = new HashSet<>();
    switch (changes.component.type()) {
      case "ConnectedApp" -> {
        scopes(changes, OAuthAppDiff::connectedAppScopes, "oauthConfig/scopes");
        callbackUrls(changes, "oauthConfig/callbackUrl");
        certificate(changes, "oauthConfig/certificate");
        secret(changes, "oauthConfig/consumerSecret");
        preauthorized(changes, "profileName", root -> Documents.texts(root, "profileName"), "profile");
        preauthorized(changes, "permissionSetName", root -> Documents.texts(root, "permissionSetName"),
            "permission set");
        TrustedRanges.diff(changes, changes.before, changes.after, "ipRanges", "start", "end", false);
        covered.addAll(SettingRules.apply(changes, changes.before, changes.after, CONNECTED_APP));
        covered.addAll(List.of("oauthConfig/scopes", "oauthConfig/callbackUrl", "oauthConfig/certificate",
            "oauthConfig/consumerSecret", "profileName", "permissionSetName"));
        skipped.add("ipRanges");
      }
      case "ExtlClntAppOauthSettings" -> {
        scopes(changes, root -> Documents.splitList(root == null ? null : root.text("commaSeparatedOauthScopes")),
            "commaSeparatedOauthScopes");
        covered.add("commaSeparatedOauthScopes");
      }
      case "ExtlClntAppGlobalOauthSettings" -> {
        callbackUrls(changes, "callbackUrl");
        certificate(changes, "certificate");
        secret(changes, "consumerSecret");
        covered.addAll(SettingRules.apply(changes, changes.before, changes.after, GLOBAL_OAUTH_SETTINGS));
        covered.addAll(List.of("callbackUrl", "certificate", "consumerSecret"));
      }
      case "ExtlClntAppOauthConfigurablePolicies" -> {
        preauthorized(changes, "commaSeparatedProfile",
            root -> Documents.splitList(root == null ? null : root.text("commaSeparatedProfile")), "profile");
        preauthorized(changes, "commaSeparatedPermissionSet",
            root -> Documents.splitList(root == null ? null : root.text("commaSeparatedPermissionSet")),
            "permission set");
        covered.addAll(SettingRules.apply(changes, changes.before, changes.after, OAUTH_POLICIES));
        covered.addAll(List.of("commaSeparatedProfile", "commaSeparatedPermissionSet"));
      }
      case "ExternalClientApplication" ->
          covered.addAll(SettingRules.apply(changes, changes.before, changes.after, ECA));
      case "ExtlClntAppConfigurablePolicies" ->
          covered.addAll(SettingRules.apply(changes, changes.before, changes.after, ECA_POLICIES));
      default -> throw new IllegalArgumentException("not an OAuth app type: " + changes.component.type());
    }
    SettingRules.leaves(changes, covered, skipped, Severity.LOW);
  }

  private static List<String> connectedAppScopes(XmlElement root) {
    return Documents.texts(Documents.elementAt(root, "oauthConfig"), "scopes");
  }

  private static void scopes(ComponentChanges changes, java.util.function.Function<XmlElement, List<String>> read,
      String path) {
    Map<String, String> before = normalisedScopes(read.apply(changes.before));
    Map<String, String> after = normalisedScopes(read.apply(changes.after));
    if (changes.after == null) {
      return;
    }
    XmlElement at = scopeElement(changes.after, path);
    for (Map.Entry<String, String> scope : after.entrySet()) {
      if (!before.containsKey(scope.getKey())) {
        Severity severity = SCOPE_SEVERITY.getOrDefault(scope.getKey(), Severity.LOW);
        changes.inAfter(ChangeKind.OAUTH_SCOPE_ADDED, scope.getValue(), path.replace('/', '.'), null, scope.getValue(),
            severity, changes.who() + " adds OAuth scope " + scope.getValue(), at);
      }
    }
    for (Map.Entry<String, String> scope : before.entrySet()) {
      if (!after.containsKey(scope.getKey())) {
        changes.at(ChangeKind.OAUTH_SCOPE_REMOVED, scope.getValue(), path.replace('/', '.'), scope.getValue(), null,
            Severity.INFO, changes.who() + " removes OAuth scope " + scope.getValue(), at,
            scopeElement(changes.before, path));
      }
    }
  }

  private static XmlElement scopeElement(XmlElement root, String path) {
    if (root == null) {
      return null;
    }
    XmlElement found = root.at(path);
    return found != null ? found : root;
  }

  private static Map<String, String> normalisedScopes(List<String> scopes) {
    Map<String, String> normalised = new LinkedHashMap<>();
    for (String scope : scopes) {
      String canonical = SCOPE_ALIASES.getOrDefault(scope.toLowerCase(Locale.ROOT), scope);
      normalised.putIfAbsent(canonical.toLowerCase(Locale.ROOT), canonical);
    }
    return normalised;
  }

  /**
   * ConnectedAppOauthPolicy {@code refreshTokenPolicy}: {@code infinite} weakest, then
   * {@code specific_inactivity:n:UNIT}, {@code specific_lifetime:n:UNIT}, and {@code zero} strongest.
   */
  private static Integer refreshTokenStrength(String value) {
    if (value == null) {
      return null;
    }
    String kind = value.strip().toLowerCase(Locale.ROOT);
    int colon = kind.indexOf(':');
    kind = colon >= 0 ? kind.substring(0, colon) : kind;
    return switch (kind) {
      case "infinite" -> 0;
      case "specific_inactivity" -> 1;
      case "specific_lifetime" -> 2;
      case "zero" -> 3;
      default -> null;
    };
  }

  private static void callbackUrls(ComponentChanges changes, String path) {
    if (changes.after == null) {
      return;
    }
    List<String> before = Documents.splitList(Documents.textAt(changes.before, path));
    List<String> after = Documents.splitList(Documents.textAt(changes.after, path));
    XmlElement at = scopeElement(changes.after, path);
    for (String url : Documents.minus(after, before)) {
      boolean insecure = Urls.isInsecureHttp(url) && !isLoopback(url);
      changes.inAfter(ChangeKind.CALLBACK_URL_ADDED, url, path.replace('/', '.'), null, url,
          changes.before == null ? Severity.INFO : Severity.MEDIUM,
          changes.who() + " adds callback URL " + url, at);
      if (insecure) {
        changes.inAfter(ChangeKind.INSECURE_URL, url, path.replace('/', '.'), null, url, Severity.HIGH,
            changes.who() + " adds a callback URL over plain http:// (" + url + "): codes and tokens travel in clear",
            at);
      }
    }
    for (String url : Documents.minus(before, after)) {
      changes.at(ChangeKind.CALLBACK_URL_REMOVED, url, path.replace('/', '.'), url, null, Severity.INFO,
          changes.who() + " removes callback URL " + url, at, scopeElement(changes.before, path));
    }
  }

  private static boolean isLoopback(String url) {
    String rest = url.strip().substring("http://".length()).toLowerCase(Locale.ROOT);
    return rest.startsWith("localhost") || rest.startsWith("127.") || rest.startsWith("[::1]");
  }

  private static void certificate(ComponentChanges changes, String path) {
    if (changes.after == null) {
      return;
    }
    String before = Urls.fingerprint(blankToNull(Documents.textAt(changes.before, path)));
    String after = Urls.fingerprint(blankToNull(Documents.textAt(changes.after, path)));
    if (after == null || after.equals(before)) {
      return; // not listed, or the same certificate
    }
    changes.inAfter(ChangeKind.OAUTH_CERTIFICATE_CHANGED, path.replace('/', '.'), "", before, after, Severity.HIGH,
        changes.who() + (before == null ? " adds a certificate" : " replaces its certificate")
            + ": whoever holds its private key can log in with the JWT bearer flow",
        changes.after.at(path));
  }

  private static void secret(ComponentChanges changes, String path) {
    String value = blankToNull(Documents.textAt(changes.after, path));
    if (value != null) {
      changes.inAfter(ChangeKind.SECRET_IN_PACKAGE, path.replace('/', '.'), "", null, null, Severity.HIGH,
          changes.who() + " carries a consumer secret in the package; secrets must not be in source control",
          changes.after.at(path));
    }
  }

  private static void preauthorized(ComponentChanges changes, String aspect,
      java.util.function.Function<XmlElement, List<String>> read, String noun) {
    if (changes.after == null) {
      return;
    }
    List<String> before = changes.before == null ? new ArrayList<>() : read.apply(changes.before);
    List<String> after = read.apply(changes.after);
    XmlElement at = changes.after.child(aspect) != null ? changes.after.child(aspect) : changes.after;
    for (String name : Documents.minus(after, before)) {
      changes.inAfter(ChangeKind.PREAUTHORIZATION_ADDED, name, aspect, null, name, Severity.MEDIUM,
          changes.who() + " pre-authorizes " + noun + " " + name, at);
    }
    for (String name : Documents.minus(before, after)) {
      changes.at(ChangeKind.PREAUTHORIZATION_REMOVED, name, aspect, name, null, Severity.INFO,
          changes.who() + " no longer pre-authorizes " + noun + " " + name, changes.after.child(aspect),
          changes.before.child(aspect));
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
