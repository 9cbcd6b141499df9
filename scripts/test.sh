#!/usr/bin/env bash
# Runs Weft's whole test suite: `mvn verify` over every module (unit, stress and example tests,
# Netty leak detection at paranoid level). Installs what the tests need and is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_build_tools
ensure_http_test_tools
mvn -B -ntp verify "$@"
