/** What the blocking-call detector costs a running service: {@link dev.weft.benchmarks.detect.DetectorOverheadBenchmark}. */
package dev.weft.benchmarks.detect;
