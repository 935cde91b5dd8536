package dev.portcullis.deploy.pkg;

/** Stable codes for everything wrong with a metadata package or the project it is read from. */
public enum PackageErrorCode {
  /** A file or directory could not be read or written. */
  FILE_UNREADABLE,
  /** {@code sfdx-project.json} is missing, not JSON, or lists no package directory. */
  PROJECT_INVALID,
  /** XML that is not well-formed. */
  XML_MALFORMED,
  /** XML with a DOCTYPE declaration: refused, so no DTD or entity is ever read. */
  XML_DOCTYPE,
  /** A {@code package.xml} or destructive-changes manifest that is not a Metadata API {@code Package}. */
  MANIFEST_INVALID,
  /** A zip that is not a zip, or whose entries break a limit (count, size, compression ratio). */
  ZIP_LIMIT,
  /** A zip or package entry whose path is absolute, climbs out with {@code ..}, or is otherwise unsafe. */
  UNSAFE_PATH,
  /** Two entries with the same path (in a zip, or two source files that become one package file). */
  DUPLICATE_ENTRY,
  /** A source component that cannot be converted: a content file without its -meta.xml, and the like. */
  COMPONENT_INVALID
}
