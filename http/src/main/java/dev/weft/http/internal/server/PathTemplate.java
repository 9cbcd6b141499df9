package dev.weft.http.internal.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A parsed route template such as {@code /users/{id}/orders}: literal segments, and parameters
 * that each match one whole non-empty segment. Immutable.
 */
final class PathTemplate {
  private final String text;
  private final String[] literals; // per segment: the literal, or null for a parameter
  private final List<String> parameterNames; // in segment order

  private PathTemplate(String text, String[] literals, List<String> parameterNames) {
    this.text = text;
    this.literals = literals;
    this.parameterNames = parameterNames;
  }

  static PathTemplate parse(String text) {
    if (text == null || !text.startsWith("/")) {
      throw new IllegalArgumentException("path template must start with '/' (was " + quote(text) + ")");
    }
    if (text.indexOf('?') >= 0 || text.indexOf('#') >= 0) {
      throw new IllegalArgumentException("path template must not contain '?' or '#'; query parameters are read "
          + "with Request.queryParam (was " + quote(text) + ")");
    }
    String[] segments = text.substring(1).split("/", -1);
    String[] literals = new String[segments.length];
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.startsWith("{") && segment.endsWith("}") && segment.length() > 2) {
        String name = segment.substring(1, segment.length() - 1);
        if (!isIdentifier(name)) {
          throw new IllegalArgumentException("path parameter name must be letters, digits and '_', not starting with "
              + "a digit (was '" + name + "' in " + quote(text) + ")");
        }
        if (!seen.add(name)) {
          throw new IllegalArgumentException("path parameter '" + name + "' appears twice in " + quote(text));
        }
        names.add(name);
      } else if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0) {
        throw new IllegalArgumentException("a path parameter must be a whole segment, like /{name}/ (segment '"
            + segment + "' of " + quote(text) + ")");
      } else {
        literals[i] = segment;
      }
    }
    return new PathTemplate(text, literals, List.copyOf(names));
  }

  int segmentCount() {
    return literals.length;
  }

  List<String> parameterNames() {
    return parameterNames;
  }

  /**
   * Matches decoded path segments.
   *
   * @return the parameter values in {@link #parameterNames()} order, or {@code null} if the path does not match
   */
  String[] match(String[] segments) {
    if (segments.length != literals.length) {
      return null;
    }
    String[] values = new String[parameterNames.size()];
    int next = 0;
    for (int i = 0; i < literals.length; i++) {
      if (literals[i] == null) {
        if (segments[i].isEmpty()) {
          return null;
        }
        values[next++] = segments[i];
      } else if (!literals[i].equals(segments[i])) {
        return null;
      }
    }
    return values;
  }

  /**
   * Orders templates that match the same path: positive if this one is more specific, that is, has
   * a literal at the first segment where the two differ in kind.
   */
  int compareSpecificity(PathTemplate other) {
    for (int i = 0; i < Math.min(literals.length, other.literals.length); i++) {
      boolean mine = literals[i] != null;
      boolean theirs = other.literals[i] != null;
      if (mine != theirs) {
        return mine ? 1 : -1;
      }
    }
    return 0;
  }

  /** Whether both templates match exactly the same paths (they differ at most in parameter names). */
  boolean sameShape(PathTemplate other) {
    if (literals.length != other.literals.length) {
      return false;
    }
    for (int i = 0; i < literals.length; i++) {
      if (literals[i] == null ? other.literals[i] != null : !literals[i].equals(other.literals[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }

  private static boolean isIdentifier(String name) {
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      return false;
    }
    return name.chars().allMatch(c -> c == '_' || (c < 128 && Character.isLetterOrDigit(c)));
  }

  private static String quote(String text) {
    return text == null ? "null" : "'" + text + "'";
  }
}
