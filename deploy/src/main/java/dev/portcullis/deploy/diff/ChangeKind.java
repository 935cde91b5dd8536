package dev.portcullis.deploy.diff;

/**
 * What a {@link Change} says, as a stable id that policies, SARIF rules and users' scripts key on.
 * Never rename an id, only add. docs/DEPLOY.md ("What the diff reports") lists each with an example.
 */
public enum ChangeKind {
  // Components as a whole.
  /** The package adds a component the org does not have. */
  COMPONENT_ADDED("component.added"),
  /** {@code destructiveChanges} deletes a component. */
  COMPONENT_DELETED("component.deleted"),
  /** A component changes in a way the diff has no finer fact for (any type it does not model, or parts it does not). */
  COMPONENT_CHANGED("component.changed"),

  // Profile, PermissionSet, MutingPermissionSet: keyed permission lists.
  /** {@code userPermissions}: a system permission becomes enabled. Subject: the permission API name. */
  USER_PERMISSION_GRANTED("user-permission.granted"),
  USER_PERMISSION_REVOKED("user-permission.revoked"),
  /** {@code objectPermissions}: subject the object, aspect the flag ({@code allowRead}, {@code modifyAllRecords}, ...). */
  OBJECT_ACCESS_GRANTED("object-access.granted"),
  OBJECT_ACCESS_REVOKED("object-access.revoked"),
  /** {@code fieldPermissions}: subject {@code Object.Field}, aspect {@code readable} or {@code editable}. */
  FIELD_ACCESS_GRANTED("field-access.granted"),
  FIELD_ACCESS_REVOKED("field-access.revoked"),
  /** {@code classAccesses}: subject the Apex class. */
  CLASS_ACCESS_GRANTED("class-access.granted"),
  CLASS_ACCESS_REVOKED("class-access.revoked"),
  /** {@code pageAccesses}: subject the Visualforce page. */
  PAGE_ACCESS_GRANTED("page-access.granted"),
  PAGE_ACCESS_REVOKED("page-access.revoked"),
  /** {@code customPermissions}: subject the custom permission. */
  CUSTOM_PERMISSION_GRANTED("custom-permission.granted"),
  CUSTOM_PERMISSION_REVOKED("custom-permission.revoked"),
  /** {@code flowAccesses}: subject the flow. */
  FLOW_ACCESS_GRANTED("flow-access.granted"),
  FLOW_ACCESS_REVOKED("flow-access.revoked"),
  /** {@code externalCredentialPrincipalAccesses}: subject {@code ExternalCredential-Principal}. */
  EXTERNAL_CREDENTIAL_PRINCIPAL_ACCESS_GRANTED("external-credential-principal-access.granted"),
  EXTERNAL_CREDENTIAL_PRINCIPAL_ACCESS_REVOKED("external-credential-principal-access.revoked"),
  /** {@code customMetadataTypeAccesses}. */
  CUSTOM_METADATA_TYPE_ACCESS_GRANTED("custom-metadata-type-access.granted"),
  CUSTOM_METADATA_TYPE_ACCESS_REVOKED("custom-metadata-type-access.revoked"),
  /** {@code customSettingAccesses}. */
  CUSTOM_SETTING_ACCESS_GRANTED("custom-setting-access.granted"),
  CUSTOM_SETTING_ACCESS_REVOKED("custom-setting-access.revoked"),
  /** {@code externalDataSourceAccesses}. */
  EXTERNAL_DATA_SOURCE_ACCESS_GRANTED("external-data-source-access.granted"),
  EXTERNAL_DATA_SOURCE_ACCESS_REVOKED("external-data-source-access.revoked"),
  /** {@code applicationVisibilities}: subject the app, aspect {@code visible}. */
  APPLICATION_VISIBILITY_GRANTED("application-visibility.granted"),
  APPLICATION_VISIBILITY_REVOKED("application-visibility.revoked"),
  /** {@code recordTypeVisibilities}: subject {@code Object.RecordType}, aspect {@code visible}. */
  RECORD_TYPE_VISIBILITY_GRANTED("record-type-visibility.granted"),
  RECORD_TYPE_VISIBILITY_REVOKED("record-type-visibility.revoked"),
  /** {@code tabVisibilities} (Profile) or {@code tabSettings} (PermissionSet) made more visible. */
  TAB_VISIBILITY_WIDENED("tab-visibility.widened"),
  TAB_VISIBILITY_NARROWED("tab-visibility.narrowed"),
  /** A MutingPermissionSet starts muting a permission (subject, aspect as for the grant kinds). */
  PERMISSION_MUTED("permission.muted"),
  /** A MutingPermissionSet stops muting a permission: the group's members get it back. */
  PERMISSION_UNMUTED("permission.unmuted"),
  /** Profile {@code loginIpRanges}: subject {@code start-end}. */
  LOGIN_IP_RANGE_ADDED("login-ip-range.added"),
  LOGIN_IP_RANGE_REMOVED("login-ip-range.removed"),
  /** Profile {@code loginHours}: subject the day bound ({@code mondayStart}); widened also when the restriction goes. */
  LOGIN_HOURS_WIDENED("login-hours.widened"),
  LOGIN_HOURS_NARROWED("login-hours.narrowed"),

