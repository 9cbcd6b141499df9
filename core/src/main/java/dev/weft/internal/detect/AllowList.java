package dev.weft.internal.detect;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The classes and methods in which a user accepts blocking calls on a loop. */
final class AllowList {
  private final Set<String> entries; // class names and Class.method names

  AllowList(List<String> entries) {
    this.entries = new HashSet<>(entries);
  }

  /** Whether any frame of the stack is in an allowed class or method. */
  boolean allows(List<Frame> frames) {
    if (entries.isEmpty()) {
      return false;
    }
    for (Frame frame : frames) {
      if (entries.contains(frame.type()) || entries.contains(frame.type() + "." + frame.method())) {
        return true;
      }
    }
    return false;
  }
}
