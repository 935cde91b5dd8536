package dev.portcullis.certs.check;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The official SARIF 2.1.0 JSON schema (OASIS; test resource {@code sarif/sarif-schema-2.1.0.json},
 * see the NOTICE beside it), as a validator. The schema is draft-04; formats ({@code uri}, {@code
 * uri-reference}, {@code date-time}) are asserted, not just annotated.
 */
final class SarifSchema {
  private static final Schema SCHEMA = load();

  private SarifSchema() {}

  /** The schema's complaints about {@code json}, one line each; empty when it is a valid SARIF log. */
  static List<String> errors(String json) {
    List<Error> errors = SCHEMA.validate(json, InputFormat.JSON);
    return errors.stream().map(Error::toString).toList();
  }

  private static Schema load() {
    SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4,
        builder -> builder.schemaRegistryConfig(config));
    try (InputStream in = SarifSchema.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
      if (in == null) {
        throw new IllegalStateException("test resource sarif/sarif-schema-2.1.0.json is missing");
      }
      return registry.getSchema(in, InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
