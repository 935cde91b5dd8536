package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The guard's invariant over arbitrary raw paths: a path it accepts decodes, segment by segment, to
 * the same number of segments, none of them {@code .} or {@code ..} and none holding a separator,
 * so the path the gateway classifies (decoded) and the path it forwards (raw) name one resource.
 */
class GatewayRequestGuardPropertiesTest {
  @Provide
  Arbitrary<String> rawPaths() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abcAZ09-._~!$&'()*+,=:@;\\").ofMinLength(0).ofMaxLength(4),
        Arbitraries.of("%2e", "%2E", "%2f", "%2F", "%5c", "%25", "%3b", "%20", "%c0%ae", "%c3%a9", "%e2%82%ac",
            "%ff", "%0a", "%41", "%", "%g1", ".", "..", "/", "//"));
    return piece.list().ofMaxSize(12).map(pieces -> "/" + String.join("", pieces));
  }

  @Property(tries = 3000)
  void anAcceptedPathDecodesToTheSameSegments(@ForAll("rawPaths") String raw) {
    if (GatewayRequestGuard.pathProblem(raw).isPresent()) {
      return;
    }
    String forwarded = dev.portcullis.gateway.GatewayProxy.collapseSlashes(raw); // what the proxy sends on
    List<String> rawSegments = Arrays.asList(forwarded.substring(1).split("/", -1));
    for (String segment : rawSegments) {
      String decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
      assertThat(decoded).doesNotContain("/", "\\", ";", "%").isNotIn(".", "..");
      assertThat(decoded).doesNotContain("\uFFFD"); // no replacement character: the escapes were UTF-8
    }
  }

  @Property(tries = 500)
  void everyDotSegmentSpellingIsRefused(@ForAll("dots") String dot) {
    assertThat(GatewayRequestGuard.pathProblem("/services/data/" + dot + "/sobjects")).isPresent();
  }

  @Provide
  Arbitrary<String> dots() {
    return Arbitraries.of(".", "%2e", "%2E", "%c0%ae", "%e0%80%ae").list().ofMinSize(1).ofMaxSize(2)
        .map(parts -> String.join("", parts));
  }

  /** The REST deployRequest carries the same zips as the SOAP binding, so it has the metadata body limit. */
  @org.junit.jupiter.api.Test
  void metadataDeploysOverSoapAndRestShareTheMetadataFamily() {
    assertThat(GatewayRequestGuard.family("/services/Soap/m/62.0")).isEqualTo("metadata");
    assertThat(GatewayRequestGuard.family("/services/data/v62.0/metadata/deployRequest")).isEqualTo("metadata");
    assertThat(GatewayRequestGuard.family("/services/data/v62.0/metadata/deployRequest/0Af000000000001AAA"))
        .isEqualTo("metadata");
    assertThat(GatewayRequestGuard.family("/services/data/v62.0/metadata/deployRequests")).isEqualTo("rest");
    assertThat(GatewayRequestGuard.family("/services/data/v62.0/sobjects/Account")).isEqualTo("rest");
  }
}
