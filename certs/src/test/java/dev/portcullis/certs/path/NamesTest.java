package dev.portcullis.certs.path;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void dnsNamesAreInPreferredNameSyntax() {
    assertThat(Names.isDnsName("www.example.com")).isTrue();
    assertThat(Names.isDnsName("xn--bcher-kva.example")).isTrue();
    assertThat(Names.isDnsName("foo_bar.example.com")).isFalse();
    assertThat(Names.isDnsName("-a.example.com")).isFalse();
    assertThat(Names.isDnsName("example.com.")).isFalse();
    assertThat(Names.isDnsName("bücher.example")).isFalse();
    assertThat(Names.isDnsName("a".repeat(64) + ".com")).isFalse();
  }

  @Test
  void aSanWildcardIsTheWholeLeftMostLabel() {
    assertThat(Names.isSanDnsName("*.example.com")).isTrue();
    assertThat(Names.isSanDnsName("f*o.example.com")).isFalse();
    assertThat(Names.isSanDnsName("foo.*.example.com")).isFalse();
    assertThat(Names.isSanDnsName("*")).isFalse();
    assertThat(Names.dnsMatches("*.example.com", "a.example.com")).isTrue();
    assertThat(Names.dnsMatches("*.example.com", "a.b.example.com")).isFalse();
    assertThat(Names.dnsMatches("*.com", "example.com")).isFalse();
    assertThat(Names.dnsMatches("*.s3.amazonaws.com", "bucket.s3.amazonaws.com")).isFalse();
  }

  @Test
  void ipAddressesParseOnlyInCanonicalDecimalOrIpv6Text() {
    assertThat(Names.ipAddress("192.0.2.1")).containsExactly(192, 0, 2, 1);
    assertThat(Names.ipAddress("192.000.2.1")).isNull();
    assertThat(Names.ipAddress("0xC0.0.2.1")).isNull();
    assertThat(Names.ipAddress("192.0.2")).isNull();
    assertThat(Names.ipAddress("::1")).hasSize(16);
    assertThat(Names.ipAddress("example.com")).isNull();
    assertThat(Names.ipAddress("::ffff:example")).isNull();
  }

  @Test
  void emailConstraintsAreLiteralMailboxesHostsOrSubdomains() {
    assertThat(NameConstraintsChecker.emailWithin("foo@example.com", "foo@example.com")).isTrue();
    assertThat(NameConstraintsChecker.emailWithin("foo@EXAMPLE.com", "example.com")).isTrue();
    assertThat(NameConstraintsChecker.emailWithin("foo@sub.example.com", "example.com")).isFalse();
    assertThat(NameConstraintsChecker.emailWithin("foo@sub.example.com", ".example.com")).isTrue();
    assertThat(NameConstraintsChecker.emailWithin("user@example.com", "*@example.com")).isFalse();
    assertThat(NameConstraintsChecker.emailWithin("*@example.com", "*@example.com")).isTrue();
  }

  @Test
  void aWildcardSanIsExcludedWhenAnyNameItCoversIs() {
    assertThat(NameConstraintsChecker.dnsWithin("*.example.com", "bar.example.com", true)).isTrue();
    assertThat(NameConstraintsChecker.dnsWithin("*.example.com", "bar.example.com", false)).isFalse();
    assertThat(NameConstraintsChecker.dnsWithin("*.example.com", "example.com", false)).isTrue();
    assertThat(NameConstraintsChecker.dnsWithin("www.example.com", "example.com", false)).isTrue();
    assertThat(NameConstraintsChecker.dnsWithin("www.badexample.com", "example.com", false)).isFalse();
  }
}
