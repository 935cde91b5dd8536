package dev.portcullis.certs.path;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;

/**
 * A certificate's notBefore or notAfter as an Instant. The forms RFC 5280 §4.1.2.5 requires
 * (UTCTime YYMMDDHHMMSSZ, years 50–99 meaning 19YY and 00–49 meaning 20YY; GeneralizedTime
 * YYYYMMDDHHMMSSZ) are read directly from their DER bytes; any other form goes to BouncyCastle's
 * {@link Time#getDate()} as before, so what was accepted or refused stays so. BouncyCastle reads
 * every time through a new {@code SimpleDateFormat}, which cost more than the rest of decoding a
 * certificate. Public for the certificate checks ({@code dev.portcullis.certs.check}), which read the
 * same fields.
 */
public final class CertificateTime {
  private CertificateTime() {}

  /** The instant of a notBefore or notAfter; throws what BouncyCastle throws for a time it cannot read. */
  public static Instant of(Time time) {
    ASN1Primitive primitive = time.toASN1Primitive();
    if (primitive instanceof ASN1UTCTime || primitive instanceof ASN1GeneralizedTime) {
      try {
        Instant strict = strict(primitive.getEncoded(ASN1Encoding.DER));
        if (strict != null) {
          return strict;
        }
      } catch (IOException e) {
        // fall through to BouncyCastle, which reports what is wrong
      }
    }
    return time.getDate().toInstant();
  }

  /** Null unless {@code der} is a UTCTime or GeneralizedTime in its RFC 5280 form with valid fields. */
  static Instant strict(byte[] der) {
    int tag = der[0];
    int length = der.length - 2;
    int yearDigits = tag == 0x17 ? 2 : tag == 0x18 ? 4 : -1;
    if (yearDigits < 0 || der[1] != length || length != yearDigits + 11 || der[der.length - 1] != 'Z') {
      return null;
    }
    for (int i = 2; i < der.length - 1; i++) {
      if (der[i] < '0' || der[i] > '9') {
        return null;
      }
    }
    int at = 2;
    int year = number(der, at, yearDigits);
    if (yearDigits == 2) {
      year += year >= 50 ? 1900 : 2000;
    }
    at += yearDigits;
    try {
      return LocalDateTime.of(year, number(der, at, 2), number(der, at + 2, 2), number(der, at + 4, 2),
          number(der, at + 6, 2), number(der, at + 8, 2)).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int number(byte[] der, int at, int digits) {
    int value = 0;
    for (int i = 0; i < digits; i++) {
      value = value * 10 + (der[at + i] - '0');
    }
    return value;
  }
}
