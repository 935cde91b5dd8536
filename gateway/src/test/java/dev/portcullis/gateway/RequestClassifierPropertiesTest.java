package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** The classifier on hostile input: it answers or declines, it never throws, and it is deterministic. */
class RequestClassifierPropertiesTest {
  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.of("services", "data", "v62.0", "v9.0", "tooling", "query", "queryAll", "search", "sobjects",
            "Account", "describe", "001000000000001AAA", "executeAnonymous", "limits", "oauth2", "userinfo", "..", "",
            "%2e%2e", "Ext__c", "composite"),
        Arbitraries.strings().ofMaxLength(20));
    return segment.list().ofMaxSize(8).map(list -> "/" + String.join("/", list));
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "get", "TRACE");
  }

  @Property(tries = 2000)
  void neverThrowsAndIsDeterministic(@ForAll("methods") String method, @ForAll("paths") String path,
      @ForAll @StringLength(max = 200) String q) {
    Optional<Classification> first = RequestClassifier.classify(method, path, Optional.of(q));
    assertThat(RequestClassifier.classify(method, path, Optional.of(q))).isEqualTo(first);
    first.ifPresent(c -> {
      assertThat(c.api()).isIn(List.of("rest", "tooling", "identity", "bulk", "apex_rest", "ui_api", "connect"));
      assertThat(c.operation()).isNotBlank();
    });
  }
}
