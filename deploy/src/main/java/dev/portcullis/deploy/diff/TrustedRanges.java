package dev.portcullis.deploy.diff;

import java.util.Map;
import java.util.TreeMap;

/**
 * Trusted IP ranges (SecuritySettings {@code networkAccess/ipRanges}, ConnectedApp {@code ipRanges}):
 * ranges whose addresses skip a check. A range added widens trust ({@link Severity#MEDIUM}, or
 * {@link Severity#HIGH} for an IPv4 /8 or more); a range removed narrows it.
 */
final class TrustedRanges {
  private TrustedRanges() {}

  /**
   * Compares the {@code element} children (each with {@code startChild} and {@code endChild}) of the
   * two parents. With {@code onlyWhenListed}, a package that lists no range at all leaves the org's as they are.
   */
  static void diff(ComponentChanges changes, XmlElement beforeParent, XmlElement afterParent, String element,
      String startChild, String endChild, boolean onlyWhenListed) {
    if (changes.after == null) {
      return;
    }
    Map<String, XmlElement> before = ranges(beforeParent, element, startChild, endChild);
    Map<String, XmlElement> after = ranges(afterParent, element, startChild, endChild);
    if (onlyWhenListed && afterParent == null) {
      return;
    }
    for (Map.Entry<String, XmlElement> range : after.entrySet()) {
      if (before.containsKey(range.getKey())) {
        continue;
      }
      XmlElement at = range.getValue();
      long size = IpRanges.size(at.text(startChild), at.text(endChild));
      boolean huge = size < 0 || size >= IpRanges.HUGE;
      changes.inAfter(ChangeKind.TRUSTED_IP_RANGE_ADDED, range.getKey(), element, null, range.getKey(),
          huge ? Severity.HIGH : Severity.MEDIUM,
          changes.who() + " trusts IP range " + range.getKey() + (huge ? " (a very large range)" : ""), at);
    }
    for (Map.Entry<String, XmlElement> range : before.entrySet()) {
      if (!after.containsKey(range.getKey())) {
        changes.inBefore(ChangeKind.TRUSTED_IP_RANGE_REMOVED, range.getKey(), element, range.getKey(), null,
            Severity.INFO, changes.who() + " no longer trusts IP range " + range.getKey(), range.getValue());
      }
    }
  }

  private static Map<String, XmlElement> ranges(XmlElement parent, String element, String startChild,
      String endChild) {
    Map<String, XmlElement> ranges = new TreeMap<>();
    for (XmlElement range : Documents.children(parent, element)) {
      String start = range.text(startChild);
      String end = range.text(endChild);
      ranges.putIfAbsent((start == null ? "" : start) + "-" + (end == null ? "" : end), range);
    }
    return ranges;
  }
}
