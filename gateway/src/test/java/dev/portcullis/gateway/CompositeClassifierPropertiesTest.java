package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Composite bodies from hostile clients: classified or declined, never an exception. */
class CompositeClassifierPropertiesTest {
  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> url = Arbitraries.of("/services/data/v62.0/sobjects/Account", "/services/data/v62.0/query?q=SELECT+Id+FROM+A",
        "v62.0/sobjects/Contact/003000000000001", "/services/apexrest/x", "//evil", "", "\\u0000", "/services/data/v62.0/..");
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "PATCH", "DELETE", "", "x");
    Arbitrary<String> sub = net.jqwik.api.Combinators.combine(method, url)
        .as((m, u) -> "{\"method\":\"" + m + "\",\"url\":\"" + u + "\",\"referenceId\":\"r\"}");
    Arbitrary<String> list = sub.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> wellShaped = list.map(l -> "{\"compositeRequest\":" + l + ",\"batchRequests\":" + l
        + ",\"graphs\":[{\"compositeRequest\":" + l + "}],\"records\":[{\"attributes\":{\"type\":\"Account\"}}]}");
    return Arbitraries.oneOf(wellShaped, Arbitraries.strings().ofMaxLength(300),
        wellShaped.map(s -> s.substring(0, s.length() / 2)));
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("/services/data/v62.0/composite", "/services/data/v62.0/composite/batch",
        "/services/data/v62.0/composite/graph", "/services/data/v62.0/composite/tree/Account",
        "/services/data/v62.0/composite/sobjects", "/services/data/v62.0/composite/sobjects/Account/Ext__c");
  }

  @Property(tries = 1500)
  void neverThrows(@ForAll("paths") String path, @ForAll("bodies") String body) {
    for (String method : new String[] {"POST", "PATCH", "DELETE"}) {
      var result = CompositeClassifier.classify(method, path, body.getBytes(StandardCharsets.UTF_8));
      result.ifPresent(parts -> assertThat(parts).isNotEmpty()
          .allSatisfy(part -> assertThat(part.operation()).isNotEqualTo("execute_anonymous")));
    }
  }
}
