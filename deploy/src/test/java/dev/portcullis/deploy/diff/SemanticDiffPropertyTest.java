package dev.portcullis.deploy.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the permission diff over generated Profile, PermissionSet and MutingPermissionSet
 * documents: the same document, or the same entries in any order and any formatting, is no change;
 * one grant added to a shuffled document is found exactly once.
 */
class SemanticDiffPropertyTest {
  private static final SemanticDiff DIFF = SemanticDiff.create();
  private static final List<String> PERMISSIONS = List.of("ApiEnabled", "ViewSetup", "RunReports", "ExportReport",
      "ManageUsers", "AuthorApex", "EditTask", "ConvertLeads", "ViewAllData", "AssignPermissionSets");
  private static final List<String> OBJECT_FLAGS = List.of("allowCreate", "allowDelete", "allowEdit", "allowRead",
      "modifyAllRecords", "viewAllFields", "viewAllRecords");

  /** A permission container's entries, each rendered as one XML element. */
  record Model(String type, List<String> entries) {}

  @Provide
  Arbitrary<Model> models() {
    Arbitrary<String> type = Arbitraries.of("Profile", "PermissionSet");
    Arbitrary<List<String>> users = Arbitraries.subsetOf(PERMISSIONS).flatMap(names -> {
      List<String> sorted = new ArrayList<>(names);
      Collections.sort(sorted);
      return Arbitraries.of(true, false).list().ofSize(sorted.size()).map(flags -> {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
          entries.add("<userPermissions><enabled>" + flags.get(i) + "</enabled><name>" + sorted.get(i)
              + "</name></userPermissions>");
        }
        return entries;
      });
    });
    Arbitrary<List<String>> objects = Arbitraries.subsetOf("Account", "Contact", "Case", "Invoice__c")
        .flatMap(names -> Arbitraries.of(true, false).list().ofSize(names.size() * OBJECT_FLAGS.size()).map(flags -> {
          List<String> entries = new ArrayList<>();
          List<String> sorted = new ArrayList<>(names);
          Collections.sort(sorted);
          for (int i = 0; i < sorted.size(); i++) {
            StringBuilder entry = new StringBuilder("<objectPermissions>");
            for (int f = 0; f < OBJECT_FLAGS.size(); f++) {
              entry.append('<').append(OBJECT_FLAGS.get(f)).append('>').append(flags.get(i * OBJECT_FLAGS.size() + f))
                  .append("</").append(OBJECT_FLAGS.get(f)).append('>');
            }
            entries.add(entry.append("<object>").append(sorted.get(i)).append("</object></objectPermissions>")
                .toString());
          }
          return entries;
        }));
    Arbitrary<List<String>> fields = Arbitraries.subsetOf("Contact.SSN__c", "Account.Rating", "Case.Reason")
        .map(names -> names.stream().sorted().map(f -> "<fieldPermissions><editable>false</editable><field>" + f
            + "</field><readable>true</readable></fieldPermissions>").toList());
    Arbitrary<List<String>> classes = Arbitraries.subsetOf("Refunds", "Payments")
        .map(names -> names.stream().sorted().map(c -> "<classAccesses><apexClass>" + c
            + "</apexClass><enabled>true</enabled></classAccesses>").toList());
    return Combinators.combine(type, users, objects, fields, classes).as((t, u, o, f, c) -> {
      List<String> entries = new ArrayList<>();
      entries.addAll(c);
      entries.addAll(f);
      entries.add("<label>Generated</label>");
      entries.addAll(o);
      entries.addAll(u);
      return new Model(t, entries);
    });
  }

  /** The entries in {@code order} (a shuffle seed; 0 keeps them), with formatting chosen by the seed too. */
  static String render(Model model, long order) {
    List<String> entries = new ArrayList<>(model.entries());
    Random random = new Random(order);
    if (order != 0) {
      Collections.shuffle(entries, random);
    }
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").append(model.type())
        .append(" xmlns=\"http://soap.sforce.com/2006/04/metadata\">");
    for (String entry : entries) {
      switch (order == 0 ? 0 : random.nextInt(3)) {
        case 0 -> xml.append("\n    ").append(entry.replace("><", ">\n        <"));
        case 1 -> xml.append(entry);
        default -> xml.append("\n\t<!-- moved -->\n  ").append(entry).append("  ");
      }
    }
    return xml.append("\n</").append(model.type()).append(">\n").toString();
  }

  @Property
  void aDocumentAgainstItselfIsNoChange(@ForAll("models") Model model, @ForAll long order) throws DiffException {
    String document = render(model, order);
    assertThat(DIFF.diff(ComponentVersions.changed(model.type(), "X", document, document, "x"))).isEmpty();
  }

  @Property
  void anyReorderingAndReformattingIsNoChange(@ForAll("models") Model model, @ForAll long order)
      throws DiffException {
    String before = render(model, 0);
    String after = render(model, order);
    assertThat(DIFF.diff(ComponentVersions.changed(model.type(), "X", before, after, "x"))).isEmpty();
  }

  @Property
  void aGrantAddedToAShuffledDocumentIsFoundExactlyOnce(@ForAll("models") Model model, @ForAll long order)
      throws DiffException {
    String before = render(model, 0);
    List<String> withGrant = new ArrayList<>(model.entries());
    withGrant.add("<userPermissions><enabled>true</enabled><name>ModifyAllData</name></userPermissions>");
    String after = render(new Model(model.type(), withGrant), order);

    List<Change> changes = DIFF.diff(ComponentVersions.changed(model.type(), "X", before, after, "x"));

    assertThat(changes).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(ChangeKind.USER_PERMISSION_GRANTED);
      assertThat(change.subject()).isEqualTo("ModifyAllData");
      assertThat(change.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(change.location().side()).isEqualTo(Change.Side.AFTER);
      assertThat(after.lines().toList().get(change.location().line() - 1)).contains("userPermissions");
    });
  }
}
