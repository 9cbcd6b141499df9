/**
 * Structured concurrency: task groups whose future completes only after every child has settled,
 * with failure policies, deadlines and cancellation that reaches blocking work.
 */
package dev.weft.group;
