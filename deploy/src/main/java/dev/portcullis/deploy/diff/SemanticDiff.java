package dev.portcullis.deploy.diff;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The semantic diff of a package against the target org: for each component, the facts policy
 * decides on ("Profile Integration gains ModifyAllData"), not a text diff.
 *
 * <p>Design note. Each component's two documents (org and package) are parsed safely ({@link
 * MetadataXml}: no DTD, no entities, size and depth capped) into element trees, and a diff for the
 * type turns the pair into {@link Change}s:
 * <ul>
 *   <li>Profile, PermissionSet, MutingPermissionSet, PermissionSetGroup: permission lists keyed by
 *       what they grant on, flag by flag ({@link PermissionsDiff});
 *   <li>ConnectedApp and the External Client App types: scopes, callbacks, certificate, policies
 *       ({@link OAuthAppDiff});
 *   <li>RemoteSiteSetting, CspTrustedSite: URLs and their protection ({@link TrustedSiteDiff});
 *   <li>ApexClass, ApexTrigger: new code and sharing declarations ({@link ApexDiff});
 *   <li>SecuritySettings and its session settings ({@link SettingsDiff});
 *   <li>NamedCredential, ExternalCredential, Certificate ({@link CredentialDiff}).
 * </ul>
 * Invariants: the same document on both sides yields no change, whatever its formatting, comments
 * or the order of its repeated elements (the order of children is compared only for types the diff
 * does not model, where it may matter); every other difference yields at least one change, because
 * each type diff ends with a comparison of what it did not model, and a type the diff does not know
 * is compared as a whole ({@link ChangeKind#COMPONENT_CHANGED}); a deleted component is always
 * {@link ChangeKind#COMPONENT_DELETED}, a new one {@link ChangeKind#COMPONENT_ADDED} plus whatever
 * it grants. Changes come out in input order, and within a component in a fixed order, so two runs
 * over the same input give the same list.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class SemanticDiff {
  private static final Set<String> PERMISSION_TYPES = Set.of("Profile", "PermissionSet", "MutingPermissionSet",
      "PermissionSetGroup");
  private static final Set<String> OAUTH_TYPES = Set.of("ConnectedApp", "ExternalClientApplication",
      "ExtlClntAppOauthSettings", "ExtlClntAppGlobalOauthSettings", "ExtlClntAppOauthConfigurablePolicies",
      "ExtlClntAppConfigurablePolicies");
  private static final Set<String> APEX_TYPES = Set.of("ApexClass", "ApexTrigger");

  private final PermissionsDiff permissions;

  private SemanticDiff(DangerousPermissions dangerous) {
    this.permissions = new PermissionsDiff(dangerous);
  }

  /** A diff that rates user permissions by the built-in dangerous-permission list. */
  public static SemanticDiff create() {
    return new SemanticDiff(DangerousPermissions.builtIn());
  }

  /** A diff that rates user permissions by {@code dangerous}. */
  public static SemanticDiff create(DangerousPermissions dangerous) {
    return new SemanticDiff(Objects.requireNonNull(dangerous, "dangerous"));
  }

  /** The changes of every component, in input order; fails on the first component that cannot be read. */
  public List<Change> diff(Collection<ComponentVersions> components) throws DiffException {
    List<Change> changes = new ArrayList<>();
    for (ComponentVersions component : components) {
      changes.addAll(diff(component));
    }
    return List.copyOf(changes);
  }

  /** The changes of one component: empty when the package leaves it as the org has it. */
  public List<Change> diff(ComponentVersions component) throws DiffException {
    validate(component);
    String type = component.type();
    boolean apex = APEX_TYPES.contains(type);
    XmlElement before = apex || component.before() == null ? null
        : MetadataXml.parse(component.before(), component.label() + " (org)");
    XmlElement after = apex || component.after() == null ? null
        : MetadataXml.parse(component.after(), component.label() + " (package"
            + (component.sourceFile() == null ? "" : " " + component.sourceFile()) + ")");
    ComponentChanges changes = new ComponentChanges(component, before, after);

    if (component.after() == null) {
      changes.add(ChangeKind.COMPONENT_DELETED, "", "", null, null, Severity.MEDIUM,
          changes.who() + " is deleted", changes.location(Change.Side.BEFORE, before));
      return List.copyOf(changes.changes());
    }
    if (component.before() == null) {
      changes.add(ChangeKind.COMPONENT_ADDED, "", "", null, null, apex ? Severity.LOW : Severity.INFO,
          changes.who() + " is new", changes.location(Change.Side.AFTER, after));
    }

    if (apex) {
      ApexDiff.diff(changes);
      if (component.before() != null && !normaliseSource(component.before()).equals(normaliseSource(component.after()))) {
        changes.add(ChangeKind.COMPONENT_CHANGED, "", "", null, null, Severity.LOW, changes.who() + " changes its code",
            new Change.Location(component.sourceFile(), Change.Side.AFTER, 1, 1));
      }
    } else if (PERMISSION_TYPES.contains(type)) {
      permissions.diff(changes);
    } else if (OAUTH_TYPES.contains(type)) {
      OAuthAppDiff.diff(changes);
    } else if (type.equals("RemoteSiteSetting") || type.equals("CspTrustedSite")) {
      TrustedSiteDiff.diff(changes);
    } else if (SettingsDiff.handles(type, component.fullName())) {
      SettingsDiff.diff(changes);
    } else if (type.equals("NamedCredential") || type.equals("ExternalCredential") || type.equals("Certificate")) {
      CredentialDiff.diff(changes);
    } else if (type.equals("CustomObject")) {
      ObjectDiff.diff(changes);
    } else if (before != null && !before.canonical(true).equals(after.canonical(true))) {
      changes.add(ChangeKind.COMPONENT_CHANGED, "", "", null, null, Severity.LOW,
          changes.who() + " changes (no finer facts for this type)", changes.location(Change.Side.AFTER, after));
    }
    return List.copyOf(changes.changes());
  }

  private static void validate(ComponentVersions component) throws DiffException {
    if (component.type().isBlank() || component.fullName().isBlank()) {
      throw new DiffException(DiffErrorCode.INVALID_COMPONENT,
          "component '" + component.label() + "': type and fullName must not be blank");
    }
    if (component.before() == null && component.after() == null) {
      throw new DiffException(DiffErrorCode.INVALID_COMPONENT,
          component.label() + ": neither an org document nor a package document");
    }
  }

  /** Apex source compared modulo line endings and trailing whitespace. */
  private static String normaliseSource(String source) {
    return source.replace("\r\n", "\n").replace('\r', '\n').replaceAll("[ \\t]+\n", "\n").strip();
  }
}
