#!/usr/bin/env bash
# The PostgreSQL scenario of issue 13: 64 concurrent transactions (insert + update + commit) for a
# fixed time through Weft's JDBC bridge, plain JDBC on HikariCP (platform and virtual threads) and
# Vert.x's reactive PostgreSQL client, all with a pool of 16; then the latency of one SELECT in
# flight. The server is this checkout's scripts/postgres.sh server, on the same machine: it shares
# the CPUs with the client, on purpose. Each row runs in its own JVM, one after the other, under
# the benchmark lock (flock /tmp/weft-bench.lock), so benchmarks never overlap. Prints Markdown
# tables with ratios against plain JDBC. About 3 minutes with the defaults.
#   scripts/pg-scenario.sh                  warm-up 5 s, 15 s measured per row
#   scripts/pg-scenario.sh 3 10             shorter: warm-up 3 s, 10 s measured
#   scripts/pg-scenario.sh 5 15 64 16       warm-up, measured, clients, pool size
#   REBUILD=1 scripts/pg-scenario.sh        rebuild the benchmarks jar first
# A server started here is stopped at the end; one already running for this checkout is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_build_tools

JAR=benchmarks/target/benchmarks.jar
java_bin=java
for home in $(jdks_at_least 21); do
  java_bin="$home/bin/java" # the newest JDK >= 21: the virtual-thread row exists
done

if [ ! -f "$JAR" ] || [ -n "${REBUILD:-}" ]; then
  echo "pg-scenario: building the benchmarks jar" >&2
  mvn -B -ntp -q -DskipTests -Dmaven.source.skip=true -Dmaven.javadoc.skip=true -pl benchmarks -am package
fi

started=""
if ! scripts/postgres.sh status >/dev/null 2>&1; then
  scripts/postgres.sh start
  started=1
fi
trap '[ -n "$started" ] && scripts/postgres.sh stop' EXIT
eval "$(scripts/postgres.sh env)"

echo "pg-scenario: $("$java_bin" -version 2>&1 | head -n 1); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
flock /tmp/weft-bench.lock "$java_bin" -Xms256m -Xmx512m -cp "$JAR" dev.weft.benchmarks.jdbc.PgScenario "$@"
echo "pg-scenario: load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
