package dev.portcullis.orgsim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated Apex test run for a deploy: no Apex is compiled or executed. A class is a test class
 * when {@code @IsTest} annotates it; its test methods are those annotated {@code @IsTest} or
 * declared {@code testMethod}. A test method fails when its body contains {@code
 * System.assert(false} (the plainest failing assertion), with the message Salesforce gives for it
 * ("System.AssertException: Assertion Failed"); every other test method passes. Each test counts 7
 * ms. Code coverage is not computed. Which classes run follows the test level (Metadata API
 * Developer Guide, "Running Tests in a Deployment", meta_deploy_running_tests.htm): every test
 * class of the org for {@code RunLocalTests}, {@code RunAllTestsInOrg} and {@code
 * RunRelevantTests}, the named ones for {@code RunSpecifiedTests}.
 */
final class ApexTests {
  static final String ASSERTION_FAILED = "System.AssertException: Assertion Failed";
  private static final Pattern IS_TEST = Pattern.compile("@isTest\\b(\\s*\\([^)]*\\))?", Pattern.CASE_INSENSITIVE);
  private static final Pattern TEST_METHOD = Pattern.compile("\\btestMethod\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern METHOD_NAME = Pattern.compile("(\\w+)\\s*\\(");
  private static final Pattern FAILING = Pattern.compile("System\\s*\\.\\s*assert\\s*\\(\\s*false\\b", Pattern.CASE_INSENSITIVE);
  static final int MILLIS_PER_TEST = 7;

  /** One test method's outcome; {@code message} and {@code line} only for failures. */
  record Outcome(String classId, String className, String methodName, boolean passed, String message, int line) {}

  /** A run: what passed and what failed. */
  record Run(List<Outcome> outcomes) {
    int numRun() {
      return outcomes.size();
    }

    List<Outcome> failures() {
      return outcomes.stream().filter(o -> !o.passed()).toList();
    }

    List<Outcome> successes() {
      return outcomes.stream().filter(Outcome::passed).toList();
    }

    long totalTimeMillis() {
      return (long) outcomes.size() * MILLIS_PER_TEST;
    }
  }

  private ApexTests() {}

  /** The test methods of every test class among {@code classes} (ApexClass components), in order. */
  static Run run(Collection<MetadataComponent> classes) {
    List<Outcome> outcomes = new ArrayList<>();
    for (MetadataComponent c : classes) {
      byte[] source = c.files().get(c.type().mainFile(c.fullName()));
      if (source != null) {
        outcomes.addAll(testsOf(c.id(), c.fullName(), new String(source, StandardCharsets.UTF_8)));
      }
    }
    return new Run(outcomes);
  }

  /** Whether {@code source} declares a test class. */
  static boolean isTestClass(String source) {
    Matcher m = IS_TEST.matcher(source);
    while (m.find()) {
      if (declaration(source, m.end()).toLowerCase(Locale.ROOT).matches("(?s).*\\bclass\\b.*")) {
        return true;
      }
    }
    return false;
  }

  private static List<Outcome> testsOf(String classId, String className, String source) {
    List<Outcome> outcomes = new ArrayList<>();
    if (!isTestClass(source)) {
      return outcomes;
    }
    List<Integer> starts = new ArrayList<>();
    Matcher annotation = IS_TEST.matcher(source);
    while (annotation.find()) {
      String declaration = declaration(source, annotation.end());
      if (!declaration.toLowerCase(Locale.ROOT).matches("(?s).*\\bclass\\b.*") && declaration.contains("(")) {
        starts.add(annotation.end());
      }
    }
    Matcher keyword = TEST_METHOD.matcher(source);
    while (keyword.find()) {
      starts.add(keyword.end());
    }
    starts.sort(null);
    for (int start : starts) {
      String declaration = declaration(source, start);
      Matcher name = METHOD_NAME.matcher(declaration);
      if (!name.find()) {
        continue;
      }
      int open = source.indexOf('{', start);
      int close = open < 0 ? -1 : matchingBrace(source, open);
      String body = open < 0 ? "" : source.substring(open, close < 0 ? source.length() : close);
      Matcher failing = FAILING.matcher(body);
      if (failing.find()) {
        int line = 1 + (int) source.substring(0, open + failing.start()).chars().filter(ch -> ch == '\n').count();
        outcomes.add(new Outcome(classId, className, name.group(1), false, ASSERTION_FAILED, line));
      } else {
        outcomes.add(new Outcome(classId, className, name.group(1), true, null, 0));
      }
    }
    return outcomes;
  }

  /** The text from {@code from} up to the next '{' or ';' (a declaration's head). */
  private static String declaration(String source, int from) {
    int end = from;
    while (end < source.length() && source.charAt(end) != '{' && source.charAt(end) != ';') {
      end++;
    }
    return source.substring(from, end);
  }

  private static int matchingBrace(String source, int open) {
    int depth = 0;
    for (int i = open; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
