package dev.portcullis.deploy.diff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Finds the class declarations of an Apex source file and the sharing mode each declares.
 *
 * <p>Design: comments ({@code //}, {@code /* *\/}) and string literals ({@code '...'} with
 * backslash escapes, Apex's only string form) are first blanked to spaces, keeping line breaks, so
 * "without sharing" inside a comment or a string is never taken for a declaration and positions
 * stay true. The rest is split into identifiers and punctuation; a declaration is the identifier
 * {@code class} (any case, Apex keywords are case-insensitive) not preceded by {@code .} (which
 * would be {@code Foo.class}), followed by its name; its modifiers are the tokens back to the
 * previous {@code ;}, <code>{</code> or <code>}</code>. Brace depth tracks nesting, so inner classes
 * are named {@code Outer.Inner}. The sharing keywords come from the Apex Developer Guide, "Use the
 * with sharing, without sharing, and inherited sharing Keywords".
 */
final class ApexSource {
  /** The sharing mode a class declares. */
  enum Sharing {
    WITH,
    WITHOUT,
    INHERITED,
    /** No sharing keyword at all. */
    OMITTED
  }

  /** A class declaration: qualified name, whether it is the file's top-level class, its sharing, and where {@code class} is. */
  record ClassDeclaration(String name, boolean topLevel, Sharing sharing, boolean test, int line, int column) {}

  private record Token(String text, int offset) {}

  /** A class whose body is open, named with its outer classes, and the brace depth of its body. */
  private record Open(String name, int depth) {}

  private ApexSource() {}

  static List<ClassDeclaration> classes(String source) {
    String code = blankCommentsAndStrings(source);
    List<Token> tokens = tokens(code);
    int[] lineStarts = lineStarts(source);
    List<ClassDeclaration> classes = new ArrayList<>();
    Deque<Open> open = new ArrayDeque<>();
    int depth = 0;
    int statementStart = 0;
    String pendingClass = null;
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      switch (token.text) {
        case "{" -> {
          depth++;
          if (pendingClass != null) {
            open.push(new Open(pendingClass, depth));
            pendingClass = null;
          }
          statementStart = i + 1;
        }
        case "}" -> {
          if (!open.isEmpty() && open.peek().depth == depth) {
            open.pop();
          }
          depth--;
          statementStart = i + 1;
        }
        case ";" -> statementStart = i + 1;
        default -> {
          boolean isClass = token.text.equalsIgnoreCase("class")
              && (i == 0 || !tokens.get(i - 1).text.equals("."))
              && i + 1 < tokens.size() && isIdentifier(tokens.get(i + 1).text);
          if (isClass) {
            String simpleName = tokens.get(i + 1).text;
            String name = open.isEmpty() ? simpleName : open.peek().name + "." + simpleName;
            List<Token> modifiers = tokens.subList(statementStart, i);
            int[] position = position(lineStarts, token.offset);
            classes.add(new ClassDeclaration(name, open.isEmpty(), sharing(modifiers), isTest(modifiers),
                position[0], position[1]));
            pendingClass = name;
          }
        }
      }
    }
    return classes;
  }

  private static Sharing sharing(List<Token> modifiers) {
    for (int i = 0; i + 1 < modifiers.size(); i++) {
      if (modifiers.get(i + 1).text.equalsIgnoreCase("sharing")) {
        switch (modifiers.get(i).text.toLowerCase(Locale.ROOT)) {
          case "with" -> {
            return Sharing.WITH;
          }
          case "without" -> {
            return Sharing.WITHOUT;
          }
          case "inherited" -> {
            return Sharing.INHERITED;
          }
          default -> {
            // "sharing" after anything else is not a sharing declaration
          }
        }
      }
    }
    return Sharing.OMITTED;
  }

  private static boolean isTest(List<Token> modifiers) {
    for (int i = 0; i + 1 < modifiers.size(); i++) {
      if (modifiers.get(i).text.equals("@") && modifiers.get(i + 1).text.equalsIgnoreCase("isTest")) {
        return true;
      }
    }
    return false;
  }

  /** {@code source} with every comment and string literal character (but line breaks) replaced by a space. */
  static String blankCommentsAndStrings(String source) {
    char[] out = source.toCharArray();
    int i = 0;
    int n = out.length;
    while (i < n) {
      char c = out[i];
      if (c == '/' && i + 1 < n && out[i + 1] == '/') {
        while (i < n && out[i] != '\n' && out[i] != '\r') {
          out[i++] = ' ';
        }
      } else if (c == '/' && i + 1 < n && out[i + 1] == '*') {
        out[i++] = ' ';
        out[i++] = ' ';
        while (i < n && !(out[i] == '*' && i + 1 < n && out[i + 1] == '/')) {
          blank(out, i++);
        }
        for (int k = 0; k < 2 && i < n; k++) {
          out[i++] = ' ';
        }
      } else if (c == '\'') {
        out[i++] = ' ';
        while (i < n && out[i] != '\'') {
          if (out[i] == '\\' && i + 1 < n) {
            blank(out, i++);
          }
          blank(out, i++);
        }
        if (i < n) {
          out[i++] = ' ';
        }
      } else {
        i++;
      }
    }
    return new String(out);
  }

  private static void blank(char[] chars, int index) {
    if (chars[index] != '\n' && chars[index] != '\r') {
      chars[index] = ' ';
    }
  }

  private static List<Token> tokens(String code) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < code.length()) {
      char c = code.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < code.length() && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_')) {
          i++;
        }
        tokens.add(new Token(code.substring(start, i), start));
      } else {
        tokens.add(new Token(String.valueOf(c), i));
        i++;
      }
    }
    return tokens;
  }

  private static boolean isIdentifier(String text) {
    return !text.isEmpty() && (Character.isLetter(text.charAt(0)) || text.charAt(0) == '_');
  }

  private static int[] lineStarts(String source) {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '\n' || c == '\r' && (i + 1 >= source.length() || source.charAt(i + 1) != '\n')) {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** 1-based line and column of {@code offset}. */
  private static int[] position(int[] lineStarts, int offset) {
    int low = 0;
    int high = lineStarts.length - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (lineStarts[mid] <= offset) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return new int[] {low + 1, offset - lineStarts[low] + 1};
  }
}
