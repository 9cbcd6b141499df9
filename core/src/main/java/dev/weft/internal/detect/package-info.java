/**
 * The blocking-call detector: JFR events of the loop threads, streamed in-process, filtered and
 * reported once per call site. See {@code docs/blocking-call-detection.md}.
 */
package dev.weft.internal.detect;
