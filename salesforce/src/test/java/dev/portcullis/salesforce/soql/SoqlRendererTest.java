package dev.portcullis.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SoqlRendererTest {

  @Test
  void canonicalText() {
    Query q = SoqlParser.parse("select Name, (select Id from Contacts where not Email = null"
        + " limit 2), Owner.Name from Account a where (Industry in ('Media', 'Tech') or"
        + " AnnualRevenue >= -1.50) and Name like 'Ac\\%m_\\'s%' and CreatedDate > LAST_N_DAYS:7"
        + " and LastModifiedDate <> 2026-11-28T10:00:00.120+05:30 and CloseDate < 2026-02-28"
        + " and IsDeleted = false order by Name desc nulls last, Id limit 10 offset 20");
    assertThat(q.toSoql()).isEqualTo("SELECT Name, (SELECT Id FROM Contacts WHERE NOT Email = NULL"
        + " LIMIT 2), Owner.Name FROM Account a WHERE (Industry IN ('Media', 'Tech') OR"
        + " AnnualRevenue >= -1.50) AND Name LIKE 'Ac\\%m_\\'s%' AND CreatedDate > LAST_N_DAYS:7"
        + " AND LastModifiedDate != 2026-11-28T10:00:00.12+05:30 AND CloseDate < 2026-02-28"
        + " AND IsDeleted = FALSE ORDER BY Name DESC NULLS LAST, Id LIMIT 10 OFFSET 20");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT Id FROM ScratchOrgInfo LIMIT 1",
      "SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix,"
          + " OrganizationType FROM Organization",
      "SELECT Id, Name FROM Account LIMIT 5",
      "SELECT COUNT() FROM Contact",
      "SELECT FIELDS(ALL) FROM Account LIMIT 200",
      "SELECT Id FROM Account WHERE NOT (A = 1 OR B = 2)",
      "SELECT Id FROM Account WHERE NOT (NOT A = 1)",
      "SELECT Id FROM Account WHERE A = 1 AND (B = 2 OR (C = 3 AND D = 4))",
      "SELECT Id FROM Account WHERE Name = 'tab\\there\\nnew \\\\ \\u0001'"})
  void canonicalTextIsAFixedPoint(String soql) {
    assertThat(SoqlParser.parse(soql).toSoql()).isEqualTo(soql);
  }

  // -------------------------------------------------------------- LIKE matching

  /** An independent oracle: the pattern translated to a regular expression. */
  private static boolean oracle(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL | Pattern.CASE_INSENSITIVE)
        .matcher(value).matches();
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.of("a", "B", "%", "_", "\\%", "\\_", "\\\\", "\n")
        .list().ofMaxSize(8).map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> subjects() {
    return Arbitraries.strings().withChars("aAbB%_\\\n").ofMaxLength(10);
  }

  @Property(tries = 3000)
  void likeMatchesAgreesWithARegexOracle(
      @ForAll("patterns") String pattern, @ForAll("subjects") String value) {
    assertThat(new Condition.Like(FieldPath.of("F"), pattern).matches(value))
        .as("'%s' LIKE '%s'", value, pattern)
        .isEqualTo(oracle(pattern, value));
  }

  @Test
  void likeMatchingIsLinearOnHostilePatterns() {
    String pattern = "%a".repeat(2000) + "b";
    String value = "a".repeat(50_000);
    // Greedy matching with one backtrack point: O(pattern * value) worst case, no exponential blowup.
    assertThat(new Condition.Like(FieldPath.of("F"), pattern).matches(value)).isFalse();
  }
}
