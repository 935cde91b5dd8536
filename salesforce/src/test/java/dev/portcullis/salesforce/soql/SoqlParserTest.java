package dev.portcullis.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.FieldsKind;
import dev.portcullis.salesforce.soql.Query.NullsOrder;
import dev.portcullis.salesforce.soql.Query.Operator;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.Value;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SoqlParserTest {

  private static SelectItem field(String... path) {
    return new SelectItem.Field(FieldPath.of(path));
  }

  private static Condition where(String soql) {
    return SoqlParser.parse("SELECT Id FROM Account WHERE " + soql).where().orElseThrow();
  }

  private static Value value(String literal) {
    return ((Condition.Comparison) where("F = " + literal)).value();
  }

  private static SoqlException rejected(String soql) {
    try {
      SoqlParser.parse(soql);
    } catch (SoqlException e) {
      return e;
    }
    throw new AssertionError("accepted: " + soql);
  }

  @Nested
  class SalesforceCliQueries {
    @Test
    void devHubProbeWithLowerCaseLimit() {
      Query q = SoqlParser.parse("SELECT Id FROM ScratchOrgInfo limit 1");
      assertThat(q)
          .isEqualTo(new Query(List.of(field("Id")), "ScratchOrgInfo", Optional.empty(),
              Optional.empty(), List.of(), OptionalInt.of(1), OptionalInt.empty()));
    }

    @Test
    void organizationQuery() {
      Query q = SoqlParser.parse("SELECT Name, InstanceName, IsSandbox, TrialExpirationDate,"
          + " NamespacePrefix, OrganizationType FROM Organization");
      assertThat(q.from()).isEqualTo("Organization");
      assertThat(q.select()).containsExactly(field("Name"), field("InstanceName"),
          field("IsSandbox"), field("TrialExpirationDate"), field("NamespacePrefix"),
          field("OrganizationType"));
      assertThat(q.where()).isEmpty();
      assertThat(q.limit()).isEmpty();
    }

    @Test
    void dataQuery() {
      Query q = SoqlParser.parse("SELECT Id, Name FROM Account LIMIT 5");
      assertThat(q.select()).containsExactly(field("Id"), field("Name"));
      assertThat(q.limit()).hasValue(5);
    }

    @Test
    void sandboxProcessToolingQuery() {
      Query q = SoqlParser.parse("SELECT Id,Status,SandboxName,SandboxInfoId,LicenseType,"
          + "CreatedDate,CopyProgress,SandboxOrganization,SourceId,Description,EndDate,Features"
          + " FROM SandboxProcess WHERE SandboxOrganization='00D5g00000ABCDE'"
          + " ORDER BY CreatedDate DESC");
      assertThat(q.select()).hasSize(12).startsWith(field("Id"), field("Status"));
      assertThat(q.from()).isEqualTo("SandboxProcess");
      assertThat(q.where()).contains(new Condition.Comparison(
          FieldPath.of("SandboxOrganization"), Operator.EQUALS, new Value.Text("00D5g00000ABCDE")));
      assertThat(q.orderBy())
          .containsExactly(new OrderBy(FieldPath.of("CreatedDate"), false, NullsOrder.DEFAULT));
    }
  }

  @Nested
  class SelectList {
    @Test
    void relationshipPaths() {
      Query q = SoqlParser.parse("SELECT Account.Owner.Name, ns__Parent__r.Custom__c FROM Contact");
      assertThat(q.select()).containsExactly(field("Account", "Owner", "Name"),
          field("ns__Parent__r", "Custom__c"));
    }

    @Test
    void count() {
      assertThat(SoqlParser.parse("select count() from Contact").select())
          .containsExactly(new SelectItem.Count());
      assertThat(SoqlParser.parse("SELECT COUNT ( ) FROM Contact").select())
          .containsExactly(new SelectItem.Count());
    }

    @Test
    void fields() {
      assertThat(SoqlParser.parse("SELECT FIELDS(STANDARD) FROM Account").select())
          .containsExactly(new SelectItem.Fields(FieldsKind.STANDARD));
      assertThat(SoqlParser.parse("SELECT fields(all) FROM Account LIMIT 200").select())
          .containsExactly(new SelectItem.Fields(FieldsKind.ALL));
      assertThat(SoqlParser.parse("SELECT Id, FIELDS(Custom) FROM Account LIMIT 10").select())
          .containsExactly(field("Id"), new SelectItem.Fields(FieldsKind.CUSTOM));
    }

    @Test
    void subquery() {
      Query q = SoqlParser.parse("SELECT Name, (SELECT Id, LastName FROM Contacts WHERE"
          + " LastName LIKE 'S%' ORDER BY LastName LIMIT 3) FROM Account");
      assertThat(q.select()).hasSize(2);
      Query inner = ((SelectItem.SubQuery) q.select().get(1)).query();
      assertThat(inner.from()).isEqualTo("Contacts");
      assertThat(inner.select()).containsExactly(field("Id"), field("LastName"));
      assertThat(inner.where()).contains(new Condition.Like(FieldPath.of("LastName"), "S%"));
      assertThat(inner.orderBy()).hasSize(1);
      assertThat(inner.limit()).hasValue(3);
    }

    @Test
    void aliasInFrom() {
      Query q = SoqlParser.parse("SELECT a.Name FROM Account a WHERE a.Name != null");
      assertThat(q.fromAlias()).contains("a");
      assertThat(q.select()).containsExactly(field("a", "Name"));
    }

    @Test
    void groupIsAnObjectName() {
      assertThat(SoqlParser.parse("SELECT Id FROM Group").from()).isEqualTo("Group");
    }

    @Test
    void keywordsAreCaseInsensitiveAndNamesKeepTheirCase() {
      Query q = SoqlParser.parse("sElEcT nAmE fRoM aCcOuNt WhErE nAmE = 'x' OrDeR bY nAmE"
          + " dEsC nUlLs LaSt LiMiT 1 oFfSeT 2");
      assertThat(q.select()).containsExactly(field("nAmE"));
      assertThat(q.from()).isEqualTo("aCcOuNt");
      assertThat(q.orderBy())
          .containsExactly(new OrderBy(FieldPath.of("nAmE"), false, NullsOrder.LAST));
      assertThat(q.offset()).hasValue(2);
    }

    @Test
    void whitespaceOfAllKinds() {
      Query q = SoqlParser.parse("\n\tSELECT\r\nId\f,Name\tFROM\nAccount  ");
      assertThat(q.select()).containsExactly(field("Id"), field("Name"));
    }
  }

  @Nested
  class Conditions {
    @Test
    void operators() {
      assertThat(where("A = 1")).isEqualTo(cmp("A", Operator.EQUALS, 1));
      assertThat(where("A != 1")).isEqualTo(cmp("A", Operator.NOT_EQUALS, 1));
      assertThat(where("A <> 1")).isEqualTo(cmp("A", Operator.NOT_EQUALS, 1));
      assertThat(where("A < 1")).isEqualTo(cmp("A", Operator.LESS_THAN, 1));
      assertThat(where("A <= 1")).isEqualTo(cmp("A", Operator.LESS_OR_EQUAL, 1));
      assertThat(where("A > 1")).isEqualTo(cmp("A", Operator.GREATER_THAN, 1));
      assertThat(where("A >= 1")).isEqualTo(cmp("A", Operator.GREATER_OR_EQUAL, 1));
      assertThat(where("A>=-1")).isEqualTo(
          new Condition.Comparison(FieldPath.of("A"), Operator.GREATER_OR_EQUAL,
              new Value.Number(new BigDecimal("-1"))));
    }

    private static Condition cmp(String field, Operator op, int n) {
      return new Condition.Comparison(FieldPath.of(field), op, new Value.Number(BigDecimal.valueOf(n)));
    }

    @Test
    void andOrNotAndParentheses() {
      Condition a = cmp("A", Operator.EQUALS, 1);
      Condition b = cmp("B", Operator.EQUALS, 2);
      Condition c = cmp("C", Operator.EQUALS, 3);
      assertThat(where("A = 1 AND B = 2 AND C = 3")).isEqualTo(new Condition.And(List.of(a, b, c)));
      assertThat(where("A = 1 or B = 2")).isEqualTo(new Condition.Or(List.of(a, b)));
      assertThat(where("(A = 1 OR B = 2) AND C = 3"))
          .isEqualTo(new Condition.And(List.of(new Condition.Or(List.of(a, b)), c)));
      assertThat(where("A = 1 OR (B = 2 AND C = 3)"))
          .isEqualTo(new Condition.Or(List.of(a, new Condition.And(List.of(b, c)))));
      assertThat(where("NOT A = 1 AND B = 2"))
          .isEqualTo(new Condition.And(List.of(new Condition.Not(a), b)));
      assertThat(where("NOT (A = 1 OR B = 2)"))
          .isEqualTo(new Condition.Not(new Condition.Or(List.of(a, b))));
      assertThat(where("((A = 1))")).isEqualTo(a);
    }

    @Test
    void mixingAndWithOrNeedsParentheses() {
      SoqlException e = rejected("SELECT Id FROM Account WHERE A = 1 AND B = 2 OR C = 3");
      assertThat(e).hasMessageContaining("unexpected token: 'OR'");
      assertThat(e.position()).isEqualTo(45);
    }

    @Test
    void likeAndIn() {
      assertThat(where("Name LIKE 'Acme%'")).isEqualTo(new Condition.Like(FieldPath.of("Name"), "Acme%"));
      assertThat(where("Name IN ('a', 'b')")).isEqualTo(new Condition.In(FieldPath.of("Name"), false,
          List.of(new Value.Text("a"), new Value.Text("b"))));
      assertThat(where("Amount NOT IN (1,2.5,null)")).isEqualTo(new Condition.In(
          FieldPath.of("Amount"), true, List.of(new Value.Number(BigDecimal.ONE),
              new Value.Number(new BigDecimal("2.5")), new Value.Null())));
      assertThat(where("NOT Name LIKE '%x'"))
          .isEqualTo(new Condition.Not(new Condition.Like(FieldPath.of("Name"), "%x")));
    }

    @Test
    void likePatternKeepsWildcardEscapes() {
      Condition.Like like = (Condition.Like) where("Name LIKE 'Ter\\\\%\\%\\_\\'s'");
      assertThat(like.pattern()).isEqualTo("Ter\\\\%\\%\\_'s");
      assertThat(like.matches("Ter\\xyz%_'s")).isTrue();
      assertThat(like.matches("ter\\%_'S")).isTrue();
      assertThat(like.matches("Ter\\%x's")).isFalse();
    }
  }

  @Nested
  class Likes {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Acme%   | ACME Corp | true",
        "Acme%   | Acm       | false",
        "%corp   | Acme Corp | true",
        "A_me    | acme      | true",
        "A_me    | acmme     | false",
        "%a%b%c% | xxaxxbxxcxx | true",
        "%a%b%c% | xxaxxcxxbxx | false",
        "50\\%   | 50%       | true",
        "50\\%   | 500       | false",
        "50%     | 500       | true",
        "a\\_b   | a_b       | true",
        "a\\_b   | axb       | false",
        "%%      | ''        | true",
        "_       | ''        | false",
    })
    void matches(String pattern, String value, boolean expected) {
      assertThat(new Condition.Like(FieldPath.of("F"), pattern).matches(value)).isEqualTo(expected);
    }
  }

  @Nested
  class Literals {
    @Test
    void strings() {
      assertThat(value("'it\\'s'")).isEqualTo(new Value.Text("it's"));
      assertThat(value("'a\\nb\\Nc\\rd\\Re\\tf\\Tg\\bh\\Bi\\fj\\Fk'"))
          .isEqualTo(new Value.Text("a\nb\nc\rd\re\tf\tg\bh\bi\fj\fk"));
      assertThat(value("'\\\"\\\\'")).isEqualTo(new Value.Text("\"\\"));
      assertThat(value("'caf\\u00e9 \\u00C9'")).isEqualTo(new Value.Text("café É"));
      assertThat(value("''")).isEqualTo(new Value.Text(""));
      assertThat(value("'say \"hi\"'")).isEqualTo(new Value.Text("say \"hi\""));
    }

    @Test
    void numbersBooleansNull() {
      assertThat(value("42")).isEqualTo(new Value.Number(new BigDecimal("42")));
      assertThat(value("-0.50")).isEqualTo(new Value.Number(new BigDecimal("-0.50")));
      assertThat(value("+7")).isEqualTo(new Value.Number(new BigDecimal("7")));
      assertThat(value("TRUE")).isEqualTo(new Value.Bool(true));
      assertThat(value("false")).isEqualTo(new Value.Bool(false));
      assertThat(value("Null")).isEqualTo(new Value.Null());
    }

    @Test
    void datesAndDateTimes() {
      assertThat(value("2026-11-28")).isEqualTo(new Value.Date(LocalDate.of(2026, 11, 28)));
      assertThat(value("2024-02-29")).isEqualTo(new Value.Date(LocalDate.of(2024, 2, 29)));
      assertThat(value("2026-11-28T10:00:00Z")).isEqualTo(new Value.DateTime(
          OffsetDateTime.of(2026, 11, 28, 10, 0, 0, 0, ZoneOffset.UTC)));
      assertThat(value("2026-11-28T10:00:00.123+05:30")).isEqualTo(new Value.DateTime(
          OffsetDateTime.of(2026, 11, 28, 10, 0, 0, 123_000_000, ZoneOffset.ofHoursMinutes(5, 30))));
      assertThat(value("1999-01-01T23:01:01-08:00")).isEqualTo(new Value.DateTime(
          OffsetDateTime.of(1999, 1, 1, 23, 1, 1, 0, ZoneOffset.ofHours(-8))));
    }

    @Test
    void relativeDates() {
      assertThat(value("today")).isEqualTo(new Value.RelativeDate("TODAY", OptionalInt.empty()));
      assertThat(value("LAST_90_DAYS"))
          .isEqualTo(new Value.RelativeDate("LAST_90_DAYS", OptionalInt.empty()));
      assertThat(value("last_n_days:30"))
          .isEqualTo(new Value.RelativeDate("LAST_N_DAYS", OptionalInt.of(30)));
      assertThat(value("N_FISCAL_YEARS_AGO:2"))
          .isEqualTo(new Value.RelativeDate("N_FISCAL_YEARS_AGO", OptionalInt.of(2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"YESTERDAY", "TODAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK",
        "NEXT_WEEK", "LAST_MONTH", "THIS_MONTH", "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS",
        "THIS_QUARTER", "LAST_QUARTER", "NEXT_QUARTER", "THIS_YEAR", "LAST_YEAR", "NEXT_YEAR",
        "THIS_FISCAL_QUARTER", "LAST_FISCAL_QUARTER", "NEXT_FISCAL_QUARTER", "THIS_FISCAL_YEAR",
        "LAST_FISCAL_YEAR", "NEXT_FISCAL_YEAR"})
    void everyRelativeDateLiteral(String literal) {
      assertThat(value(literal)).isEqualTo(new Value.RelativeDate(literal, OptionalInt.empty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "LAST_N_WEEKS",
        "NEXT_N_WEEKS", "N_WEEKS_AGO", "LAST_N_MONTHS", "NEXT_N_MONTHS", "N_MONTHS_AGO",
        "LAST_N_QUARTERS", "NEXT_N_QUARTERS", "N_QUARTERS_AGO", "LAST_N_YEARS", "NEXT_N_YEARS",
        "N_YEARS_AGO", "LAST_N_FISCAL_QUARTERS", "NEXT_N_FISCAL_QUARTERS",
        "N_FISCAL_QUARTERS_AGO", "LAST_N_FISCAL_YEARS", "NEXT_N_FISCAL_YEARS",
        "N_FISCAL_YEARS_AGO"})
    void everyRelativeDateLiteralWithN(String literal) {
      assertThat(value(literal + ":7")).isEqualTo(new Value.RelativeDate(literal, OptionalInt.of(7)));
      assertThat(rejected("SELECT Id FROM A WHERE D = " + literal).getMessage())
          .contains("needs a number");
    }
  }

  @Nested
  class OrderLimitOffset {
    @Test
    void orderByItems() {
      Query q = SoqlParser.parse("SELECT Id FROM Account ORDER BY Name, CreatedDate ASC NULLS FIRST,"
          + " Owner.Name DESC NULLS LAST, Industry NULLS LAST");
      assertThat(q.orderBy()).containsExactly(
          new OrderBy(FieldPath.of("Name"), true, NullsOrder.DEFAULT),
          new OrderBy(FieldPath.of("CreatedDate"), true, NullsOrder.FIRST),
          new OrderBy(FieldPath.of("Owner", "Name"), false, NullsOrder.LAST),
          new OrderBy(FieldPath.of("Industry"), true, NullsOrder.LAST));
    }

    @Test
    void limitAndOffset() {
      Query q = SoqlParser.parse("SELECT Id FROM Account LIMIT 0 OFFSET 2000");
      assertThat(q.limit()).hasValue(0);
      assertThat(q.offset()).hasValue(2000);
      assertThat(SoqlParser.parse("SELECT Id FROM Account LIMIT 2147483647").limit())
          .hasValue(Integer.MAX_VALUE);
      assertThat(SoqlParser.parse("SELECT Id FROM Account OFFSET 1").offset()).hasValue(1);
    }
  }

  @Nested
  class Rejections {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        SELECT Id FORM Account                                  | unexpected token: 'FORM'                       | 10
        SELECT Id                                               | unexpected token: '<EOF>'                      | 9
        SELECT FROM Account                                     | unexpected token: 'FROM' (the select list is empty) | 7
        SELECT Id, FROM Account                                 | unexpected token: 'FROM'                       | 11
        ''                                                      | unexpected token: '<EOF>'                      | 0
        UPDATE Account SET Name = 'x'                           | unexpected token: 'UPDATE'                     | 0
        SELECT Id FROM Account HAVING COUNT(Id) > 1             | HAVING needs GROUP BY                          | 23
        SELECT Id FROM Account WITH RecordVisibilityContext     | unsupported WITH clause 'RecordVisibilityContext' | 28
        SELECT Id FROM Account FOR UPDATE                       | FOR UPDATE (record locking) exists only in Apex | 23
        SELECT Id FROM Account ALL ROWS                         | ALL ROWS exists only in Apex                   | 23
        SELECT Id FROM Account USING SCOPE nobody               | unknown filter scope 'nobody'                  | 35
        SELECT Id FROM Account FOR VIEW LIMIT 1                 | unexpected token: 'LIMIT' (clauses must appear once each | 32
        SELECT Id FROM Account GROUP BY Name WHERE A = 1        | unexpected token: 'WHERE' (clauses must appear once each | 37
        SELECT TYPEOF What ELSE Name END FROM Event             | TYPEOF needs at least one WHEN                 | 19
        SELECT TYPEOF What WHEN Account THEN Phone FROM Event   | unexpected token: 'FROM'                       | 43
        SELECT Name n FROM Account                              | alias 'n' on field Name is allowed only in aggregate queries | 7
        SELECT NOPE(Id) FROM Account                            | unknown function NOPE()                        | 7
        SELECT SUM(Amount, Id) FROM Opportunity                 | SUM() takes 1 argument, found 2                | 7
        SELECT SUM(MAX(Amount)) FROM Opportunity                | aggregate functions cannot be nested           | 7
        SELECT SUM(1) FROM Opportunity                          | SUM() takes a field, not a literal             | 7
        SELECT Id FROM Account WHERE COUNT(Id) > 1              | aggregate function COUNT() is not allowed in WHERE | 29
        SELECT Id FROM Account GROUP BY ROLLUP(A, B, C, D)      | GROUP BY ROLLUP takes at most 3 fields         | 32
        SELECT Id FROM Account WHERE DISTANCE(L__c, GEOLOCATION(1, 2), 'yd') < 5 | DISTANCE() takes the unit 'mi' or 'km' | 29
        SELECT Id FROM Account WHERE DISTANCE(L__c, GEOLOCATION('a', 2), 'mi') < 5 | GEOLOCATION() takes a latitude and a longitude as numbers | 44
        SELECT Id FROM Account WHERE Id IN (SELECT AccountId, Id FROM Contact) | must select exactly one field | 54
        SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Id IN (SELECT WhoId FROM Task)) | cannot contain another semi-join | 78
        SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Id IN (SELECT AccountId FROM Case) AND Id IN (SELECT AccountId FROM Opportunity) | no more than 2 semi-joins | 116
        SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id, (SELECT Id FROM F) FROM E) FROM D) FROM C) FROM B) FROM A | nested at most 4 levels | 59
        SELECT Id FROM Account WHERE Tags__c INCLUDES (1)       | INCLUDES and EXCLUDES take string literals     | 47
        SELECT Id FROM Account WHERE CALENDAR_YEAR(CreatedDate) LIKE 'x' | LIKE needs a field on its left        | 29
        SELECT A.B.C.D.E.F.G.H FROM Account                     | has more than 5 relationship levels            | 7
        SELECT FIELDS(SOME) FROM Account                        | FIELDS() takes ALL, STANDARD or CUSTOM         | 14
        SELECT FIELDS(ALL) FROM Account                         | The SOQL FIELDS function must have a LIMIT of at most 200 | 31
        SELECT FIELDS(CUSTOM) FROM Account LIMIT 201            | The SOQL FIELDS function must have a LIMIT of at most 200 | 35
        SELECT Id, COUNT() FROM Account                         | COUNT() must be the only item                  | 11
        SELECT Id, Name, id FROM Account                        | duplicate field selected: id                   | 17
        SELECT Id FROM Account, Contact                         | several objects in FROM                        | 22
        SELECT Id FROM Account WHERE (SELECT Id FROM Contact)   | a subquery in a condition must follow IN or NOT IN | 30
        SELECT Id FROM Account WHERE Name = :name               | bind variables (:name) exist only in Apex      | 36
        SELECT Id FROM Account WHERE Id IN :ids                 | bind variables (:name) exist only in Apex      | 35
        SELECT Id FROM Account LIMIT :n                         | bind variables (:name) exist only in Apex      | 29
        SELECT Id FROM Account WHERE Name NOT LIKE 'x'          | unexpected token: 'LIKE'                       | 38
        SELECT Id FROM Account WHERE Name LIKE 5                | LIKE needs a string literal                    | 39
        SELECT Id FROM Account WHERE Name = Other               | unexpected token: 'Other' (expected a literal value) | 36
        SELECT Id FROM Account WHERE Name IN ()                 | unexpected token: ')'                          | 38
        SELECT Id FROM Account WHERE A = 1 AND                  | unexpected token: '<EOF>'                      | 38
        SELECT Id FROM Account WHERE NOT NOT A = 1              | unexpected token: 'NOT'                        | 33
        SELECT Id FROM Account WHERE (A = 1                     | unexpected token: '<EOF>'                      | 35
        SELECT Id FROM Account WHERE A = 1)                     | unexpected token: ')'                          | 34
        SELECT Id FROM Account LIMIT 1 LIMIT 2                  | unexpected token: 'LIMIT' (clauses must appear once each | 31
        SELECT Id FROM Account LIMIT 1 WHERE A = 1              | unexpected token: 'WHERE' (clauses must appear once each | 31
        SELECT Id FROM Account OFFSET 1 LIMIT 2                 | unexpected token: 'LIMIT'                      | 32
        SELECT Id FROM Account ORDER BY Name ORDER BY Id        | unexpected token: 'ORDER'                      | 37
        SELECT Id FROM Account LIMIT -1                         | LIMIT must be a non-negative integer, found '-1' | 29
        SELECT Id FROM Account LIMIT 1.5                        | LIMIT must be a non-negative integer           | 29
        SELECT Id FROM Account LIMIT 2147483648                 | LIMIT 2147483648 is out of range               | 29
        SELECT Id FROM Account OFFSET 99999999999999999999      | OFFSET 99999999999999999999 is out of range    | 30
        SELECT Id FROM Account LIMIT                            | unexpected token: '<EOF>'                      | 28
        SELECT Id FROM Account ORDER Name                       | unexpected token: 'Name'                       | 29
        SELECT Id FROM Account ORDER BY Name NULLS              | unexpected token: '<EOF>'                      | 42
        SELECT Id FROM Account;                                 | unexpected token: ';'                          | 22
        SELECT Id FROM Account WHERE Name = 'abc                | unterminated string literal                    | 36
        SELECT Id FROM Account WHERE Name = 'abc\\'             | unterminated string literal                    | 36
        SELECT Id FROM Account WHERE Name = 'a\\qb'             | invalid escape sequence '\\q'                  | 38
        SELECT Id FROM Account WHERE Name = 'a\\u00g1'          | invalid escape sequence '\\u00g1'              | 38
        SELECT Id FROM Account WHERE Name = 'a\\%'              | \\% and \\_ are allowed only in LIKE patterns  | 38
        SELECT Id FROM Account WHERE Name = "x"                 | unexpected token: '"'                          | 36
        SELECT Id FROM Account WHERE D = 2026-02-30             | invalid date literal: '2026-02-30'             | 33
        SELECT Id FROM Account WHERE D = 2026-13-01             | invalid date literal                           | 33
        SELECT Id FROM Account WHERE D = 2026-11-28T24:00:00Z   | invalid date literal                           | 33
        SELECT Id FROM Account WHERE D = 2026-11-28T10:00:00    | invalid dateTime literal                       | 33
        SELECT Id FROM Account WHERE D = 2026-11-28T10:00Z      | invalid dateTime literal                       | 33
        SELECT Id FROM Account WHERE D = 2026-11-28T10:00:00+19:00 | invalid date literal                        | 33
        SELECT Id FROM Account WHERE D = 2026-11-28T10:00:00.Z  | invalid dateTime literal                       | 33
        SELECT Id FROM Account WHERE D = 2026-11-28x            | invalid date literal                           | 33
        SELECT Id FROM Account WHERE D = LAST_N_DAYS : 5        | LAST_N_DAYS needs a number                     | 45
        SELECT Id FROM Account WHERE D = LAST_N_DAYS:-5         | needs a non-negative integer                   | 45
        SELECT Id FROM Account WHERE D = LAST_N_DAYS:99999999999 | is out of range                               | 45
        SELECT Id FROM Account WHERE N = 5abc                   | invalid number: '5a'                           | 33
        SELECT Id FROM Account WHERE N = 1.                     | unexpected token: '.'                          | 34
        SELECT Id FROM Account WHERE Name = 'x' AND             | unexpected token: '<EOF>'                      | 43
        SELECT Id FROM Account a b                              | unexpected token: 'b'                          | 25
        SELECT Id FROM Account WHERE                            | unexpected token: '<EOF>'                      | 28
        SELECT Id FROM WHERE                                    | expected an object name after FROM             | 15
        SELECT Account. FROM Contact                            | expected a field name after '.'                | 16
        SELECT Id FROM Account WHERE Name = ''''                | unexpected token: ''                           | 38
        SELECT (SELECT Id FROM Contacts FROM Account            | unexpected token: 'FROM'                       | 32
        SELECT (Id) FROM Account                                | unexpected token: 'Id'                         | 8
        SELECT Id FROM Account WHERE Name = 'x' #               | unexpected token: '#'                          | 40
        SELECT Id FROM Account WHERE Name ＝ 'x'                 | unexpected token: '＝'                          | 34
        """)
    void rejects(String soql, String message, int position) {
      SoqlException e = rejected(soql.replace("\\\\", "\\"));
      assertThat(e.getMessage()).contains(message.replace("\\\\", "\\"));
      assertThat(e.position()).as("position").isEqualTo(position);
    }

    @Test
    void tooManySubqueries() {
      StringBuilder soql = new StringBuilder("SELECT Id");
      for (int i = 0; i < 21; i++) {
        soql.append(", (SELECT Id FROM Children").append(i).append(')');
      }
      soql.append(" FROM Account");
      assertThat(rejected(soql.toString())).hasMessageContaining("no more than 20");
      assertThat(SoqlParser.parse(soql.toString().replace(", (SELECT Id FROM Children20)", ""))
          .select()).hasSize(21);
    }

    @Test
    void nestingIsCapped() {
      String ok = "SELECT Id FROM A WHERE " + "(".repeat(100) + "X = 1" + ")".repeat(100);
      assertThat(SoqlParser.parse(ok).where()).isPresent();
      String deep = "SELECT Id FROM A WHERE " + "(".repeat(101) + "X = 1" + ")".repeat(101);
      SoqlException e = rejected(deep);
      assertThat(e).hasMessageContaining("nested too deeply");
      assertThat(e.position()).isEqualTo(23 + 100);
      String extreme = "SELECT Id FROM A WHERE " + "(".repeat(99_000);
      assertThat(rejected(extreme)).hasMessageContaining("nested too deeply");
      String nots = "SELECT Id FROM A WHERE " + "NOT (".repeat(19_000);
      assertThat(rejected(nots)).hasMessageContaining("nested too deeply");
    }

    @Test
    void lengthIsCapped() {
      String base = "SELECT Id FROM Account WHERE Name = '";
      String atLimit = base + "x".repeat(SoqlParser.MAX_LENGTH - base.length() - 1) + "'";
      assertThat(atLimit).hasSize(SoqlParser.MAX_LENGTH);
      assertThat(SoqlParser.parse(atLimit).where()).isPresent();
      SoqlException e = rejected(atLimit + " ");
      assertThat(e).hasMessageContaining("maximum is 100000");
      assertThat(e.position()).isEqualTo(SoqlParser.MAX_LENGTH);
    }

    @Test
    void longConjunctionsDoNotRecurse() {
      String soql = "SELECT Id FROM A WHERE X = 1" + " AND X = 1".repeat(9_000);
      assertThat(((Condition.And) SoqlParser.parse(soql).where().orElseThrow()).operands())
          .hasSize(9_001);
    }

    @Test
    void nullIsNotAQuery() {
      assertThatThrownBy(() -> SoqlParser.parse(null)).isInstanceOf(NullPointerException.class);
    }
  }
}
