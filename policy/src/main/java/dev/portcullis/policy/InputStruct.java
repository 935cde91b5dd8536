package dev.portcullis.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.values.StructValue;
import java.util.Map;
import java.util.Optional;

/**
 * One input object ({@code principal}, {@code session}, …, {@code params}) as a CEL struct value
 * over a map holding every declared field. Handing CEL a {@code CelValue} instead of a
 * {@code java.util.Map} spares the runtime from converting the whole map again at every variable
 * access of every rule (which cost more than the conditions themselves).
 */
final class InputStruct extends StructValue<String, Map<String, Object>> {
  private final CelType type;
  private final Map<String, Object> fields;

  InputStruct(CelType type, Map<String, Object> fields) {
    this.type = type;
    this.fields = fields;
  }

  @Override
  public Map<String, Object> value() {
    return fields;
  }

  @Override
  public boolean isZeroValue() {
    return fields.isEmpty();
  }

  @Override
  public CelType celType() {
    return type;
  }

  @Override
  public Object select(String field) {
    Object value = fields.get(field);
    if (value == null) {
      throw new IllegalArgumentException("no field '" + field + "' in " + type.name());
    }
    return value;
  }

  @Override
  public Optional<Object> find(String field) {
    return Optional.ofNullable(fields.get(field));
  }
}
