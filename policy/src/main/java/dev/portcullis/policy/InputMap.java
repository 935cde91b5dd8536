package dev.portcullis.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelValue;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * An open map of the input ({@code principal.claims} and the maps nested in claims) as a CEL value.
 *
 * <p>The CEL runtime canonicalises every value an attribute yields: a plain {@code java.util.Map}
 * is walked entry by entry, recursively, at every access ({@code principal.claims.ref} walks all
 * the claims), while a {@link CelValue} is taken as it is. The values here are already canonical
 * ({@link DecisionInput#celValue} converted them once per decision), so this type only tells the
 * runtime so. It is still a {@code Map} to everything that reads it (selection, {@code has()},
 * {@code in}, {@code size}, comprehensions, equality), and it is read-only, so it behaves exactly
 * as the plain map did; it deliberately does not implement {@code SelectableValue}, so a missing
 * key fails with the same error as before.
 */
final class InputMap extends CelValue implements Map<Object, Object> {
  private static final CelType TYPE = MapType.create(SimpleType.DYN, SimpleType.DYN);

  private final Map<Object, Object> entries;

  /** Wraps {@code entries}, which must hold canonical CEL values and must not change afterwards. */
  InputMap(Map<?, ?> entries) {
    this.entries = Collections.unmodifiableMap(entries);
  }

  @Override
  public Object value() {
    return this;
  }

  @Override
  public boolean isZeroValue() {
    return entries.isEmpty();
  }

  @Override
  public CelType celType() {
    return TYPE;
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public boolean containsKey(Object key) {
    return entries.containsKey(key);
  }

  @Override
  public boolean containsValue(Object value) {
    return entries.containsValue(value);
  }

  @Override
  public Object get(Object key) {
    return entries.get(key);
  }

  @Override
  public Object put(Object key, Object value) {
    throw new UnsupportedOperationException("input maps are read-only");
  }

  @Override
  public Object remove(Object key) {
    throw new UnsupportedOperationException("input maps are read-only");
  }

  @Override
  public void putAll(Map<?, ?> map) {
    throw new UnsupportedOperationException("input maps are read-only");
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("input maps are read-only");
  }

  @Override
  public Set<Object> keySet() {
    return entries.keySet();
  }

  @Override
  public Collection<Object> values() {
    return entries.values();
  }

  @Override
  public Set<Entry<Object, Object>> entrySet() {
    return entries.entrySet();
  }

  @Override
  public boolean equals(Object other) {
    return other == this || entries.equals(other);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
