package dev.portcullis.certs.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.certs.Use;
import java.security.KeyPair;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A chain with one byte changed, or truncated, gives findings for every use and never an exception. */
class CertificateChecksPropertiesTest {
  private static final KeyPair ROOT_KEY = CheckPki.ecKey();
  private static final CheckPki.Spec ROOT = CheckPki.ca("CN=Prop Root", ROOT_KEY)
      .validity(CheckPki.NOW.minus(3650, ChronoUnit.DAYS), CheckPki.NOW.plus(3650, ChronoUnit.DAYS));
  private static final CheckPki.Spec CA = CheckPki.ca("CN=Prop CA", CheckPki.ecKey()).issuedBy(ROOT);
  private static final byte[] ROOT_DER = ROOT.der();
  private static final byte[] CA_DER = CA.der();
  private static final byte[] LEAF_DER = CheckPki.leaf("CN=prop.example.com", CheckPki.ecKey()).issuedBy(CA)
      .dns("prop.example.com").der();
  private static final CheckContext CONTEXT = CheckContext.of(CheckPki.NOW, CheckPki.publicRoots(null, ROOT_DER))
      .withExpectedNames(List.of("prop.example.com"));

  @Provide
  Arbitrary<byte[]> mutatedLeaf() {
    return mutations(LEAF_DER);
  }

  @Provide
  Arbitrary<byte[]> mutatedIntermediate() {
    return mutations(CA_DER);
  }

  private static Arbitrary<byte[]> mutations(byte[] original) {
    Arbitrary<byte[]> changed = Arbitraries.integers().between(0, original.length - 1).flatMap(index ->
        Arbitraries.integers().between(0, 255).map(value -> {
          byte[] copy = original.clone();
          copy[index] = (byte) value.intValue();
          return copy;
        }));
    Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, original.length - 1).map(n -> Arrays.copyOf(original, n));
    return Arbitraries.oneOf(changed, truncated);
  }

  @Property(tries = 300)
  void aMutatedLeafNeverThrows(@ForAll("mutatedLeaf") byte[] leaf, @ForAll Use use) {
    List<Finding> findings = CertificateChecks.check(new Subject("p.pem", use, List.of(leaf, CA_DER), Optional.empty(),
        Optional.empty()), CONTEXT);

    if (!Arrays.equals(leaf, LEAF_DER)) {
      assertThat(findings).allSatisfy(f -> assertThat(f.fingerprint()).isEqualTo(Inspected.sha256(leaf)));
    }
  }

  @Property(tries = 300)
  void aMutatedIntermediateNeverThrowsAndIsNeverSilentForATlsUse(@ForAll("mutatedIntermediate") byte[] intermediate) {
    List<Finding> findings = CertificateChecks.check(new Subject("p.pem", Use.OUTBOUND_TLS, List.of(LEAF_DER, intermediate),
        Optional.empty(), Optional.empty()), CONTEXT);

    if (!Arrays.equals(intermediate, CA_DER)) {
      assertThat(findings).isNotEmpty(); // a changed byte breaks a signature, a name, or the encoding
    }
  }
}
