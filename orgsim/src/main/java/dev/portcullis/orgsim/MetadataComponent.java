package dev.portcullis.orgsim;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One metadata component as an org stores it: its type and full name, its files by zip path
 * relative to the package root ({@code classes/Foo.cls}, {@code classes/Foo.cls-meta.xml}), and
 * the audit fields that {@code FileProperties} reports (Metadata API Developer Guide,
 * "FileProperties", meta_fileproperties.htm).
 */
record MetadataComponent(MetadataType type, String fullName, Map<String, byte[]> files, String id,
    Instant createdDate, String createdById, Instant lastModifiedDate, String lastModifiedById) {

  MetadataComponent {
    files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  /** The key the store files it under: type and full name, case-insensitively. */
  String key() {
    return key(type.xmlName(), fullName);
  }

  static String key(String type, String fullName) {
    return type.toLowerCase(java.util.Locale.ROOT) + ":" + fullName.toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether {@code other} holds the same files with the same bytes. */
  boolean sameFilesAs(Map<String, byte[]> other) {
    if (!files.keySet().equals(other.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
