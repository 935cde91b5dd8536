package dev.portcullis.certs.issue;

import dev.portcullis.certs.Use;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Issues TLS server certificates from an ACME CA (RFC 8555) with acme4j: finds or creates the
 * account of {@code accountKey} (§7.3), orders the request's DNS names (§7.4), answers each pending
 * authorization's challenge through its {@link ChallengeResponder} (http-01 §8.3 through {@link
 * Http01Responder}, dns-01 §8.4 through {@link Dns01Hook}), finalizes with a CSR for a fresh RSA key
 * (Salesforce imports only RSA; ECDSA, many ACME clients' default, cannot be imported: help 000387714)
 * or, with {@link #sign}, with a CSR given as it is (an org's own, for a CA-signed Certificate), and
 * downloads the chain.
 *
 * <p>Only the two TLS server uses are issued here: public CAs stop issuing clientAuth (Let's Encrypt
 * in 2026, Chrome root policy from 2027-03-15; cert-anchors.md §1.2, §1.4), so mTLS and SSO
 * certificates come from the {@link PrivateCertificateAuthority}. The server decides the lifetime.
 *
 * <p>Every wait is bounded by the timeout; acme4j retries {@code badNonce} itself (up to 10 times).
 */
public final class AcmeIssuer implements CertificateIssuer {
  private static final Pattern HOST_NAME =
      Pattern.compile("(?i)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?");
  private final URI directory;
  private final KeyPair accountKey;
  private final ChallengeResponder responder;
  private final SSLContext sslContext;
  private final Duration timeout;
  private final String contact;

  private AcmeIssuer(Builder b) {
    this.directory = Objects.requireNonNull(b.directory, "directory");
    this.accountKey = Objects.requireNonNull(b.accountKey, "accountKey");
    this.responder = Objects.requireNonNull(b.responder, "responder");
    this.sslContext = b.sslContext;
    this.timeout = b.timeout;
    this.contact = b.contact;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The ACME account key pair in {@code file} (PEM), made (RSA 2048, owner-readable only) when the
   * file does not exist. The account is found again by this key (RFC 8555 §7.3.1).
   *
   * @throws IssueException {@code KEYSTORE_UNREADABLE} when the file cannot be read or written
   */
  public static KeyPair accountKey(java.nio.file.Path file) {
    try {
      if (java.nio.file.Files.exists(file)) {
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.US_ASCII)) {
          return org.shredzone.acme4j.util.KeyPairUtils.readKeyPair(in);
        }
      }
      KeyPair pair = org.shredzone.acme4j.util.KeyPairUtils.createKeyPair(2048);
      java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
      java.io.StringWriter pem = new java.io.StringWriter();
      org.shredzone.acme4j.util.KeyPairUtils.writeKeyPair(pair, pem);
      java.nio.file.Files.writeString(file, pem.toString(), java.nio.charset.StandardCharsets.US_ASCII,
          java.nio.file.StandardOpenOption.CREATE_NEW);
      try {
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      return pair;
    } catch (java.io.IOException | RuntimeException e) {
      throw new IssueException(IssueException.Code.KEYSTORE_UNREADABLE, "cannot read or make the ACME account key "
          + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "acme";
  }

  @Override
  public IssuedCertificate issue(IssueRequest request) {
    checkUse(request);
    if (request.dnsNames().isEmpty()) {
      throw new IssueException(IssueException.Code.POLICY_REFUSED, "an ACME order needs at least one DNS name (none for "
          + request.commonName() + ")");
    }
    KeyPair domainKey;
    try {
      domainKey = PrivateCertificateAuthority.rsa(request.rsaBits());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make an RSA key: " + e.getMessage(), e);
    }
    List<X509Certificate> chain = order(request.dnsNames(),
        order -> order.execute(domainKey, csr -> csr.setCommonName(request.dnsNames().getFirst())));
    return new IssuedCertificate(domainKey.getPrivate(), chain);
  }

  /**
   * Orders a certificate for the names {@code csr} asks for and finalizes the order with that CSR as
   * it is (RFC 8555 §7.4: the CSR's names must be the order's): its key stays with whoever made it.
   * The names are the CSR's subjectAltName dNSNames, or its CN when it has none and the CN is a host
   * name (a CSR Salesforce makes for a CA-signed Certificate may carry only a CN). They must cover the
   * request's DNS names, the names the certificate being replaced serves.
   */
  @Override
  public List<X509Certificate> sign(IssueRequest request, CertificateSigningRequest csr) {
    checkUse(request);
    List<String> names = !csr.dnsNames().isEmpty() ? csr.dnsNames()
        : HOST_NAME.matcher(csr.commonName()).matches() ? List.of(csr.commonName().toLowerCase(Locale.ROOT)) : List.of();
    if (names.isEmpty()) {
      throw new IssueException(IssueException.Code.POLICY_REFUSED, "the CSR names no DNS name (CN '" + csr.commonName()
          + "', no subjectAltName): an ACME CA issues for the names a CSR carries only");
    }
    List<String> missing = request.dnsNames().stream().filter(n -> !names.contains(n)).toList();
    if (!missing.isEmpty()) {
      throw new IssueException(IssueException.Code.POLICY_REFUSED, "the CSR names " + names + " but the certificate"
          + " being replaced also serves " + missing + "; a certificate signed for this CSR could not serve them");
    }
    byte[] der = csr.der();
    return order(names, order -> order.execute(der));
  }

  private void checkUse(IssueRequest request) {
    if (request.use() != Use.INBOUND_TLS && request.use() != Use.OUTBOUND_TLS) {
      throw new IssueException(IssueException.Code.POLICY_REFUSED, "ACME issues TLS server certificates only, not "
          + request.use().id() + ": public CAs stop issuing clientAuth and SSO certificates are pinned; use --issuer private-ca");
    }
  }

  /** How an order is finalized once ready: with a CSR for a key made here, or with a CSR given. */
  @FunctionalInterface
  private interface Finalizer {
    void apply(Order order) throws AcmeException;
  }

  /** Account, order for {@code names}, each authorization answered, finalize, download: the chain, leaf first. */
  private List<X509Certificate> order(List<String> names, Finalizer finalizer) {
    String step = "the account";
    try {
      Session session = new Session(directory, new Provider(sslContext));
      session.networkSettings().setTimeout(timeout);
      AccountBuilder accountBuilder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
      if (contact != null) {
        accountBuilder.addContact(contact);
      }
      Account account = accountBuilder.create(session);
      step = "the order";
      Order order = account.newOrder().domains(names).create();
      for (Authorization authorization : order.getAuthorizations()) {
        step = "the authorization of " + authorization.getIdentifier().getDomain();
        authorize(authorization);
      }
      step = "the order's readiness";
      Status ready = order.waitUntilReady(timeout);
      if (ready != Status.READY) {
        throw new IssueException(IssueException.Code.ACME_FAILED, "the order for " + names + " is " + ready
            + problem(order.getError().map(Object::toString).orElse("")));
      }
      step = "finalize";
      finalizer.apply(order);
      Status done = order.waitForCompletion(timeout);
      if (done != Status.VALID) {
        throw new IssueException(IssueException.Code.ACME_FAILED, "the order for " + names + " ended " + done
            + problem(order.getError().map(Object::toString).orElse("")));
      }
      step = "the certificate download";
      return new ArrayList<>(order.getCertificate().getCertificateChain());
    } catch (AcmeNetworkException e) {
      throw new IssueException(IssueException.Code.ACME_UNAVAILABLE, "the ACME server " + directory + " did not answer ("
          + step + "): " + e.getMessage(), e);
    } catch (AcmeException e) {
      throw new IssueException(IssueException.Code.ACME_FAILED, "the ACME server " + directory + " refused " + step + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IssueException(IssueException.Code.ACME_UNAVAILABLE, "interrupted while waiting for " + step, e);
    }
  }

  private void authorize(Authorization authorization) throws AcmeException, InterruptedException {
    if (authorization.getStatus() == Status.VALID) {
      return; // reused (RFC 8555 §7.1.4): nothing to prove
    }
    String domain = authorization.getIdentifier().getDomain();
    Challenge challenge;
    String token;
    String answer;
    switch (responder) {
      case Http01Responder http -> {
        Http01Challenge c = authorization.findChallenge(Http01Challenge.class).orElseThrow(() -> noChallenge(domain));
        challenge = c;
        token = c.getToken();
        answer = c.getAuthorization();
      }
      case Dns01Hook dns -> {
        Dns01Challenge c = authorization.findChallenge(Dns01Challenge.class).orElseThrow(() -> noChallenge(domain));
        challenge = c;
        token = "";
        answer = c.getDigest();
      }
    }
    responder.present(domain, token, answer);
    try {
      challenge.trigger();
      Status status = challenge.waitForCompletion(timeout);
      if (status != Status.VALID) {
        throw new IssueException(IssueException.Code.CHALLENGE_FAILED, "the " + responder.type() + " challenge for " + domain
            + " is " + status + problem(challenge.getError().map(Object::toString).orElse("")));
      }
    } finally {
      responder.cleanup(domain, token, answer);
    }
  }

  private IssueException noChallenge(String domain) {
    return new IssueException(IssueException.Code.CHALLENGE_FAILED, "the ACME server offers no " + responder.type()
        + " challenge for " + domain);
  }

  private static String problem(String detail) {
    return detail.isEmpty() ? "" : ": " + detail;
  }

  /** acme4j's generic provider with our TLS trust (tests trust Pebble's own roots; production the JDK's). */
  private static final class Provider extends GenericAcmeProvider {
    private final SSLContext sslContext;

    Provider(SSLContext sslContext) {
      this.sslContext = sslContext;
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
      HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.getTimeout())
          .followRedirects(HttpClient.Redirect.NORMAL);
      if (sslContext != null) {
        builder.sslContext(sslContext);
      }
      return builder.build();
    }
  }

  public static final class Builder {
    private URI directory;
    private KeyPair accountKey;
    private ChallengeResponder responder;
    private SSLContext sslContext;
    private Duration timeout = Duration.ofMinutes(2);
    private String contact;

    private Builder() {}

    /** The directory URL, e.g. {@code https://acme-v02.api.letsencrypt.org/directory}. */
    public Builder directory(URI value) {
      this.directory = value;
      return this;
    }

    /** The account's key pair (RFC 8555 §7.3: the account is found or created by it). */
    public Builder accountKey(KeyPair value) {
      this.accountKey = value;
      return this;
    }

    public Builder responder(ChallengeResponder value) {
      this.responder = value;
      return this;
    }

    /** The TLS trust for the ACME server; default the JDK's. */
    public Builder sslContext(SSLContext value) {
      this.sslContext = value;
      return this;
    }

    /** The longest wait of each step (a challenge, the order). Default 2 minutes. */
    public Builder timeout(Duration value) {
      this.timeout = Objects.requireNonNull(value, "timeout");
      return this;
    }

    /** An account contact, e.g. {@code mailto:pki@acme.example}. */
    public Builder contact(String value) {
      this.contact = value;
      return this;
    }

    public AcmeIssuer build() {
      return new AcmeIssuer(this);
    }
  }
}
