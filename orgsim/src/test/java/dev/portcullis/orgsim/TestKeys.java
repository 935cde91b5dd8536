package dev.portcullis.orgsim;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** An RSA key pair with a self-signed certificate, as one uploads to a connected app. */
record TestKeys(KeyPair keyPair, X509Certificate certificate) {

  static TestKeys generate(String cn) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=" + cn);
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
          Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(365, ChronoUnit.DAYS)), name, pair.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate());
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return new TestKeys(pair, cert);
    } catch (NoSuchAlgorithmException | org.bouncycastle.operator.OperatorCreationException
        | java.security.cert.CertificateException e) {
      throw new IllegalStateException(e);
    }
  }
}
