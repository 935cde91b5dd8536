package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.orgsim.OrgData.Row;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FixtureLoaderTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));

  OrgState load(String yaml) {
    return new OrgState(OrgSpec.builder("t").fixture("fixture.yaml", yaml).build(), clock, 0);
  }

  @Test
  void loadsRecordsReferencesAndOrganization() {
    OrgState org = load("""
        organization:
          Name: Tiny Org
          OrganizationType: Developer Edition
        records:
          Account:
            - _ref: a
              Name: Tiny
              NumberOfEmployees: 007
          Contact:
            - AccountId: "@a"
              LastName: Doe
              SSN__c: 900-00-0009
          User:
            - Username: u@tiny.example
              LastName: U
              Email: u@tiny.example
              _preAuthorized: true
        """);
    Row account = org.data.rows(org.schema.type("Account").orElseThrow()).get(0);
    Row contact = org.data.rows(org.schema.type("Contact").orElseThrow()).get(0);
    assertThat(account.id()).startsWith("001").hasSize(18);
    assertThat(account.values.get("NumberOfEmployees")).hasToString("7");
    assertThat(contact.values.get("AccountId")).isEqualTo(account.id());
    assertThat(contact.values.get("Name")).isEqualTo("Doe");
    assertThat(contact.values.get("SSN__c")).isEqualTo("900-00-0009");
    assertThat(org.preAuthorized).contains("u@tiny.example");
    Row organization = org.data.byId(org.orgId).orElseThrow();
    assertThat(organization.values.get("Name")).isEqualTo("Tiny Org");
    assertThat(organization.values.get("OrganizationType")).isEqualTo("Developer Edition");
  }

  @Test
  void defaultFixtureHasEveryType() {
    OrgState org = new OrgState(OrgSpec.builder("t").build(), clock, 0);
    for (String type : new String[] {"Account", "Contact", "Opportunity", "User", "Profile", "PermissionSet", "Organization",
        "SetupAuditTrail"}) {
      assertThat(org.data.rows(org.schema.type(type).orElseThrow())).as(type).isNotEmpty();
    }
  }

  @Test
  void dateTimesMayBeRelativeToTheClockAndABadOneNamesItsLine() {
    OrgState org = load("""
        records:
          User:
            - _ref: u
              Username: u@tiny.example
              LastName: U
              Email: u@tiny.example
          SetupAuditTrail:
            - CreatedById: "@u"
              CreatedDate: now-PT90M
              Action: changedApexClass
              Section: Apex Class
              Display: Changed Foo Apex Class code
        """);
    Row row = org.data.rows(org.schema.type("SetupAuditTrail").orElseThrow()).get(0);
    assertThat(row.values.get("CreatedDate")).isEqualTo(Instant.parse("2026-11-28T10:30:00Z"));
    assertThat(row.values.get("SystemModstamp")).isEqualTo(Instant.parse("2026-11-28T10:30:00Z"));
    assertThat(row.id()).startsWith("0Ym");

    assertThatThrownBy(() -> load("""
        records:
          SetupAuditTrail:
            - Action: x
              CreatedDate: now-3 days
        """)).hasMessageStartingWith("fixture.yaml:4:20: bad value for CreatedDate");
  }

  @Test
  void errorsNameTheLine() {
    assertThatThrownBy(() -> load("""
        records:
          Account:
            - Name: Fine
            - Nmae: Typo
        """)).hasMessage("fixture.yaml:4:7: unknown field 'Nmae' on Account");
    assertThatThrownBy(() -> load("""
        records:
          Acount:
            - Name: X
        """)).hasMessage("fixture.yaml:2:3: unknown sObject type 'Acount'");
    assertThatThrownBy(() -> load("""
        records:
          Contact:
            - LastName: X
              AccountId: "@missing"
        """)).hasMessage("fixture.yaml:4:18: unknown reference '@missing' (no record has _ref: missing)");
    assertThatThrownBy(() -> load("""
        records:
          Account:
            - Name: X
              NumberOfEmployees: many
        """)).hasMessageStartingWith("fixture.yaml:4:26: bad value for NumberOfEmployees (int)");
    assertThatThrownBy(() -> load("records: [\n")).hasMessageStartingWith("fixture.yaml: not valid YAML");
  }
}
