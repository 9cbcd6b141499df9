# Sourced by the scripts: installs, with apt-get, the tools a fresh machine lacks.
# Needs root (as on CI and the project's machines); prints what it installs.

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: $* — install it (as root: apt-get install -y $*) and run again" >&2
    return 1
  fi
  echo "installing with apt-get: $*"
  if [ -z "${WEFT_APT_UPDATED:-}" ]; then
    apt-get update -qq
    WEFT_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# A JDK >= 17 with javac, and Maven >= 3.8.
ensure_build_tools() {
  local missing=()
  if ! command -v javac >/dev/null 2>&1; then
    missing+=(openjdk-17-jdk-headless)
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    missing+=(maven)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
}

# Prints the home of each JDK under /usr/lib/jvm whose major version is >= $1, one per line.
jdks_at_least() {
  local wanted=$1 home version
  for home in /usr/lib/jvm/*; do
    [ -x "$home/bin/java" ] && [ ! -L "$home" ] || continue
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ -n "$version" ] && [ "${version%%.*}" -ge "$wanted" ]; then
      echo "$home"
    fi
  done
}

# curl and wrk, the real clients of the HTTP module's tests (which skip without them).
ensure_http_test_tools() {
  local missing=()
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
}
