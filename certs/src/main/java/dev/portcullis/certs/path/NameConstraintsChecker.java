package dev.portcullis.certs.path;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.util.encoders.Hex;

/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c)), applied from every CA on the path,
 * trust anchor included, to the subject and subjectAltNames of every certificate below it
 * (self-issued intermediates excepted), and to the subject's emailAddress attributes when there is
 * no SAN.
 *
 * <p>Design note. Each CA's constraints are checked on their own rather than merged into one
 * permitted/excluded state: checking each set separately is equivalent (a name must satisfy every
 * set) and needs no subtree intersection. A wildcard SAN {@code *.b} stands for every name one
 * label under {@code b}: it is permitted only when all of those are, and excluded when any of them
 * is (CVE-2025-61727). A constraint on a name form we do not process (URI, otherName, x400,
 * ediParty, registeredID) fails the path when a certificate below carries a name of that form, as
 * RFC 5280 requires of a validator that does not process it. Work is bounded: the product of names
 * and constraints is counted, and past {@link #BUDGET} comparisons the path is refused.
 */
final class NameConstraintsChecker {
  /** About a million comparisons: far above any real chain, far below a denial of service. */
  static final long BUDGET = 1L << 20;

  private long spent;

  /** Null when {@code constraints} is well formed, else what is wrong with it. */
  static String syntaxProblem(NameConstraints constraints) {
    GeneralSubtree[] permitted = constraints.getPermittedSubtrees();
    GeneralSubtree[] excluded = constraints.getExcludedSubtrees();
    if ((permitted == null || permitted.length == 0) && (excluded == null || excluded.length == 0)) {
      return "nameConstraints with neither permittedSubtrees nor excludedSubtrees (RFC 5280 §4.2.1.10)";
    }
    for (GeneralSubtree[] subtrees : new GeneralSubtree[][] {permitted, excluded}) {
      if (subtrees == null) {
        continue;
      }
      for (GeneralSubtree subtree : subtrees) {
        if (subtree.getMinimum().signum() != 0 || subtree.getMaximum() != null) {
          return "a subtree with minimum other than 0 or with a maximum (RFC 5280 §4.2.1.10)";
        }
        String problem = baseProblem(subtree.getBase());
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static String baseProblem(GeneralName base) {
    switch (base.getTagNo()) {
      case GeneralName.dNSName -> {
        String name = text(base);
        return name.isEmpty() || Names.isDnsName(name) ? null
            : "dNSName constraint '" + name + "' is not a DNS name (no wildcard, no leading period: RFC 5280 §4.2.1.10)";
      }
      case GeneralName.iPAddress -> {
        byte[] bytes = ASN1OctetString.getInstance(base.getName()).getOctets();
        if (bytes.length != 8 && bytes.length != 32) {
          return "iPAddress constraint of " + bytes.length + " octets (8 or 32 required)";
        }
        return contiguousMask(bytes, bytes.length / 2) ? null : "iPAddress constraint with a non-contiguous mask";
      }
      case GeneralName.rfc822Name -> {
        String name = text(base);
        int at = name.indexOf('@');
        if (at >= 0) {
          return Names.isMailbox(name) ? null : "rfc822Name constraint '" + name + "' is not a mailbox";
        }
        String domain = name.startsWith(".") ? name.substring(1) : name;
        return Names.isDnsName(domain) ? null : "rfc822Name constraint '" + name + "' is not a domain";
      }
      default -> {
        return null;
      }
    }
  }

  private static boolean contiguousMask(byte[] bytes, int offset) {
    BigInteger mask = new BigInteger(1, Arrays.copyOfRange(bytes, offset, bytes.length));
    int bits = (bytes.length - offset) * 8;
    BigInteger inverted = mask.xor(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
    // A prefix mask inverted is 2^k - 1: adding one gives a power of two.
    return inverted.add(BigInteger.ONE).bitCount() == 1;
  }

  /** Null when every name of {@code certificate} satisfies {@code constraints}, else the first violation. */
  String violation(NameConstraints constraints, ParsedCertificate certificate, boolean checkSubject) {
    List<GeneralName> names = new ArrayList<>();
    if (checkSubject && certificate.subject.getRDNs().length > 0) {
      names.add(new GeneralName(certificate.subject));
    }
    if (certificate.subjectAltNames != null) {
      names.addAll(List.of(certificate.subjectAltNames.getNames()));
    } else if (checkSubject) {
      // RFC 5280 §4.2.1.10: without a SAN, rfc822Name constraints apply to emailAddress attributes of the subject.
      for (RDN rdn : certificate.subject.getRDNs(PKCSObjectIdentifiers.pkcs_9_at_emailAddress)) {
        for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
          if (value.getType().equals(PKCSObjectIdentifiers.pkcs_9_at_emailAddress) && value.getValue() instanceof ASN1String text) {
            names.add(new GeneralName(GeneralName.rfc822Name, text.getString()));
          }
        }
      }
    }
    GeneralSubtree[] permitted = orEmpty(constraints.getPermittedSubtrees());
    GeneralSubtree[] excluded = orEmpty(constraints.getExcludedSubtrees());
    spent += (long) names.size() * (permitted.length + excluded.length);
    if (spent > BUDGET) {
      return "too many names times constraints to check (more than " + BUDGET + " comparisons)";
    }
    for (GeneralName name : names) {
      int type = name.getTagNo();
      boolean typeConstrained = false;
      boolean permittedMatch = false;
      for (GeneralSubtree subtree : permitted) {
        if (subtree.getBase().getTagNo() != type) {
          continue;
        }
        typeConstrained = true;
        Boolean match = matches(subtree.getBase(), name, false);
        if (match == null) {
          return "cannot process a " + typeName(type) + " constraint on " + describe(name);
        }
        if (match) {
          permittedMatch = true;
          break;
        }
      }
      if (typeConstrained && !permittedMatch) {
        return describe(name) + " is outside the permitted subtrees";
      }
      for (GeneralSubtree subtree : excluded) {
        if (subtree.getBase().getTagNo() != type) {
          continue;
        }
        Boolean match = matches(subtree.getBase(), name, true);
        if (match == null) {
          return "cannot process a " + typeName(type) + " constraint on " + describe(name);
        }
        if (match) {
          return describe(name) + " is inside excluded subtree " + describe(subtree.getBase());
        }
      }
    }
    return null;
  }

  /** True/false, or null for a name form we cannot process. */
  private static Boolean matches(GeneralName base, GeneralName name, boolean excluding) {
    switch (name.getTagNo()) {
      case GeneralName.dNSName -> {
        return dnsWithin(Names.lower(text(name)), Names.lower(text(base)), excluding);
      }
      case GeneralName.rfc822Name -> {
        return emailWithin(text(name), text(base));
      }
      case GeneralName.iPAddress -> {
        byte[] address = ASN1OctetString.getInstance(name.getName()).getOctets();
        byte[] constraint = ASN1OctetString.getInstance(base.getName()).getOctets();
        if (constraint.length != address.length * 2) {
          return false;
        }
        for (int i = 0; i < address.length; i++) {
          int mask = constraint[address.length + i];
          if ((address[i] & mask) != (constraint[i] & mask)) {
            return false;
          }
        }
        return true;
      }
      case GeneralName.directoryName -> {
        return directoryWithin(X500Name.getInstance(name.getName()), X500Name.getInstance(base.getName()));
      }
      default -> {
        return null;
      }
    }
  }

  static boolean dnsWithin(String name, String constraint, boolean excluding) {
    if (constraint.isEmpty()) {
      return true;
    }
    if (name.startsWith("*.")) {
      String base = name.substring(2);
      boolean allWithin = subdomainOrEqual(base, constraint);
      return excluding ? allWithin || constraint.endsWith("." + base) : allWithin;
    }
    return subdomainOrEqual(name, constraint);
  }

  private static boolean subdomainOrEqual(String name, String constraint) {
    return name.equals(constraint) || name.endsWith("." + constraint);
  }

  /** RFC 5280 §4.2.1.10: a mailbox, all mailboxes on a host, or (leading period) on its subdomains. */
  static boolean emailWithin(String name, String constraint) {
    int at = name.indexOf('@');
    if (at < 0) {
      return false;
    }
    String local = name.substring(0, at);
    String domain = Names.lower(name.substring(at + 1));
    int constraintAt = constraint.indexOf('@');
    if (constraintAt >= 0) {
      return local.equals(constraint.substring(0, constraintAt))
          && domain.equals(Names.lower(constraint.substring(constraintAt + 1)));
    }
    String lower = Names.lower(constraint);
    return lower.startsWith(".") ? domain.endsWith(lower) : domain.equals(lower);
  }

  private static boolean directoryWithin(X500Name name, X500Name constraint) {
    RDN[] names = name.getRDNs();
    RDN[] prefix = constraint.getRDNs();
    if (prefix.length > names.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (!IETFUtils.rDNAreEqual(names[i], prefix[i])) {
        return false;
      }
    }
    return true;
  }

  static String text(GeneralName name) {
    return ((ASN1String) name.getName()).getString();
  }

  private static GeneralSubtree[] orEmpty(GeneralSubtree[] subtrees) {
    return subtrees == null ? new GeneralSubtree[0] : subtrees;
  }

  private static String typeName(int tag) {
    return switch (tag) {
      case GeneralName.otherName -> "otherName";
      case GeneralName.rfc822Name -> "rfc822Name";
      case GeneralName.dNSName -> "dNSName";
      case GeneralName.x400Address -> "x400Address";
      case GeneralName.directoryName -> "directoryName";
      case GeneralName.ediPartyName -> "ediPartyName";
      case GeneralName.uniformResourceIdentifier -> "URI";
      case GeneralName.iPAddress -> "iPAddress";
      default -> "registeredID";
    };
  }

  static String describe(GeneralName name) {
    return switch (name.getTagNo()) {
      case GeneralName.dNSName, GeneralName.rfc822Name, GeneralName.uniformResourceIdentifier ->
          typeName(name.getTagNo()) + " '" + ParsedCertificate.shorten(text(name)) + "'";
      case GeneralName.directoryName -> "directoryName '" + ParsedCertificate.shorten(X500Name.getInstance(name.getName()).toString()) + "'";
      case GeneralName.iPAddress -> "iPAddress " + Hex.toHexString(
          ASN1OctetString.getInstance(name.getName()).getOctets());
      default -> typeName(name.getTagNo());
    };
  }
}
