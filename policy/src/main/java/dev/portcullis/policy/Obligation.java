package dev.portcullis.policy;

import java.util.List;
import java.util.Objects;

/**
 * Something the enforcement point must do when it applies a decision, such as
 * {@code redact_fields: [Contact.SSN__c]} or {@code max_records: 2000}.
 *
 * <p>Known names and their arguments: {@code redact_fields} and {@code deny_fields} (lists of {@code SObject.Field}),
 * {@code max_records} and {@code max_bytes} (integers ≥ 0), {@code require_approval} ({@code true}
 * or a mapping with {@code approvers}, {@code from}, {@code reason}). Names starting with
 * {@code x_} are passed through unchecked for site-specific enforcement points; an enforcement
 * point must refuse a decision carrying an obligation it cannot apply.
 *
 * @param name the obligation's name
 * @param value its argument: String, Long, Double, Boolean, List or Map (as written in YAML)
 * @param rules the ids of the rules it came from, in bundle order
 */
public record Obligation(String name, Object value, List<String> rules) {
  public Obligation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    rules = List.copyOf(rules);
  }
}
