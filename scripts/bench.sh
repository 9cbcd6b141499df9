#!/usr/bin/env bash
# Weft's main job: builds the benchmarks jar and runs its quick profile (about 10 minutes on 2
# cores), printing a table of Weft against the peers as ratios and writing
# benchmarks/results/<timestamp>/ (JMH's JSON, the table as Markdown, an SVG chart).
#   scripts/bench.sh                  the quick profile
#   scripts/bench.sh --full           the long profile (about half an hour)
#   scripts/bench.sh --smoke          a few benchmarks for seconds: checks they run (CI)
#   scripts/bench.sh -p work=noop AdapterRoundTrip   any other argument goes to JMH
# Runs on the newest JDK >= 21 under /usr/lib/jvm, so the virtual-thread rows exist; on 17 alone
# they are marked unavailable in the table.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_build_tools

java_bin=java
newest=0
for home in $(jdks_at_least 21); do
  version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [ "${version%%.*}" -gt "$newest" ]; then
    newest=${version%%.*}
    java_bin="$home/bin/java"
  fi
done
if [ "$newest" -gt 0 ]; then
  echo "bench: running on JDK $newest ($java_bin): virtual-thread rows included"
else
  echo "bench: no JDK >= 21 under /usr/lib/jvm; running on $(java -version 2>&1 | head -n 1):" \
    "virtual-thread and StructuredTaskScope rows will be marked unavailable"
fi

echo "bench: building the benchmarks jar"
mvn -B -ntp -q -DskipTests -Dmaven.source.skip=true -Dmaven.javadoc.skip=true -pl benchmarks -am package
exec "$java_bin" -jar benchmarks/target/benchmarks.jar "$@"
