package dev.weft.internal.detect;

import java.util.List;

/**
 * One frame of a JFR stack, as much of it as the detector needs.
 *
 * @param type the class's name
 * @param method the method's name
 * @param line the line number, or -1 if unknown
 */
record Frame(String type, String method, int line) {

  /** The first frame of {@code frames} outside the JDK: the code that made the blocking call. */
  static Frame firstOutsideJdk(List<Frame> frames) {
    for (Frame frame : frames) {
      if (!isJdk(frame.type)) {
        return frame;
      }
    }
    return null;
  }

  static boolean isJdk(String type) {
    return type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.")
        || type.startsWith("sun.") || type.startsWith("com.sun.");
  }

  @Override
  public String toString() {
    return type + "." + method + (line >= 0 ? "(line " + line + ")" : "");
  }
}
