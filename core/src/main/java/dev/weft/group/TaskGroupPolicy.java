package dev.weft.group;

/** What a task group does when its children fail or succeed. */
public enum TaskGroupPolicy {
  /**
   * The default. The first failure (of the body or of a child) cancels the body and every other
   * child; the group fails with that exception, and the other failures that are not
   * cancellations are attached to it as suppressed exceptions. Like asyncio's TaskGroup and
   * Kotlin's {@code coroutineScope}.
   */
  FAIL_FAST,

  /**
   * Children fail independently: a child's failure stays with its own future and cancels nobody.
   * A child failure that nobody observed (no callback, no join) is reported to the runtime's
   * unhandled-failure handler when the group completes. A failure of the body still cancels the
   * children and fails the group. Like Kotlin's {@code supervisorScope}.
   */
  SUPERVISE,

  /**
   * A race: the first child to succeed wins and the other children are cancelled. If every child
   * fails, the group fails with the first failure, the others suppressed. The group's result is
   * still the body's, so the body usually returns {@code Future.any(children)}.
   */
  FIRST_SUCCESS
}