  // PermissionSetGroup.
  /** {@code permissionSets}: a permission set joins the group. */
  PERMISSION_SET_GROUP_MEMBER_ADDED("permission-set-group.member-added"),
  PERMISSION_SET_GROUP_MEMBER_REMOVED("permission-set-group.member-removed"),
  /** {@code mutingPermissionSets}. */
  PERMISSION_SET_GROUP_MUTING_ADDED("permission-set-group.muting-added"),
  PERMISSION_SET_GROUP_MUTING_REMOVED("permission-set-group.muting-removed"),

  // Scalar settings anywhere (SecuritySettings, OAuth policies, permission-set flags, certificates).
  /** A setting moves to a less secure value. Subject: its path ({@code passwordPolicies.minimumPasswordLength}). */
  SETTING_WEAKENED("setting.weakened"),
  /** A setting moves to a more secure value. */
  SETTING_STRENGTHENED("setting.strengthened"),
  /** A setting the diff has no security ordering for changes. */
  SETTING_CHANGED("setting.changed"),
  /** SessionSettings {@code sessionTimeout} becomes longer. */
  SESSION_TIMEOUT_RAISED("session-timeout.raised"),
  /** SessionSettings {@code sessionTimeout} becomes shorter. */
  SESSION_TIMEOUT_LOWERED("session-timeout.lowered"),
  /** A trusted IP range (SecuritySettings {@code networkAccess}, ConnectedApp {@code ipRanges}, ECA {@code trustedIpRanges}). */
  TRUSTED_IP_RANGE_ADDED("trusted-ip-range.added"),
  TRUSTED_IP_RANGE_REMOVED("trusted-ip-range.removed"),

  // ConnectedApp and External Client Apps.
  /** An OAuth scope is added. Subject: the scope, normalised as a retrieve returns it ({@code RefreshToken}, not {@code OfflineAccess}). */
  OAUTH_SCOPE_ADDED("oauth-scope.added"),
  OAUTH_SCOPE_REMOVED("oauth-scope.removed"),
  /** A callback URL is added. Subject: the URL. */
  CALLBACK_URL_ADDED("callback-url.added"),
  CALLBACK_URL_REMOVED("callback-url.removed"),
  /** The app's certificate (which enables the JWT bearer flow) is added, replaced or removed. */
  OAUTH_CERTIFICATE_CHANGED("oauth-certificate.changed"),
  /** A profile or permission set is pre-authorized for the app. Subject: its name, aspect which list. */
  PREAUTHORIZATION_ADDED("preauthorization.added"),
  PREAUTHORIZATION_REMOVED("preauthorization.removed"),
  /**
   * A document in the package holds a secret (a consumer secret, a password, an OAuth token), which
   * must never be in source control. Subject: the field; the value is never reported.
   */
  SECRET_IN_PACKAGE("secret.in-package"),

  // RemoteSiteSetting and CspTrustedSite.
  /** A new trusted site. Subject: its URL. */
  TRUSTED_SITE_ADDED("trusted-site.added"),
  /** A trusted site now points elsewhere. */
  TRUSTED_SITE_URL_CHANGED("trusted-site.url-changed"),
  /** An inactive trusted site is activated. */
  TRUSTED_SITE_ACTIVATED("trusted-site.activated"),
  /** RemoteSiteSetting {@code disableProtocolSecurity} turned on. */
  PROTOCOL_SECURITY_DISABLED("trusted-site.protocol-security-disabled"),
  /** A new or changed URL (trusted site, callback, credential endpoint) uses plain {@code http://}. */
  INSECURE_URL("url.insecure-http"),
  /** A new or changed trusted-site URL has a wildcard host. */
  WILDCARD_URL("url.wildcard"),

  // Apex.
  /** A class (top-level or inner) newly declared {@code without sharing}. Subject: the class name. */
  APEX_WITHOUT_SHARING("apex.without-sharing"),
  /** A top-level class with no sharing declaration (new, or its declaration removed). */
  APEX_SHARING_OMITTED("apex.sharing-omitted"),
  /** A top-level class newly declared {@code inherited sharing}. */
  APEX_INHERITED_SHARING("apex.inherited-sharing"),

  // NamedCredential, ExternalCredential, Certificate.
  /** Where a credential calls changes (legacy {@code endpoint}, or a {@code Url} parameter). */
  CREDENTIAL_ENDPOINT_CHANGED("credential.endpoint-changed"),
  /** How a credential authenticates changes (protocol, principal, auth provider, certificate, parameters). */
  CREDENTIAL_AUTHENTICATION_CHANGED("credential.authentication-changed"),
  /** A Certificate's content or properties change. Subject: the field. */
  CERTIFICATE_CHANGED("certificate.changed");

  private final String id;

  ChangeKind(String id) {
    this.id = id;
  }

  /** The stable id, as policies and SARIF rule ids use it. */
  public String id() {
    return id;
  }
}
