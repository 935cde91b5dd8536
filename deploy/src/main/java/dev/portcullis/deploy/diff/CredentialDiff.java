package dev.portcullis.deploy.diff;

import dev.portcullis.deploy.diff.SettingRules.Rule;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Diffs NamedCredential, ExternalCredential and Certificate: where a credential calls, how it
 * authenticates, and a certificate's content and properties.
 *
 * <p>Fields follow the Metadata API reference pages NamedCredential (legacy {@code endpoint},
 * {@code protocol}, {@code principalType}...; {@code namedCredentialParameters} with {@code
 * parameterType} {@code Url}, {@code Authentication}, {@code ClientCertificate}...),
 * ExternalCredential ({@code authenticationProtocol}, {@code externalCredentialParameters}) and
 * Certificate (v67; shared/reference/salesforce-formats.md sections 2.7 and 2.9). Parameters are
 * keyed by {@code parameterType:parameterName}, never by position. Secrets (passwords, tokens) in
 * the package are reported by field, never by value.
 */
final class CredentialDiff {
  /** Legacy NamedCredential fields that hold secrets: reported when present, never printed. */
  private static final List<String> SECRETS = List.of("password", "oauthToken", "oauthRefreshToken",
      "awsSecretAccessKey", "jwtSigningCertificate");

  /** Legacy NamedCredential fields that say how it authenticates. */
  private static final List<String> LEGACY_AUTH = List.of("protocol", "principalType", "authProvider", "username",
      "certificate", "oauthScope", "jwtIssuer", "jwtAudience", "jwtFormulaSubject", "jwtTextSubject",
      "jwtValidityPeriodSeconds", "awsAccessKey", "awsRegion", "awsService", "authTokenEndpointUrl");

  private static final List<Rule> NAMED_CREDENTIAL_RULES = List.of(
      Rule.flag("allowMergeFieldsInHeader", false, Severity.MEDIUM, "merge fields in callout headers"),
      Rule.flag("allowMergeFieldsInBody", false, Severity.MEDIUM, "merge fields in callout bodies"));

  private static final List<Rule> CERTIFICATE_RULES = List.of(
      Rule.flag("privateKeyExportable", false, Severity.MEDIUM, "exportability of the private key"),
      Rule.number("keySize", true, Severity.MEDIUM, "the key size"));

  private CredentialDiff() {}

  static void diff(ComponentChanges changes) {
    switch (changes.component.type()) {
      case "NamedCredential" -> namedCredential(changes);
      case "ExternalCredential" -> externalCredential(changes);
      case "Certificate" -> certificate(changes);
      default -> throw new IllegalArgumentException("not a credential type: " + changes.component.type());
    }
  }

  private static void namedCredential(ComponentChanges changes) {
    if (changes.after == null) {
      return;
    }
    Set<String> covered = new HashSet<>();
    covered.add("endpoint");
    String oldEndpoint = Documents.textAt(changes.before, "endpoint");
    String newEndpoint = Documents.textAt(changes.after, "endpoint");
    if (newEndpoint != null && !newEndpoint.equals(oldEndpoint)) {
      endpoint(changes, "endpoint", oldEndpoint, newEndpoint, changes.after.child("endpoint"));
    }
    for (String field : LEGACY_AUTH) {
      covered.add(field);
      String was = Documents.textAt(changes.before, field);
      String now = Documents.textAt(changes.after, field);
      if (changes.before != null && now != null && !now.equals(was)) {
        changes.inAfter(ChangeKind.CREDENTIAL_AUTHENTICATION_CHANGED, field, "", was, now, Severity.MEDIUM,
            changes.who() + " changes " + field + " to " + now + (was == null ? "" : " (was " + was + ")"),
            changes.after.child(field));
      }
    }
    secrets(changes, covered);
    parameters(changes, "namedCredentialParameters", true);
    covered.addAll(SettingRules.apply(changes, changes.before, changes.after, NAMED_CREDENTIAL_RULES));
    SettingRules.leaves(changes, covered, Set.of("namedCredentialParameters"), Severity.LOW);
  }

  private static void externalCredential(ComponentChanges changes) {
    if (changes.after == null) {
      return;
    }
    String was = Documents.textAt(changes.before, "authenticationProtocol");
    String now = Documents.textAt(changes.after, "authenticationProtocol");
    if (now != null && !now.equals(was) && changes.before != null) {
      changes.inAfter(ChangeKind.CREDENTIAL_AUTHENTICATION_CHANGED, "authenticationProtocol", "", was, now,
          Severity.MEDIUM, changes.who() + " authenticates with " + now + (was == null ? "" : " instead of " + was),
          changes.after.child("authenticationProtocol"));
    }
    parameters(changes, "externalCredentialParameters", false);
    SettingRules.leaves(changes, Set.of("authenticationProtocol"), Set.of("externalCredentialParameters"),
        Severity.LOW);
  }

