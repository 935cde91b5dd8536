package dev.portcullis.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class SoqlExceptionTest {
  private static String malformed(String soql) {
    SoqlException e = catchThrowableOfType(SoqlException.class, () -> SoqlParser.parse(soql));
    assertThat(e).as("rejected: %s", soql).isNotNull();
    return e.malformedQueryMessage(soql);
  }

  @Test
  void singleLine() {
    assertThat(malformed("SELECT Id FORM Account"))
        .isEqualTo("\nSELECT Id FORM Account\n          ^\nERROR at Row:1:Column:11\n"
            + "unexpected token: 'FORM'");
  }

  @Test
  void multiLineShowsTheLineWithTheProblem() {
    assertThat(malformed("SELECT Id\r\nFROM Account\nWHERE Name = 'x'\n  FOR UPDATE"))
        .isEqualTo("\n  FOR UPDATE\n  ^\nERROR at Row:4:Column:3\n"
            + "FOR UPDATE (record locking) exists only in Apex; the API does not lock records");
  }

  @Test
  void endOfInput() {
    assertThat(malformed("SELECT Id FROM"))
        .isEqualTo("\nSELECT Id FROM\n              ^\nERROR at Row:1:Column:15\n"
            + "unexpected token: '<EOF>' (expected an object name after FROM)");
  }

  @Test
  void positionOutsideTheTextIsClamped() {
    SoqlException e = new SoqlException("boom", 99);
    assertThat(e.malformedQueryMessage("abc")).isEqualTo("\nabc\n   ^\nERROR at Row:1:Column:4\nboom");
  }
}
