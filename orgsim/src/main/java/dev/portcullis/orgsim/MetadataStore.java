package dev.portcullis.orgsim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * The metadata components of one org, by type and full name. Seeded from the built-in package
 * under {@code orgsim/metadata/} (a {@code package.xml} and the files it names: Apex classes with
 * a test class, the Admin and Standard profiles, two permission sets, custom objects with
 * fields, a connected app and a remote site), read through the same {@link MetadataPackage} a
 * deploy uses. Thread-safe: every method synchronizes on the store.
 */
final class MetadataStore {
  private static final String SEED = "orgsim/metadata/";

  private final Map<String, MetadataComponent> components = new LinkedHashMap<>();

  synchronized Optional<MetadataComponent> get(String type, String fullName) {
    return Optional.ofNullable(components.get(MetadataComponent.key(type, fullName)));
  }

  /** Every component of {@code type}, by full name. */
  synchronized List<MetadataComponent> ofType(String type) {
    List<MetadataComponent> out = new ArrayList<>();
    for (MetadataComponent c : components.values()) {
      if (c.type().xmlName().equalsIgnoreCase(type)) {
        out.add(c);
      }
    }
    out.sort(Comparator.comparing(MetadataComponent::fullName, String.CASE_INSENSITIVE_ORDER));
    return out;
  }

  synchronized List<MetadataComponent> all() {
    return List.copyOf(components.values());
  }

  synchronized void put(MetadataComponent component) {
    components.put(component.key(), component);
  }

  synchronized boolean remove(String type, String fullName) {
    return components.remove(MetadataComponent.key(type, fullName)) != null;
  }

  /** Loads the built-in components, created by {@code userId} at {@code now}, ids from {@code ids}. */
  void seed(Instant now, String userId, java.util.function.Function<String, String> ids) {
    byte[] manifest = resource("package.xml");
    List<MetadataZip.Entry> entries = new ArrayList<>();
    entries.add(new MetadataZip.Entry("package.xml", manifest));
    try {
      Element root = MetadataXml.parse(manifest).getDocumentElement();
      for (Element types : MetadataXml.children(root, "types")) {
        MetadataType type = MetadataType.named(MetadataXml.text(types, "name").orElseThrow()).orElseThrow();
        for (String member : MetadataXml.texts(types, "members")) {
          String main = type.mainFile(member);
          entries.add(new MetadataZip.Entry(main, resource(main)));
          if (type.metaFile()) {
            entries.add(new MetadataZip.Entry(main + "-meta.xml", resource(main + "-meta.xml")));
          }
        }
      }
    } catch (MetadataXml.MalformedXmlException e) {
      throw new IllegalStateException("the built-in " + SEED + "package.xml is malformed: " + e.getMessage(), e);
    }
    MetadataPackage.Contents contents = MetadataPackage.read(entries, true);
    if (!contents.problems().isEmpty()) {
      throw new IllegalStateException("the built-in metadata under " + SEED + " is invalid: " + contents.problems());
    }
    for (MetadataPackage.Candidate c : contents.components()) {
      put(new MetadataComponent(c.type(), c.fullName(), c.files(), c.type().keyPrefix().isEmpty() ? ""
          : ids.apply(c.type().keyPrefix()), now, userId, now, userId));
    }
  }

  private static byte[] resource(String path) {
    try (InputStream in = MetadataStore.class.getClassLoader().getResourceAsStream(SEED + path)) {
      if (in == null) {
        throw new IllegalStateException("built-in metadata file " + SEED + path + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
