#!/usr/bin/env bash
# Weft's main job: builds the benchmarks jar and runs its quick profile, printing the results.
# Until the JMH suites land, the jar's entry point is a short runnable demo of the runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_build_tools
mvn -B -ntp -q -DskipTests -pl benchmarks -am package
java -jar benchmarks/target/benchmarks.jar "$@"
