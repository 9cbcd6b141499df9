/**
 * The main job's report: JMH run results turned into a table of ratios against the fastest peer
 * (Markdown, printed and written), the targets' verdicts, and an SVG bar chart.
 */
package dev.weft.benchmarks.report;
