package dev.weft.internal.group;

import dev.weft.Deadline;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.group.TaskGroupPolicy;

/**
 * A group's checked settings.
 *
 * @param name for messages
 * @param policy failure policy
 * @param deadline the group's own deadline, or null (the enclosing one still applies)
 * @param blockingAdapter the adapter for forkBlocking, or null for the runtime's default
 * @param abandonNanos how long to wait for a blocking child that ignores its interrupt
 */
public record GroupSettings(
    String name, TaskGroupPolicy policy, Deadline deadline, BlockingAdapter blockingAdapter, long abandonNanos) {}
