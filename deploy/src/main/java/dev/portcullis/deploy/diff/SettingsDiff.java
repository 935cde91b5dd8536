package dev.portcullis.deploy.diff;

import dev.portcullis.deploy.diff.SettingRules.Rule;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Diffs SecuritySettings ({@code settings/Security.settings}), including its {@code sessionSettings}
 * and {@code passwordPolicies}, setting by setting.
 *
 * <p>Values and their order come from the SecuritySettings Metadata API reference (v67; field list
 * in shared/reference/salesforce-formats.md section 2.6): {@code sessionTimeout} runs from {@code
 * FifteenMinutes} to {@code TwentyFourHours}, {@code maxLoginAttempts} from {@code ThreeAttempts}
 * to {@code NoLimit}, and so on. Each rule says which direction is weaker. A document whose root is
 * {@code SessionSettings} is read as the {@code sessionSettings} block on its own.
 */
final class SettingsDiff {
  private static final List<Rule> RULES = List.of(
      // passwordPolicies
      Rule.ranked("passwordPolicies/complexity", Severity.HIGH, "password complexity",
          "NoRestriction", "AlphaNumeric", "SpecialCharacters|UpperLowerCaseNumeric",
          "Any3UpperLowerCaseNumericSpecialCharacters", "UpperLowerCaseNumericSpecialCharacters"),
      Rule.ranked("passwordPolicies/expiration", Severity.MEDIUM, "password expiration",
          "Never", "OneYear", "SixMonths", "NinetyDays", "SixtyDays", "ThirtyDays"),
      Rule.number("passwordPolicies/historyRestriction", true, Severity.MEDIUM, "the password history"),
      Rule.ranked("passwordPolicies/lockoutInterval", Severity.LOW, "the lockout interval",
          "FifteenMinutes", "ThirtyMinutes", "SixtyMinutes", "Forever"),
      Rule.ranked("passwordPolicies/maxLoginAttempts", Severity.HIGH, "the login attempts before lockout",
          "NoLimit", "TenAttempts", "FiveAttempts", "ThreeAttempts"),
      Rule.number("passwordPolicies/minimumPasswordLength", true, Severity.HIGH, "the minimum password length"),
      Rule.flag("passwordPolicies/minimumPasswordLifetime", true, Severity.LOW, "the minimum password lifetime"),
      Rule.flag("passwordPolicies/obscureSecretAnswer", true, Severity.LOW, "obscuring the secret answer"),
      Rule.ranked("passwordPolicies/questionRestriction", Severity.LOW, "the password question restriction",
          "None", "DoesNotContainPassword"),
      // sessionSettings
      Rule.ranked("sessionSettings/sessionTimeout", Severity.MEDIUM, "the session timeout",
          "TwentyFourHours", "TwelveHours", "EightHours", "FourHours", "TwoHours", "NinetyMinutes", "SixtyMinutes",
          "ThirtyMinutes", "FifteenMinutes")
          .withKinds(ChangeKind.SESSION_TIMEOUT_RAISED, ChangeKind.SESSION_TIMEOUT_LOWERED),
      Rule.flag("sessionSettings/lockSessionsToIp", true, Severity.MEDIUM, "locking sessions to the IP they started from"),
      Rule.flag("sessionSettings/lockSessionsToDomain", true, Severity.HIGH,
          "locking sessions to the domain they started in"),
      Rule.flag("sessionSettings/forceLogoutOnSessionTimeout", true, Severity.MEDIUM, "forced logout on session timeout"),
      Rule.flag("sessionSettings/enableCSRFOnGet", true, Severity.HIGH, "CSRF protection on GET requests"),
      Rule.flag("sessionSettings/enableCSRFOnPost", true, Severity.HIGH, "CSRF protection on POST requests"),
      Rule.flag("sessionSettings/enableClickjackSetup", true, Severity.HIGH, "clickjack protection for Setup pages"),
      Rule.flag("sessionSettings/enableClickjackNonsetupSFDC", true, Severity.MEDIUM,
          "clickjack protection for non-Setup Salesforce pages"),
      Rule.flag("sessionSettings/enableClickjackNonsetupUser", true, Severity.MEDIUM,
          "clickjack protection for customer Visualforce pages"),
      Rule.flag("sessionSettings/enableClickjackNonsetupUserHeaderless", true, Severity.LOW,
          "clickjack protection for headerless customer Visualforce pages"),
      Rule.flag("sessionSettings/requireHttpOnly", true, Severity.HIGH, "HttpOnly session cookies"),
      Rule.flag("sessionSettings/requireHttps", true, Severity.HIGH, "HTTPS for all connections"),
      Rule.flag("sessionSettings/forceRelogin", true, Severity.MEDIUM, "re-login after Login As"),
      Rule.flag("sessionSettings/enforceIpRangesEveryRequest", true, Severity.MEDIUM,
          "enforcing login IP ranges on every request"),
      Rule.flag("sessionSettings/enableMFADirectUILoginOptIn", true, Severity.HIGH,
          "multi-factor authentication for direct UI logins"),
      Rule.flag("sessionSettings/skipSFAWhenMFADirectUILogin", false, Severity.HIGH,
          "the first factor on MFA logins"),
      Rule.flag("sessionSettings/enableXssProtection", true, Severity.MEDIUM, "the XSS protection header"),
      Rule.flag("sessionSettings/enableContentSniffingProtection", true, Severity.MEDIUM,
          "content sniffing protection"),
      Rule.flag("sessionSettings/enableUpgradeInsecureRequests", true, Severity.MEDIUM, "upgrading insecure requests"),
      Rule.flag("sessionSettings/identityConfirmationOnEmailChange", true, Severity.MEDIUM,
          "identity confirmation on email change"),
      Rule.flag("sessionSettings/identityConfirmationOnTwoFactorRegistrationEnabled", true, Severity.MEDIUM,
          "identity confirmation on MFA registration"),
      Rule.flag("sessionSettings/hstsOnForcecomSites", true, Severity.MEDIUM, "HSTS on sites"),
      Rule.flag("sessionSettings/enablePostForSessions", true, Severity.LOW, "POST requests for cross-domain sessions"),
      Rule.flag("sessionSettings/terminateUserSessionsWhenAdminResetsPassword", true, Severity.LOW,
          "ending sessions when an admin resets a password"),
      Rule.flag("sessionSettings/enforceUserDeviceRevoked", true, Severity.LOW, "enforcing revoked devices"),
      Rule.flag("sessionSettings/redirectionWarning", true, Severity.LOW, "the redirection warning"),
      Rule.flag("sessionSettings/enableCacheAndAutocomplete", false, Severity.LOW, "caching and autocomplete on login"),
      Rule.flag("sessionSettings/canConfirmIdentityBySmsOnly", false, Severity.MEDIUM, "SMS-only identity confirmation"),
      // top level
      Rule.flag("enableAdminLoginAsAnyUser", false, Severity.MEDIUM, "administrators logging in as any user"),
      Rule.flag("canUsersGrantLoginAccess", false, Severity.LOW, "users granting login access"),
      Rule.flag("enableRequireHttpsConnection", true, Severity.HIGH, "requiring HTTPS"),
      Rule.flag("isTLSv12Required", true, Severity.HIGH, "requiring TLS 1.2"),
      Rule.flag("isTLSv12RequiredCommunities", true, Severity.MEDIUM, "requiring TLS 1.2 for sites"),
      Rule.flag("enableAuraSecureEvalPref", true, Severity.MEDIUM, "secure eval in Aura"));

