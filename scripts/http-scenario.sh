#!/usr/bin/env bash
# The HTTP scenario: does an async handler serve more with fewer threads than thread-per-request?
# Each request of GET /work waits 50 ms on a simulated backend, served three ways, each its own JVM:
#   (a) JDK com.sun.net.httpserver, fixed pool of 200 threads, the handler sleeps 50 ms
#   (b) Weft, async handler: loop.delay(50 ms), then 200
#   (c) Weft, blocking handler on a bounded pool (200 threads, queue 50, maxConcurrentRequests 250)
# driven by wrk on 127.0.0.1 at 1 000 and 2 000 connections; then a hello-world comparison of Weft
# (GET /hello, answered at once) with a raw Netty HttpServerCodec server. For every run it prints
# requests/s, p50/p99 latency, errors, and the server's peak threads and RSS and its CPU per
# request (from /proc), as one Markdown table. About 3 minutes.
#   scripts/http-scenario.sh                       builds the jar if missing, runs everything
#   DURATION=5s scripts/http-scenario.sh           shorter wrk runs
#   PORT=18180 REBUILD=1 scripts/http-scenario.sh  another port; rebuild the jar first
# Every server it starts is stopped on exit, failure or Ctrl-C included.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
PORT=${PORT:-18180}
HELLO_CONNECTIONS=${HELLO_CONNECTIONS:-256}
JAR=benchmarks/target/benchmarks.jar
JVM_OPTS=(-Xms256m -Xmx1g -XX:+UseG1GC)
PACKAGE=dev.weft.benchmarks.http

ensure_build_tools
command -v wrk >/dev/null 2>&1 || apt_install wrk
# 2 000 connections need 2 000 descriptors in wrk and in the server; the servers inherit this.
# 65 536, or the hard limit if it is lower and this shell may not raise it (a container).
descriptors=65536
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$descriptors" ] && ! ulimit -Hn "$descriptors" 2>/dev/null; then
  descriptors=$hard
fi
ulimit -n "$descriptors"
if [ "$descriptors" -lt 4200 ]; then
  echo "http-scenario: only $descriptors file descriptors allowed; 2 000 connections need more (ulimit -Hn)" >&2
  exit 1
fi

if [ ! -f "$JAR" ] || [ -n "${REBUILD:-}" ]; then
  echo "http-scenario: building the benchmarks jar" >&2
  mvn -B -ntp -q -DskipTests -Dmaven.source.skip=true -Dmaven.javadoc.skip=true -pl benchmarks -am install
fi

work=$(mktemp -d)
server_pid=""
sampler_pid=""
stop_server() {
  if [ -n "$sampler_pid" ]; then
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=""
  fi
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wrk's report: latency percentiles, socket errors and, when COUNT_STATUS=1, a count per status.
# response() is defined only then: with it wrk hands every response to Lua, which costs wrk CPU
# that the hello-world runs cannot spare; they use wrk's own non-2xx/3xx count instead.
cat > "$work/report.lua" <<'EOF'
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

if os.getenv("COUNT_STATUS") == "1" then
  counts = {}
  function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
      "WRK requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
      e.status, e.connect, e.read, e.write, e.timeout))
  local total = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("counts")
    if counted then
      for status, n in pairs(counted) do
        total[status] = (total[status] or 0) + n
      end
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("WRK_STATUS %d %d\n", status, n))
  end
end
EOF

clock_ticks=$(getconf CLK_TCK)
cores=$(nproc)

# utime + stime of a process, in clock ticks (fields 14 and 15; the name in parentheses may hold spaces)
cpu_ticks() {
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# busy and total jiffies of the whole machine, from the first line of /proc/stat
host_ticks() {
  awk '/^cpu / {idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i; print total - idle, total}' /proc/stat
}

# samples the server's thread count and RSS every 200 ms into $work/samples
start_sampler() {
  : > "$work/samples"
  (
    while kill -0 "$server_pid" 2>/dev/null; do
      awk '/^Threads:/ {t = $2} /^VmRSS:/ {r = $2} END {print t, r}' "/proc/$server_pid/status" \
        >> "$work/samples" 2>/dev/null || true
      sleep 0.2
    done
  ) &
  sampler_pid=$!
}

start_server() {
  local main=$1
  java "${JVM_OPTS[@]}" -cp "$JAR" "$PACKAGE.$main" "$PORT" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 150); do
    if grep -q READY "$work/server.log"; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "http-scenario: $main did not print READY; its output:" >&2
  cat "$work/server.log" >&2
  exit 1
}

# runs wrk; its output goes to $work/wrk.out, its own CPU ticks (reaped child time) to $work/wrk.cpu
run_wrk() {
  local connections=$1 duration=$2 path=$3 count_status=$4
  # sh reaps wrk, so its cutime + cstime (fields 16 and 17 of its stat) are wrk's CPU
  COUNT_STATUS=$count_status sh -c 'out=$1 cpu=$2; shift 2; "$@" > "$out" 2>&1
    sed "s/^.*) //" /proc/$$/stat | awk "{print \$14 + \$15}" > "$cpu"' \
    sh "$work/wrk.out" "$work/wrk.cpu" wrk -t "$THREADS" -c "$connections" -d "$duration" --timeout 5s -s "$work/report.lua" \
    "http://127.0.0.1:$PORT$path"
}

