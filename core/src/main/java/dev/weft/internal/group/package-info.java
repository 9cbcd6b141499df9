/** Task groups: the state machine behind {@link dev.weft.group.TaskGroup}. */
package dev.weft.internal.group;