  private SettingsDiff() {}

  /** Whether a component of {@code type} named {@code fullName} is one this diff reads. */
  static boolean handles(String type, String fullName) {
    return type.equals("SecuritySettings") || type.equals("SessionSettings")
        || type.equals("Settings") && (fullName.equals("Security") || fullName.equals("Session"));
  }

  static void diff(ComponentChanges changes) {
    XmlElement before = asSecuritySettings(changes.before);
    XmlElement after = asSecuritySettings(changes.after);
    Set<String> covered = new HashSet<>(SettingRules.apply(changes, before, after, RULES));
    TrustedRanges.diff(changes, Documents.elementAt(before, "networkAccess"), Documents.elementAt(after, "networkAccess"),
        "ipRanges", "start", "end", true);
    SettingRules.leaves(changes, before, after, covered, Set.of("networkAccess"), Severity.LOW);
  }

  /** A {@code SessionSettings} root becomes a {@code SecuritySettings} root holding it as {@code sessionSettings}. */
  private static XmlElement asSecuritySettings(XmlElement root) {
    if (root == null || !root.name().equals("SessionSettings")) {
      return root;
    }
    XmlElement session = new XmlElement("sessionSettings", root.attributes(), root.text(), root.children(), root.line(),
        root.column());
    return new XmlElement("SecuritySettings", root.attributes(), "", List.of(session), root.line(), root.column());
  }
}
