package dev.portcullis.store;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Provides one invocation per dialect for {@link StoreSpec} tests. The fixture is created in a
 * before-each callback (so an aborted assumption, PostgreSQL skipped, skips the test rather than
 * failing parameter resolution) and closed after each test.
 */
final class StoreSpecExtension implements TestTemplateInvocationContextProvider {

  static final List<String> DIALECTS = List.of("sqlite", "postgresql");

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(StoreSpecExtension.class);

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getRequiredTestMethod().isAnnotationPresent(StoreSpec.class);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    return DIALECTS.stream().map(Invocation::new);
  }

  private record Invocation(String dialect) implements TestTemplateInvocationContext {
    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + dialect + "]";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(new FixtureLifecycle(dialect));
    }
  }

  private record FixtureLifecycle(String dialect)
      implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    @Override
    public void beforeEach(ExtensionContext context) {
      context.getStore(NAMESPACE).put(StoreFixture.class, StoreFixture.create(dialect));
    }

    @Override
    public void afterEach(ExtensionContext context) {
      StoreFixture fixture = context.getStore(NAMESPACE).remove(StoreFixture.class, StoreFixture.class);
      if (fixture != null) {
        fixture.close();
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == StoreFixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context.getStore(NAMESPACE).get(StoreFixture.class, StoreFixture.class);
    }
  }
}
