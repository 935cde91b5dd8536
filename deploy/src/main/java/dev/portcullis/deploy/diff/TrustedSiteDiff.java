package dev.portcullis.deploy.diff;

import dev.portcullis.deploy.diff.SettingRules.Rule;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Diffs RemoteSiteSetting ({@code url}, {@code isActive}, {@code disableProtocolSecurity}) and
 * CspTrustedSite ({@code endpointUrl}, {@code isActive}, {@code context}, the {@code isApplicableTo*}
 * directives, {@code canAccessCamera}/{@code canAccessMicrophone}), per the Metadata API reference
 * pages RemoteSiteSetting and CspTrustedSite. A new or changed URL is a fact of its own, and so is a
 * URL over plain {@code http://} or with a wildcard host.
 */
final class TrustedSiteDiff {
  private static final List<Rule> CSP_RULES = List.of(
      Rule.flag("canAccessCamera", false, Severity.LOW, "camera access"),
      Rule.flag("canAccessMicrophone", false, Severity.LOW, "microphone access"));

  private TrustedSiteDiff() {}

  static void diff(ComponentChanges changes) {
    if (changes.after == null) {
      return;
    }
    boolean remoteSite = changes.component.type().equals("RemoteSiteSetting");
    String urlField = remoteSite ? "url" : "endpointUrl";
    String oldUrl = Documents.textAt(changes.before, urlField);
    String newUrl = Documents.textAt(changes.after, urlField);
    XmlElement urlElement = changes.after.child(urlField) != null ? changes.after.child(urlField) : changes.after;
    Boolean wasActive = changes.before == null ? null : Documents.bool(changes.before.text("isActive"));
    Boolean active = Documents.bool(changes.after.text("isActive"));
    boolean inactive = Boolean.FALSE.equals(active);
    String noun = remoteSite ? "remote site" : "CSP trusted site";

    boolean urlIsNew = newUrl != null && !newUrl.equals(oldUrl);
    if (changes.before == null && newUrl != null) {
      changes.inAfter(ChangeKind.TRUSTED_SITE_ADDED, newUrl, urlField, null, newUrl,
          inactive ? Severity.LOW : Severity.MEDIUM,
          "new " + changes.component.type() + " " + changes.component.fullName() + " trusts " + newUrl
              + (inactive ? " (inactive)" : ""), urlElement);
    } else if (urlIsNew) {
      changes.inAfter(ChangeKind.TRUSTED_SITE_URL_CHANGED, newUrl, urlField, oldUrl, newUrl, Severity.MEDIUM,
          changes.who() + " now trusts " + newUrl + (oldUrl == null ? "" : " instead of " + oldUrl), urlElement);
    }
    if (urlIsNew && Urls.isInsecureHttp(newUrl)) {
      changes.inAfter(ChangeKind.INSECURE_URL, newUrl, urlField, oldUrl, newUrl, Severity.HIGH,
          (changes.before == null ? "new " : "") + changes.component.type() + " " + changes.component.fullName()
              + " trusts an http:// URL (" + newUrl + "): traffic to it is unencrypted", urlElement);
    }
    if (urlIsNew && Urls.hasWildcardHost(newUrl)) {
      changes.inAfter(ChangeKind.WILDCARD_URL, newUrl, urlField, oldUrl, newUrl, Severity.HIGH,
          changes.who() + " trusts a wildcard host (" + newUrl + ")", urlElement);
    }
    if (changes.before != null && !Documents.isTrue(wasActive) && Documents.isTrue(active)) {
      changes.inAfter(ChangeKind.TRUSTED_SITE_ACTIVATED, newUrl == null ? oldUrl : newUrl, "isActive", wasActive, true,
          Severity.MEDIUM, changes.who() + " activates the " + noun + " " + (newUrl == null ? oldUrl : newUrl),
          changes.after.child("isActive"));
    }
    Set<String> covered = new HashSet<>(Set.of(urlField, "isActive"));
    if (remoteSite) {
      covered.add("disableProtocolSecurity");
      Boolean wasDisabled = changes.before == null ? null : Documents.bool(changes.before.text("disableProtocolSecurity"));
      Boolean disabled = Documents.bool(changes.after.text("disableProtocolSecurity"));
      if (Documents.isTrue(disabled) && !Documents.isTrue(wasDisabled)) {
        changes.inAfter(ChangeKind.PROTOCOL_SECURITY_DISABLED, newUrl == null ? oldUrl : newUrl,
            "disableProtocolSecurity", wasDisabled, true, Severity.HIGH,
            changes.who() + " disables protocol security: code may pass data between HTTPS and HTTP sessions",
            changes.after.child("disableProtocolSecurity"));
      }
    } else {
      covered.addAll(SettingRules.apply(changes, changes.before, changes.after, CSP_RULES));
    }
    SettingRules.leaves(changes, covered, Set.of(), Severity.LOW);
  }
}