  private static void endpoint(ComponentChanges changes, String subject, String was, String now, XmlElement at) {
    if (changes.before != null || was != null) {
      changes.inAfter(ChangeKind.CREDENTIAL_ENDPOINT_CHANGED, subject, "", was, now, Severity.MEDIUM,
          changes.who() + " now calls " + now + (was == null ? "" : " instead of " + was), at);
    }
    if (Urls.isInsecureHttp(now)) {
      changes.inAfter(ChangeKind.INSECURE_URL, subject, "", was, now, Severity.HIGH,
          changes.who() + " calls an http:// URL (" + now + "): credentials and data travel in clear", at);
    }
  }

  private static void secrets(ComponentChanges changes, Set<String> covered) {
    for (String field : SECRETS) {
      covered.add(field);
      String value = Documents.textAt(changes.after, field);
      if (value != null && !value.isBlank()) {
        changes.inAfter(ChangeKind.SECRET_IN_PACKAGE, field, "", null, null, Severity.HIGH,
            changes.who() + " carries a " + field + " in the package; secrets must not be in source control",
            changes.after.child(field));
      }
    }
  }

  /** A parameter's identity and everything it says, with where it is. */
  private record Parameter(String type, String value, XmlElement element) {}

  private static void parameters(ComponentChanges changes, String element, boolean named) {
    Map<String, Parameter> before = parameters(changes.before, element);
    Map<String, Parameter> after = parameters(changes.after, element);
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String key : keys) {
      Parameter was = before.get(key);
      Parameter now = after.get(key);
      if (was != null && now != null && was.value.equals(now.value)) {
        continue;
      }
      String type = now != null ? now.type : was.type;
      String oldValue = was == null ? null : was.value;
      String newValue = now == null ? null : now.value;
      if (named && type.equals("Url")) {
        if (now != null) {
          String url = now.element.text("parameterValue");
          endpoint(changes, key, was == null ? null : was.element.text("parameterValue"), url, now.element);
        }
        continue;
      }
      if (now == null) {
        changes.inBefore(ChangeKind.CREDENTIAL_AUTHENTICATION_CHANGED, key, element, oldValue, null, Severity.INFO,
            changes.who() + " removes parameter " + key, was.element);
      } else if (changes.before != null) {
        boolean authentication = !named || type.equals("Authentication") || type.equals("ClientCertificate");
        changes.inAfter(authentication ? ChangeKind.CREDENTIAL_AUTHENTICATION_CHANGED : ChangeKind.SETTING_CHANGED,
            key, element, oldValue, newValue, authentication ? Severity.MEDIUM : Severity.LOW,
            changes.who() + (was == null ? " adds parameter " : " changes parameter ") + key + " = " + newValue,
            now.element);
      }
    }
  }

  private static Map<String, Parameter> parameters(XmlElement root, String element) {
    Map<String, Parameter> parameters = new TreeMap<>();
    for (XmlElement parameter : Documents.children(root, element)) {
      String type = Objects.requireNonNullElse(parameter.text("parameterType"), "");
      String name = Objects.requireNonNullElse(parameter.text("parameterName"), "");
      StringBuilder value = new StringBuilder();
      for (String field : List.of("parameterValue", "certificate", "externalCredential", "authProvider",
          "externalAuthIdentityProvider", "outboundNetworkConnection", "principal", "parameterGroup")) {
        String text = parameter.text(field);
        if (text != null) {
          value.append(value.isEmpty() ? "" : ", ").append(field).append('=').append(text);
        }
      }
      parameters.putIfAbsent(type + ":" + name, new Parameter(type, value.toString(), parameter));
    }
    return parameters;
  }

  private static void certificate(ComponentChanges changes) {
    if (changes.after == null || changes.before == null) {
      return;
    }
    Set<String> covered = new HashSet<>(SettingRules.apply(changes, changes.before, changes.after, CERTIFICATE_RULES));
    for (String field : List.of("content", "caSigned", "expirationDate", "masterLabel",
        "encryptedWithPlatformEncryption")) {
      covered.add(field);
      String was = Documents.textAt(changes.before, field);
      String now = Documents.textAt(changes.after, field);
      if (now == null || now.equals(was)) {
        continue;
      }
      boolean content = field.equals("content");
      Object oldValue = content ? Urls.fingerprint(was) : was;
      Object newValue = content ? Urls.fingerprint(now) : now;
      if (Objects.equals(oldValue, newValue)) {
        continue;
      }
      changes.inAfter(ChangeKind.CERTIFICATE_CHANGED, field, "", oldValue, newValue,
          content ? Severity.MEDIUM : Severity.LOW,
          changes.who() + (content ? " replaces its certificate content" : " changes " + field + " to " + now),
          changes.after.child(field));
    }
    SettingRules.leaves(changes, covered, Set.of(), Severity.LOW);
  }
}
