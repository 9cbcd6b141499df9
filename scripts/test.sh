#!/usr/bin/env bash
# Runs Weft's whole test suite: `mvn verify` over every module (unit, stress and example tests,
# Netty leak detection at paranoid level). Installs what the tests need and is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_build_tools
ensure_http_test_tools # curl and wrk, real clients for the HTTP server's tests

# The servers this run started (scripts/<name>.sh), stopped when it ends, however it ends: one trap
# for all, as a second `trap ... EXIT` would replace the first.
started=()
stop_started() {
  local name
  for name in ${started[@]+"${started[@]}"}; do
    scripts/"$name".sh stop || true
  done
}
trap stop_started EXIT

# PostgreSQL for the jdbc-bridge integration tests: a throw-away server (scripts/postgres.sh),
# stopped when the tests end, unless WEFT_PG_URL already names one or this checkout's server runs.
# If none can be started, those tests are skipped with the reason; WEFT_PG_REQUIRED=1 (CI) makes
# that an error instead. WEFT_PG=off skips starting one.
if [ -z "${WEFT_PG_URL:-}" ] && [ "${WEFT_PG:-on}" != off ]; then
  if scripts/postgres.sh status >/dev/null 2>&1; then
    eval "$(scripts/postgres.sh env)"
  elif scripts/postgres.sh start; then
    started+=(postgres)
    eval "$(scripts/postgres.sh env)"
  elif [ "${WEFT_PG_REQUIRED:-}" = 1 ]; then
    echo "test.sh: PostgreSQL could not be started and WEFT_PG_REQUIRED=1" >&2
    exit 1
  else
    export WEFT_PG_UNAVAILABLE="scripts/postgres.sh start failed; its messages are above the Maven output"
    echo "test.sh: PostgreSQL could not be started: the jdbc-bridge PostgreSQL tests will be skipped" >&2
  fi
fi

# nginx for the HTTP client's tests against a real server (scripts/nginx.sh), the same way: reused
# if this checkout's runs or WEFT_NGINX_DIR names one, else started and stopped at the end; if it
# cannot start, those tests are skipped with the reason, or fail with WEFT_NGINX_REQUIRED=1 (CI).
# WEFT_NGINX=off skips starting one.
if [ -z "${WEFT_NGINX_DIR:-}" ] && [ "${WEFT_NGINX:-on}" != off ]; then
  if scripts/nginx.sh status >/dev/null 2>&1; then
    eval "$(scripts/nginx.sh env)"
  elif scripts/nginx.sh start; then
    started+=(nginx)
    eval "$(scripts/nginx.sh env)"
  elif [ "${WEFT_NGINX_REQUIRED:-}" = 1 ]; then
    echo "test.sh: nginx could not be started and WEFT_NGINX_REQUIRED=1" >&2
    exit 1
  else
    export WEFT_NGINX_UNAVAILABLE="scripts/nginx.sh start failed; its messages are above the Maven output"
    echo "test.sh: nginx could not be started: the HTTP client's tests against nginx will be skipped" >&2
  fi
fi

mvn -B -ntp verify "$@"