rows=()

# one measured run: prints a table row into rows[]
measure() {
  local label=$1 connections=$2 path=$3 count_status=$4 cap=$5
  local cpu_before host_before cpu_after host_after
  cpu_before=$(cpu_ticks "$server_pid")
  host_before=$(host_ticks)
  start_sampler
  run_wrk "$connections" "$DURATION" "$path" "$count_status"
  cpu_after=$(cpu_ticks "$server_pid")
  host_after=$(host_ticks)
  kill "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
  if ! grep -q '^WRK ' "$work/wrk.out"; then
    echo "http-scenario: wrk failed for $label at $connections connections:" >&2
    cat "$work/wrk.out" >&2
    exit 1
  fi
  local row
  row=$(awk -v label="$label" -v conns="$connections" -v cap="$cap" -v tck="$clock_ticks" \
      -v cpu="$((cpu_after - cpu_before))" -v wrkcpu="$(cat "$work/wrk.cpu")" \
      -v cores="$cores" -v hostb="$host_before" -v hosta="$host_after" -v samples="$work/samples" '
    function ms(us) { return sprintf("%.1f", us / 1000) }
    /^WRK / {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); w[kv[1]] = kv[2] }
    }
    /^WRK_STATUS / { status[$2] = $3; counted = 1 }
    END {
      while ((getline line < samples) > 0) {
        split(line, s, " ")
        if (s[1] + 0 > threads) threads = s[1] + 0
        if (s[2] + 0 > rss) rss = s[2] + 0
      }
      seconds = w["duration_us"] / 1e6
      ok = counted ? status[200] + 0 : w["requests"] - w["non2xx"]
      if (counted) {
        shed = status[503] + 0
        other = w["requests"] - ok - shed
        errors = sprintf("%d (503: %d%s)", w["requests"] - ok, shed, other > 0 ? ", other: " other : "")
      } else {
        errors = sprintf("%d", w["non2xx"])
      }
      socket = w["connect"] + w["read"] + w["write"] + w["timeout"]
      split(hostb, hb, " "); split(hosta, ha, " ")
      host = (ha[2] - hb[2]) > 0 ? 100 * cores * (ha[1] - hb[1]) / (ha[2] - hb[2]) : 0
      printf "| %s | %d | %.0f | %.0f | %s | %s | %s | %d | %d | %.0f | %.0f | %.0f%% | %.0f%% | %.0f%% | %s |",
        label, conns, w["requests"] / seconds, ok / seconds, ms(w["p50_us"]), ms(w["p99_us"]), errors, socket,
        threads, rss / 1024, 1e6 * cpu / tck / (w["requests"] > 0 ? w["requests"] : 1),
        100 * cpu / tck / seconds, 100 * wrkcpu / tck / seconds, host, cap
    }' "$work/wrk.out")
  rows+=("$row")
  echo "http-scenario: $row" >&2
}

scenario() {
  local label=$1 main=$2 path=$3 count_status=$4; shift 4
  echo "http-scenario: starting $main" >&2
  start_server "$main"
  # warm-up, not measured: lets the JIT compile the request path
  run_wrk 200 "$WARMUP" "$path" 0
  while [ $# -gt 0 ]; do
    measure "$label" "$1" "$path" "$count_status" "$2"
    shift 2
  done
  stop_server
}

scenario "(a) JDK HttpServer, 200 threads, sleep 50 ms" JdkThreadPerRequestServer /work 1 \
  1000 "4 000 (200 threads / 50 ms)" 2000 "4 000 (200 threads / 50 ms)"
scenario "(b) Weft async, loop.delay(50 ms)" WeftAsyncServer /work 1 \
  1000 "20 000 (1 000 conns / 50 ms)" 2000 "40 000 (2 000 conns / 50 ms)"
scenario "(c) Weft blocking, pool 200 + queue 50, max 250" WeftBlockingServer /work 1 \
  1000 "4 000 (200 threads / 50 ms), rest 503" 2000 "4 000 (200 threads / 50 ms), rest 503"
scenario "hello: Weft, immediate 200 ok" WeftAsyncServer /hello 0 "$HELLO_CONNECTIONS" "CPU"
scenario "hello: raw Netty HttpServerCodec" RawNettyServer /hello 0 "$HELLO_CONNECTIONS" "CPU"

echo
echo "wrk -t $THREADS -d $DURATION --timeout 5s on 127.0.0.1, after a $WARMUP warm-up at 200 connections;" \
  "$cores cores shared by wrk and the server; server JVM: ${JVM_OPTS[*]}, $(java -version 2>&1 | head -n 1)"
echo
echo "| server | connections | requests/s | 2xx/s | p50 ms | p99 ms | non-2xx | socket errors | server threads (peak) | RSS MiB (peak) | server CPU µs/request | server CPU | wrk CPU | host CPU (of ${cores}00%) | cap |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for row in "${rows[@]}"; do
  echo "$row"
done
