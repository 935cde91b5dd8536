package dev.portcullis.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UseTest {
  @Test
  void theIdsAreTheStableNamesOfTheCommandLineAndJson() {
    assertThat(Arrays.stream(Use.values()).map(Use::id)).containsExactly("inbound-tls", "outbound-tls",
        "inbound-user-mtls", "inbound-api-mtls", "outbound-mtls", "inbound-sso", "outbound-sso", "unknown");
    assertThat(Use.INBOUND_API_MTLS).hasToString("inbound-api-mtls");
  }

  @Test
  void theSevenKnownUsesLeaveOutUnknownInReportOrder() {
    assertThat(Use.known()).hasSize(7).doesNotContain(Use.UNKNOWN).startsWith(Use.INBOUND_TLS).endsWith(Use.OUTBOUND_SSO);
    assertThat(Use.ids(Use.known())).isEqualTo(
        "inbound-tls, outbound-tls, inbound-user-mtls, inbound-api-mtls, outbound-mtls, inbound-sso, outbound-sso");
  }

  @Test
  void fromIdIsExactAndNamesEveryValidId() {
    assertThat(Use.fromId("outbound-mtls")).isEqualTo(Use.OUTBOUND_MTLS);
    assertThatThrownBy(() -> Use.fromId("Outbound-MTLS")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown use 'Outbound-MTLS' (one of inbound-tls, outbound-tls, inbound-user-mtls, inbound-api-mtls,"
            + " outbound-mtls, inbound-sso, outbound-sso, unknown)");
  }

  @Test
  void parseIgnoresCaseAndSurroundingSpace() {
    assertThat(Use.parse(" Inbound-SSO ")).contains(Use.INBOUND_SSO);
    assertThat(Use.parse("callouts")).isEmpty();
    assertThat(Use.parse(null)).isEmpty();
  }

  @Test
  void onlyTheTlsAndInboundMtlsUsesNeedATrustedChain() {
    assertThat(Arrays.stream(Use.values()).filter(Use::needsTrustedChain))
        .containsExactly(Use.INBOUND_TLS, Use.OUTBOUND_TLS, Use.INBOUND_USER_MTLS, Use.INBOUND_API_MTLS);
    assertThat(Arrays.stream(Use.values()).filter(Use::keyHeldBySalesforce))
        .containsExactly(Use.INBOUND_TLS, Use.OUTBOUND_MTLS, Use.OUTBOUND_SSO, Use.UNKNOWN);
  }
}
