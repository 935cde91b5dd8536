package dev.portcullis.deploy.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DangerousPermissionsTest {

  @Test
  void theBuiltInListHoldsTheIssuesPermissionsWithReasonsAndSources() {
    DangerousPermissions list = DangerousPermissions.builtIn();
    for (String name : new String[] {"ModifyAllData", "ViewAllData", "ManageUsers", "AuthorApex",
        "CustomizeApplication", "ModifyMetadata", "ManageProfilesPermissionsets", "AssignPermissionSets", "ViewSetup",
        "ApiEnabled", "ManageSharing", "ExportReport", "ManageEncryptionKeys"}) {
      assertThat(list.find(name)).as(name).hasValueSatisfying(p -> {
        assertThat(p.severity()).isIn(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM);
        assertThat(p.why()).isNotBlank();
        assertThat(p.sources()).isNotEmpty().allSatisfy(id -> assertThat(list.sources()).containsKey(id));
      });
    }
    assertThat(list.all().size()).isGreaterThan(42);
    assertThat(list.find("modifyalldata")).isPresent();
    assertThat(list.find("RunReports")).isEmpty();
  }

  @Test
  void everyPermissionIsDocumented() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "DEPLOY.md"));
    for (DangerousPermissions.DangerousPermission permission : DangerousPermissions.builtIn().all()) {
      assertThat(docs).as("docs/DEPLOY.md lists %s", permission.name())
          .contains("| `" + permission.name() + "` | " + permission.severity().id() + " |");
    }
  }

  @Test
  void aMalformedListIsRefusedWithWhereAndWhat() {
    assertThatThrownBy(() -> read("{\"sources\":{\"a\":\"cite\"},\"permissions\":[{\"name\":\"X\",\"label\":\"X\","
        + "\"severity\":\"low\",\"why\":\"w\",\"sources\":[\"a\"]}]}"))
        .isInstanceOfSatisfying(DiffException.class, e -> {
          assertThat(e.code()).isEqualTo(DiffErrorCode.DANGEROUS_PERMISSIONS_INVALID);
          assertThat(e.getMessage()).isEqualTo("custom.json: permissions[0] (X): severity 'low' is not one of"
              + " critical, high, medium");
        });
    assertThatThrownBy(() -> read("{\"sources\":{\"a\":\"cite\"},\"permissions\":[{\"name\":\"X\",\"label\":\"X\","
        + "\"severity\":\"high\",\"why\":\"w\",\"sources\":[\"b\"]}]}"))
        .hasMessageContaining("source 'b' is not in 'sources'");
    assertThatThrownBy(() -> read("[1,")).hasMessageStartingWith("custom.json: not valid JSON");
  }

  @Test
  void aCustomListRatesGrants() throws Exception {
    DangerousPermissions custom = read("{\"sources\":{\"a\":\"our security team\"},\"permissions\":[{\"name\":"
        + "\"RunReports\",\"label\":\"Run Reports\",\"severity\":\"medium\",\"why\":\"w\",\"sources\":[\"a\"]}]}");
    SemanticDiff diff = SemanticDiff.create(custom);

    var changes = diff.diff(ComponentVersions.changed("PermissionSet", "S", Xml.doc("PermissionSet"),
        Xml.doc("PermissionSet", Xml.userPermission("RunReports", true)), "s"));

    assertThat(changes).singleElement().extracting(Change::severity).isEqualTo(Severity.MEDIUM);
  }

  private static DangerousPermissions read(String json) throws DiffException {
    return DangerousPermissions.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "custom.json");
  }
}
