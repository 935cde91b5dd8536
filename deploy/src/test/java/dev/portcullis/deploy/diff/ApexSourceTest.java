package dev.portcullis.deploy.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.deploy.diff.ApexSource.ClassDeclaration;
import dev.portcullis.deploy.diff.ApexSource.Sharing;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ApexSourceTest {

  @Test
  void findsTopLevelAndInnerClassesWithTheirSharing() {
    String source = """
        @IsTest(SeeAllData=false)
        global WITHOUT SHARING virtual class Outer {
          // public with sharing class Commented {}
          String s = 'public without sharing class InString {}';
          Type t = Outer.class;
          private inherited sharing class Inner {
            class Deeper {}
          }
          public without sharing class Second {}
        }
        """;

    List<ClassDeclaration> classes = ApexSource.classes(source);

    assertThat(classes).extracting(ClassDeclaration::name, ClassDeclaration::topLevel, ClassDeclaration::sharing)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Outer", true, Sharing.WITHOUT),
            org.assertj.core.groups.Tuple.tuple("Outer.Inner", false, Sharing.INHERITED),
            org.assertj.core.groups.Tuple.tuple("Outer.Inner.Deeper", false, Sharing.OMITTED),
            org.assertj.core.groups.Tuple.tuple("Outer.Second", false, Sharing.WITHOUT));
    assertThat(classes.get(0).test()).isTrue();
    assertThat(classes.get(0).line()).isEqualTo(2);
    assertThat(classes.get(3).line()).isEqualTo(9);
  }

  @Test
  void escapedQuotesAndBlockCommentsAcrossLinesKeepPositions() {
    String source = "/* line1\n line2 with sharing class X {} */\npublic class A { String s = 'it\\'s without sharing'; }";

    List<ClassDeclaration> classes = ApexSource.classes(source);

    assertThat(classes).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("A");
      assertThat(c.sharing()).isEqualTo(Sharing.OMITTED);
      assertThat(c.line()).isEqualTo(3);
      assertThat(c.column()).isEqualTo(8);
    });
  }

  @Property
  void blankingKeepsLengthAndLineBreaks(@ForAll String source) {
    String blanked = ApexSource.blankCommentsAndStrings(source);
    assertThat(blanked).hasSameSizeAs(source);
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '\n' || c == '\r') {
        assertThat(blanked.charAt(i)).isEqualTo(c);
      }
    }
  }
}
