/**
 * The adaptive-limit scenario (issue 18): a simulated legacy backend of known capacity under an
 * offered load above it, behind fixed limits and an adaptive one. Run it with
 * {@code scripts/bench.sh --adaptive}.
 */
package dev.weft.benchmarks.adaptive;
