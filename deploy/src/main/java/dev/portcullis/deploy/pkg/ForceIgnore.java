package dev.portcullis.deploy.pkg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .forceignore}: gitignore-style patterns, relative to the project root, for files the Salesforce
 * CLI leaves out (Salesforce DX Developer Guide, "How to Exclude Source When Syncing or Converting").
 * Besides the file's patterns, the CLI's defaults always apply: dot-files and dot-folders,
 * {@code *.dup}, {@code package2-descriptor.json} and {@code package2-manifest.json}. Supported:
 * {@code *}, {@code ?}, {@code **}, a leading {@code /} or inner {@code /} to anchor, a trailing
 * {@code /} for folders, and {@code !} to re-include.
 */
final class ForceIgnore {
  private static final List<String> DEFAULTS = List.of("**/*.dup", "**/.*", "**/package2-descriptor.json",
      "**/package2-manifest.json");

  /**
   * One pattern. {@code pattern} matches a whole relative path. {@code segment}, when not null, is an
   * equivalent test that is cheaper for a pattern of one segment ({@code *.dup}, {@code **}{@code /.*}): such
   * a pattern's regex is {@code (?:.*}{@code /)?SEG(?:/.*)?} with SEG unable to match a '/', so it matches a path
   * exactly when one of its segments matches SEG.
   */
  record Rule(Pattern pattern, Pattern segment, boolean negated) {
    boolean matches(String relativePath, String[] segments) {
      if (segment == null) {
        return pattern.matcher(relativePath).matches();
      }
      for (String s : segments) {
        if (segment.matcher(s).matches()) {
          return true;
        }
      }
      return false;
    }
  }

  private final List<Rule> rules;

  private ForceIgnore(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  static ForceIgnore none() {
    return of(List.of());
  }

  static ForceIgnore of(List<String> lines) {
    List<Rule> rules = new ArrayList<>();
    for (String line : DEFAULTS) {
      rules.add(rule(line));
    }
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      rules.add(rule(line));
    }
    return new ForceIgnore(rules);
  }

  static ForceIgnore read(Path projectRoot) {
    Path file = projectRoot.resolve(".forceignore");
    if (!Files.isRegularFile(file)) {
      return none();
    }
    try {
      return of(Files.readAllLines(file));
    } catch (IOException e) {
      throw new PackageException(PackageErrorCode.FILE_UNREADABLE, file + ": " + e.getMessage(), e);
    }
  }

  /** Whether the file at {@code relativePath} (from the project root, '/'-separated) is ignored. */
  boolean ignores(String relativePath) {
    boolean ignored = false;
    String[] segments = relativePath.split("/", -1);
    for (Rule rule : rules) {
      if (rule.negated() == ignored && rule.matches(relativePath, segments)) {
        ignored = !rule.negated();
      }
    }
    return ignored;
  }

  static Rule rule(String line) {
    boolean negated = line.startsWith("!");
    String pattern = negated ? line.substring(1) : line;
    if (pattern.endsWith("/")) {
      pattern = pattern.substring(0, pattern.length() - 1);
    }
    boolean anchored = pattern.startsWith("/") || pattern.contains("/");
    if (pattern.startsWith("/")) {
      pattern = pattern.substring(1);
    }
    String oneSegment = !anchored ? pattern : pattern.startsWith("**/") ? pattern.substring(3) : null;
    Pattern segment = oneSegment == null || oneSegment.isEmpty() || oneSegment.contains("/") || oneSegment.contains("**")
        ? null : Pattern.compile(segmentRegex(oneSegment));
    StringBuilder regex = new StringBuilder(anchored ? "" : "(?:.*/)?");
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        boolean slashAfter = i + 2 < pattern.length() && pattern.charAt(i + 2) == '/';
        regex.append(slashAfter ? "(?:.*/)?" : ".*");
        i += slashAfter ? 2 : 1;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    regex.append("(?:/.*)?");
    return new Rule(Pattern.compile(regex.toString()), segment, negated);
  }

  /** The regex of a pattern with no '/' and no '**': '*' and '?' within a segment, the rest literal. */
  private static String segmentRegex(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      regex.append(c == '*' ? "[^/]*" : c == '?' ? "[^/]" : Pattern.quote(String.valueOf(c)));
    }
    return regex.toString();
  }
}
