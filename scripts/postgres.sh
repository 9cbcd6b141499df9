#!/usr/bin/env bash
# A throw-away PostgreSQL server for the jdbc-bridge integration tests.
#
#   scripts/postgres.sh start    install Debian's postgresql package if missing, initdb a cluster in a
#                                temp dir (as a non-root user), start it on a free loopback port and
#                                create the database `weft` (user `weft`, trust auth, loopback only)
#   scripts/postgres.sh env      print `export WEFT_PG_URL=... WEFT_PG_PID=...` for the running server:
#                                eval "$(scripts/postgres.sh env)" (WEFT_PG_PID: the postmaster's pid, which
#                                the tests that freeze the server with SIGSTOP need)
#   scripts/postgres.sh freeze   SIGSTOP the server (postmaster and every backend): it hangs, connections stay open
#   scripts/postgres.sh thaw     SIGCONT them
#   scripts/postgres.sh status   exit 0 if this checkout's server runs (prints its JDBC URL)
#   scripts/postgres.sh stop     stop the server and delete its cluster
#   scripts/postgres.sh install  only make sure the PostgreSQL binaries are there
#
# One server per checkout (its state lives in $TMPDIR/weft-postgres-<hash of the checkout's path>),
# so worktrees side by side do not collide. Durability is off (fsync, synchronous_commit): it is for tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh

state_dir="${WEFT_PG_STATE_DIR:-${TMPDIR:-/tmp}/weft-postgres-$(pwd | cksum | cut -d' ' -f1)}"
env_file="$state_dir/env"

say() { echo "postgres.sh: $*" >&2; }

# The newest installed PostgreSQL's bin directory, or nothing.
pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  elif command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
  fi
}

ensure_postgres() {
  if [ -z "$(pg_bindir)" ]; then
    apt_install postgresql
  fi
  if [ -z "$(pg_bindir)" ]; then
    say "no PostgreSQL server binaries (initdb) found after installing the postgresql package"
    return 1
  fi
}

# initdb refuses to run as root: the cluster belongs to `postgres` (made by Debian's package), or
# to a system user made for it.
server_user() {
  if [ "$(id -u)" -ne 0 ]; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    id weft-postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin weft-postgres
    echo weft-postgres
  fi
}

as_server_user() {
  local user=$1
  shift
  if [ "$(id -un)" = "$user" ]; then
    "$@"
  else
    runuser -u "$user" -- "$@"
  fi
}

port_in_use() {
  (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null
}

is_running() {
  [ -f "$env_file" ] || return 1
  # shellcheck disable=SC1090
  source "$env_file"
  "$WEFT_PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$WEFT_PG_PORT" -t 2
}

start() {
  if is_running; then
    say "already running on 127.0.0.1:$WEFT_PG_PORT ($state_dir)"
    return 0
  fi
  ensure_postgres
  local bindir user attempt port
  bindir=$(pg_bindir)
  user=$(server_user)
  stop 2>/dev/null # a server of an earlier run that no longer answers: stop it before reusing its place
  rm -rf "$state_dir"
  mkdir -p "$state_dir"
  chmod 700 "$state_dir"
  chown "$user" "$state_dir"
  as_server_user "$user" "$bindir/initdb" -D "$state_dir/data" -U weft -A trust -E UTF8 --locale=C --no-sync \
    >"$state_dir/initdb.log" 2>&1 || { say "initdb failed:"; cat "$state_dir/initdb.log" >&2; return 1; }
  cat >>"$state_dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$state_dir'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + RANDOM % 40000 ))
    port_in_use "$port" && continue
    if as_server_user "$user" "$bindir/pg_ctl" -D "$state_dir/data" -l "$state_dir/server.log" -w -t 30 \
        -o "-p $port" start >/dev/null 2>&1; then
      cat >"$env_file" <<ENV
WEFT_PG_BINDIR='$bindir'
WEFT_PG_USER='$user'
WEFT_PG_PORT='$port'
WEFT_PG_URL='jdbc:postgresql://127.0.0.1:$port/weft?user=weft'
ENV
      "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U weft -d postgres -c 'CREATE DATABASE weft' >/dev/null
      say "started PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port as $user ($state_dir)"
      return 0
    fi
    say "could not start on port $port (attempt $attempt), trying another"
  done
  say "PostgreSQL did not start; its log:"
  tail -n 20 "$state_dir/server.log" >&2 || true
  return 1
}

stop() {
  if [ -f "$env_file" ]; then
    # shellcheck disable=SC1090
    source "$env_file"
    as_server_user "$WEFT_PG_USER" "$WEFT_PG_BINDIR/pg_ctl" -D "$state_dir/data" -m fast -w -t 30 stop \
      >/dev/null 2>&1 || true
    say "stopped the server on 127.0.0.1:$WEFT_PG_PORT"
  fi
  rm -rf "$state_dir"
}

server_pid() {
  head -n 1 "$state_dir/data/postmaster.pid"
}

# The postmaster and every process below it (backends, background workers).
server_pids() {
  local pid=$1 child
  echo "$pid"
  for child in $(pgrep -P "$pid" || true); do
    server_pids "$child"
  done
}

signal_server() {
  is_running || { say "no server running for this checkout"; exit 1; }
  # shellcheck disable=SC2046
  kill "-$1" $(server_pids "$(server_pid)")
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env)
    is_running || { say "no server running for this checkout: run scripts/postgres.sh start"; exit 1; }
    echo "export WEFT_PG_URL='$WEFT_PG_URL' WEFT_PG_PID='$(server_pid)'"
    ;;
  freeze) signal_server STOP ;;
  thaw)
    [ -f "$env_file" ] || { say "no server for this checkout"; exit 1; }
    # shellcheck disable=SC1090
    source "$env_file"
    # shellcheck disable=SC2046
    kill -CONT $(server_pids "$(server_pid)")
    ;;
  status)
    if is_running; then echo "$WEFT_PG_URL"; else exit 1; fi
    ;;
  install) ensure_postgres ;;
  *)
    echo "usage: $0 start|stop|env|status|freeze|thaw|install" >&2
    exit 2
    ;;
esac
