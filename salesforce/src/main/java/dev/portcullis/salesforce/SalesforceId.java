package dev.portcullis.salesforce;

/**
 * Salesforce record ids: 15-character case-sensitive ids and their 18-character case-safe form.
 *
 * <p>The suffix follows Salesforce's documented algorithm ("What are Salesforce IDs composed
 * of?", and the {@code CASESAFEID()} formula function): the 15 characters are split into three
 * blocks of five; in each block, bit {@code i} is set when character {@code i} is an upper-case
 * letter A–Z; each five-bit value indexes {@code ABCDEFGHIJKLMNOPQRSTUVWXYZ012345}.
 */
public final class SalesforceId {
  private static final String SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

  private SalesforceId() {}

  /** Returns the 18-character case-safe id for a 15- or 18-character id. */
  public static String to18(String id) {
    if (id == null || (id.length() != 15 && id.length() != 18) || !isAlphanumeric(id)) {
      throw new IllegalArgumentException("not a Salesforce id: expected 15 or 18 letters and digits");
    }
    String base = id.substring(0, 15);
    StringBuilder result = new StringBuilder(18).append(base);
    for (int block = 0; block < 3; block++) {
      int bits = 0;
      for (int i = 0; i < 5; i++) {
        char c = base.charAt(block * 5 + i);
        if (c >= 'A' && c <= 'Z') {
          bits |= 1 << i;
        }
      }
      result.append(SUFFIX_ALPHABET.charAt(bits));
    }
    return result.toString();
  }

  /** True when {@code id} is a 15-character id, or an 18-character id whose suffix is right. */
  public static boolean isValid(String id) {
    if (id == null || !isAlphanumeric(id)) {
      return false;
    }
    if (id.length() == 15) {
      return true;
    }
    return id.length() == 18 && to18(id).equals(id);
  }

  /** The three-character key prefix that names the object type, e.g. {@code 001} for Account. */
  public static String keyPrefix(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("not a Salesforce id");
    }
    return id.substring(0, 3);
  }

  private static boolean isAlphanumeric(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
