package dev.portcullis.deploy.diff;

import dev.portcullis.deploy.diff.ApexSource.ClassDeclaration;
import dev.portcullis.deploy.diff.ApexSource.Sharing;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Diffs Apex classes for their sharing declarations: a class newly declared {@code without sharing}
 * ignores the running user's sharing rules ({@link Severity#HIGH}); a top-level class that declares
 * nothing, or {@code inherited sharing}, is a lower, separate fact. Test classes ({@code @IsTest})
 * never run for users and are left out.
 */
final class ApexDiff {
  private ApexDiff() {}

  static void diff(ComponentChanges changes) {
    ComponentVersions component = changes.component;
    if (!component.type().equals("ApexClass") || component.after() == null) {
      return;
    }
    List<ClassDeclaration> before = component.before() == null ? List.of() : ApexSource.classes(component.before());
    List<ClassDeclaration> after = ApexSource.classes(component.after());
    Set<String> withoutBefore = new HashSet<>();
    Sharing topBefore = null;
    for (ClassDeclaration declaration : before) {
      if (declaration.sharing() == Sharing.WITHOUT) {
        withoutBefore.add(declaration.name());
      }
      if (declaration.topLevel() && topBefore == null) {
        topBefore = declaration.sharing();
      }
    }
    boolean isNew = component.before() == null;
    for (ClassDeclaration declaration : after) {
      if (declaration.test()) {
        continue;
      }
      Change.Location at = new Change.Location(component.sourceFile(), Change.Side.AFTER, declaration.line(),
          declaration.column());
      if (declaration.sharing() == Sharing.WITHOUT && !withoutBefore.contains(declaration.name())) {
        String what = declaration.topLevel()
            ? changes.who() + (isNew ? " is new and declared without sharing" : " is now declared without sharing")
            : changes.who() + (isNew ? " is new and declares inner class " : " now declares inner class ")
                + declaration.name() + " without sharing";
        changes.add(ChangeKind.APEX_WITHOUT_SHARING, declaration.name(), "sharing",
            isNew ? null : "", "without sharing", Severity.HIGH,
            what + ": it ignores the running user's sharing rules", at);
      }
      if (!declaration.topLevel() || declaration.sharing() == topBefore) {
        continue;
      }
      if (declaration.sharing() == Sharing.OMITTED) {
        changes.add(ChangeKind.APEX_SHARING_OMITTED, declaration.name(), "sharing", show(topBefore), "", Severity.LOW,
            changes.who() + (isNew ? " is new and" : " now") + " declares no sharing mode"
                + " (it runs in its caller's mode; declare with, without or inherited sharing)", at);
      } else if (declaration.sharing() == Sharing.INHERITED) {
        changes.add(ChangeKind.APEX_INHERITED_SHARING, declaration.name(), "sharing", show(topBefore),
            "inherited sharing", Severity.INFO,
            changes.who() + (isNew ? " is new and" : " now") + " declares inherited sharing", at);
      }
    }
  }

  private static String show(Sharing sharing) {
    if (sharing == null) {
      return null;
    }
    return switch (sharing) {
      case WITH -> "with sharing";
      case WITHOUT -> "without sharing";
      case INHERITED -> "inherited sharing";
      case OMITTED -> "";
    };
  }
}
