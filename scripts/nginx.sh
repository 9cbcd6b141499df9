#!/usr/bin/env bash
# A throw-away nginx, "a server no one here wrote", for the HTTP client's tests.
#
#   scripts/nginx.sh start    install Debian's nginx package if missing, make a test CA and certificates,
#                             static files and a config in a temp dir, and start nginx on three free
#                             loopback ports: plain HTTP, HTTPS, and HTTPS with a certificate for another host
#   scripts/nginx.sh env      print `export WEFT_NGINX_...=...` for the running server: eval "$(scripts/nginx.sh env)"
#   scripts/nginx.sh status   exit 0 if this checkout's server runs (prints its state dir)
#   scripts/nginx.sh stop     stop the server and delete its state dir
#   scripts/nginx.sh install  only make sure the nginx binary is there
#
# One server per checkout (its state lives in $TMPDIR/weft-nginx-<hash of the checkout's path>), so
# worktrees side by side do not collide. What it serves (the same on all three ports):
#   /static/<file>   the files of $WEFT_NGINX_DOCROOT: 1b.bin, 1mb.bin, 100mb.bin (random bytes), part.txt
#   /slow/<file>     the same files at 64 KiB/s (limit_rate): a 1 MiB download takes ~15 s
#   /chunked         an SSI page: 200 with Transfer-Encoding: chunked, body described in Nginx.java
#   /status/204, /status/500   those statuses; any missing path: nginx's 404
#   /redirect/one    302 to /static/1b.bin; /redirect/loop: 302 to itself; /redirect/post: 307 to /status/204
#   /sink            any method, request bodies up to 200m, read completely, then 204
# The access log has one line per request, fields separated by single spaces (format `weft` below);
# $connection, the connection's serial number, shows whether requests shared a keep-alive connection.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh

state_dir="${WEFT_NGINX_STATE_DIR:-${TMPDIR:-/tmp}/weft-nginx-$(pwd | cksum | cut -d' ' -f1)}"
env_file="$state_dir/env"
pid_file="$state_dir/nginx.pid"
nginx_bin=/usr/sbin/nginx

say() { echo "nginx.sh: $*" >&2; }

ensure_nginx() {
  if [ -x "$nginx_bin" ]; then
    return 0
  fi
  apt_install nginx
  if [ ! -x "$nginx_bin" ]; then
    say "no $nginx_bin after installing the nginx package"
    return 1
  fi
  # On a machine that runs services, the package's postinst starts the distro's default server
  # (port 80, /var/www/html; in containers whose policy-rc.d forbids it, it does not). Ours never
  # depends on it, but a root web server nobody asked for is impolite on a developer's machine, and
  # port 80 is one a test elsewhere might want: stop it. Only right after we installed the package,
  # so an nginx someone runs on purpose is left alone.
  service nginx stop >/dev/null 2>&1 || true
}

port_in_use() {
  (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null
}

free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 40000 ))
    port_in_use "$port" || { echo "$port"; return 0; }
  done
}

is_running() {
  [ -f "$env_file" ] && [ -f "$pid_file" ] || return 1
  # shellcheck disable=SC1090
  source "$env_file"
  kill -0 "$(cat "$pid_file")" 2>/dev/null && port_in_use "$WEFT_NGINX_HTTP_PORT"
}

# The test CA, a certificate for localhost/127.0.0.1 and one for wrong.example, all signed by the CA.
# EC P-256 keys (quick to make, every TLS stack takes them); valid for 3 days, as the state is
# remade at every start. Our own openssl config, so the system's openssl.cnf changes nothing.
make_certificates() {
  local dir=$1
  cat >"$dir/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = Weft test CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[wrong]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
CNF
  openssl req -config "$dir/openssl.cnf" -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 3 -extensions ca 2>>"$dir/openssl.log" || return 1
  local name cn
  for name in server wrong; do
    cn=localhost
    [ "$name" = wrong ] && cn=wrong.example
    openssl req -config "$dir/openssl.cnf" -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$cn" 2>>"$dir/openssl.log" || return 1
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
      -set_serial "0x$(openssl rand -hex 8)" -days 3 -extfile "$dir/openssl.cnf" -extensions "$name" \
      -out "$dir/$name.pem" 2>>"$dir/openssl.log" || return 1
    rm -f "$dir/$name.csr"
  done
  chmod 600 "$dir"/*.key # read by the master process (root or us), never by the workers
}

# part.txt: 16 lines of 64 bytes, "NN " + the first 60 characters of [0-9a-zA-Z] + "\n" (NN = 00..15).
make_docroot() {
  local docroot=$1 ssi_dir=$2 line i
  mkdir -p "$docroot" "$ssi_dir"
  head -c 1 /dev/urandom >"$docroot/1b.bin"
  head -c 1048576 /dev/urandom >"$docroot/1mb.bin"
  head -c 104857600 /dev/urandom >"$docroot/100mb.bin"
  : >"$docroot/part.txt"
  for line in $(seq 0 15); do
    printf '%02d %s\n' "$line" "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX" >>"$docroot/part.txt"
  done
  # /chunked: "part i of 8\n" then part.txt (an SSI subrequest), for i = 1..8. SSI output has no
  # length known up front, so nginx sends it chunked (and several includes make several chunks).
  : >"$ssi_dir/chunked.shtml"
  for i in $(seq 1 8); do
    printf 'part %d of 8\n<!--# include virtual="/static/part.txt" -->' "$i" >>"$ssi_dir/chunked.shtml"
  done
  chmod -R a+rX "$docroot" "$ssi_dir" # whatever the umask: the workers may run as nobody
}

# $1: worker user line; $2..$4: ports.
write_config() {
  local user_line=$1 http_port=$2 https_port=$3 wrong_port=$4 dir=$state_dir
  cat >"$dir/locations.conf" <<CONF
location /static/ {
    alias $dir/www/;
}
location /slow/ {
    alias $dir/www/;
    limit_rate 64k;
}
location = /chunked {
    ssi on;
    alias $dir/ssi/chunked.shtml;
    default_type text/html;
}
location = /status/204 { return 204; }
location = /status/500 { return 500; }
location = /redirect/one { return 302 /static/1b.bin; }
location = /redirect/loop { return 302 /redirect/loop; }
location = /redirect/post { return 307 /status/204; }
# A plain 'return 204' answers before the body has arrived and discards the rest afterwards. The
# mirror module with mirror_request_body reads the whole body (into client_body_temp) before the
# content phase, so the answer is sent only once the upload is complete. The content phase then
# has nothing to serve (404; 405 for methods the static module refuses), which error_page turns
# into a 204, for any method.
location = /sink {
    client_max_body_size 200m;
    mirror /sink-mirror;
    mirror_request_body on;
    root $dir/sink-nothing-here;
    log_not_found off;
    error_page 404 405 =204 @sink-done;
}
location = /sink-mirror {
    internal;
    client_max_body_size 200m; # checked again in the subrequest
    return 204;
}
location @sink-done {
    return 204;
}
CONF
  cat >"$dir/nginx.conf" <<CONF
# Generated by scripts/nginx.sh: every path in the state dir, so it runs beside any system nginx.
$user_line
daemon on;
master_process on;
worker_processes 1;
pid $pid_file;
error_log $dir/error.log info;

events {
    worker_connections 1024;
}

http {
    types {
        text/html shtml;
        text/plain txt;
        application/octet-stream bin;
    }
    default_type application/octet-stream;

    # \$request_completion is empty (not "-") for an unfinished request, which would leave an empty
    # field: map it to OK or -.
    map \$request_completion \$weft_completed {
        OK OK;
        default -;
    }
    log_format weft '\$connection \$connection_requests \$request_method \$request_uri \$status'
                    ' \$body_bytes_sent \$server_port \$ssl_protocol \$weft_completed';
    access_log $dir/access.log weft;

    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    sendfile on;
    keepalive_timeout 60s;
    keepalive_requests 10000;
    server_tokens off;

    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;

    server {
        listen 127.0.0.1:$http_port;
        server_name _;
        include $dir/locations.conf;
    }
    server {
        listen 127.0.0.1:$https_port ssl;
        server_name _;
        ssl_certificate $dir/server.pem;
        ssl_certificate_key $dir/server.key;
        include $dir/locations.conf;
    }
    server {
        listen 127.0.0.1:$wrong_port ssl;
        server_name _;
        ssl_certificate $dir/wrong.pem;
        ssl_certificate_key $dir/wrong.key;
        include $dir/locations.conf;
    }
}
CONF
}

# Run as root, nginx's master switches its workers to another user, who must be able to read the
# docroot. nobody:nogroup (Debian's) is enough when the state dir's parents are searchable by all,
# as /tmp is; with a private TMPDIR the workers would answer 403, so they stay root there instead.
worker_user_line() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "# not root: the workers run as the user who started nginx"
  elif runuser -u nobody -- test -r "$state_dir/www/1b.bin" 2>/dev/null; then
    echo "user nobody nogroup;"
  else
    say "the user nobody cannot read $state_dir/www: nginx's workers run as root"
    echo "user root root;"
  fi
}

# Sends a GET to 127.0.0.1:$1 and prints the response's status line ("" if none).
status_line() {
  local line
  line=$(
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 0
    printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
    head -n 1 <&3
  ) 2>/dev/null || true
  echo "${line%$'\r'}"
}

start() {
  if is_running; then
    say "already running on 127.0.0.1:$WEFT_NGINX_HTTP_PORT (http), $WEFT_NGINX_HTTPS_PORT (https)," \
      "$WEFT_NGINX_HTTPS_WRONG_HOST_PORT (https, wrong host) ($state_dir)"
    return 0
  fi
  ensure_nginx
  stop 2>/dev/null # a server of an earlier run that no longer answers: stop it before reusing its place
  mkdir -p "$state_dir/tmp"
  chmod 755 "$state_dir" # the workers read www/ and ssi/ (see worker_user_line)
  if ! make_certificates "$state_dir"; then
    say "openssl could not make the test certificates:"
    tail -n 20 "$state_dir/openssl.log" >&2
    return 1
  fi
  make_docroot "$state_dir/www" "$state_dir/ssi"
  local user_line attempt http_port https_port wrong_port i
  user_line=$(worker_user_line)
  for attempt in 1 2 3 4 5; do
    http_port=$(free_port)
    https_port=$(free_port)
    wrong_port=$(free_port)
    if [ "$http_port" = "$https_port" ] || [ "$http_port" = "$wrong_port" ] || [ "$https_port" = "$wrong_port" ]; then
      continue
    fi
    write_config "$user_line" "$http_port" "$https_port" "$wrong_port"
    # -e: the error log before the config is read (default /var/log/nginx/error.log, root's)
    if ! "$nginx_bin" -p "$state_dir" -c "$state_dir/nginx.conf" -e "$state_dir/error.log" \
        2>>"$state_dir/start.log"; then
      say "could not start on ports $http_port, $https_port, $wrong_port (attempt $attempt), trying others"
      continue
    fi
    for i in $(seq 1 100); do # up to ~10 s for all three listeners
      if port_in_use "$http_port" && port_in_use "$https_port" && port_in_use "$wrong_port"; then
        break
      fi
      sleep 0.1
    done
    if ! { port_in_use "$http_port" && port_in_use "$https_port" && port_in_use "$wrong_port"; }; then
      say "nginx started but its ports $http_port, $https_port, $wrong_port do not all accept connections"
      break
    fi
    local answer
    answer=$(status_line "$http_port" /static/1b.bin)
    if [[ "$answer" != "HTTP/1.1 200"* ]]; then
      say "nginx answers GET /static/1b.bin with '${answer:-nothing}', not 200"
      break
    fi
    cat >"$env_file" <<ENV
WEFT_NGINX_HTTP_PORT='$http_port'
WEFT_NGINX_HTTPS_PORT='$https_port'
WEFT_NGINX_HTTPS_WRONG_HOST_PORT='$wrong_port'
WEFT_NGINX_DIR='$state_dir'
WEFT_NGINX_DOCROOT='$state_dir/www'
WEFT_NGINX_CA='$state_dir/ca.pem'
WEFT_NGINX_ACCESS_LOG='$state_dir/access.log'
ENV
    say "started nginx $("$nginx_bin" -v 2>&1 | sed 's|.*nginx/||') on 127.0.0.1:$http_port (http)," \
      "$https_port (https), $wrong_port (https, wrong host) ($state_dir)"
    return 0
  done
  say "nginx did not start; its messages:"
  tail -n 20 "$state_dir/start.log" "$state_dir/error.log" >&2 2>/dev/null || true
  stop 2>/dev/null || true
  return 1
}

stop() {
  local pid child children i
  if [ -f "$pid_file" ] && pid=$(cat "$pid_file") && kill -0 "$pid" 2>/dev/null; then
    children=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
    # TERM (fast shutdown), not QUIT: a graceful one waits for downloads in progress, /slow/ ones too
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "nginx (pid $pid) did not stop within 10 s: killing it and its workers"
      for child in $pid $children; do kill -KILL "$child" 2>/dev/null || true; done
    fi
    say "stopped nginx (pid $pid)"
  fi
  rm -rf "$state_dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env)
    is_running || { say "no server running for this checkout: run scripts/nginx.sh start"; exit 1; }
    echo "export WEFT_NGINX_HTTP_PORT='$WEFT_NGINX_HTTP_PORT' WEFT_NGINX_HTTPS_PORT='$WEFT_NGINX_HTTPS_PORT'" \
      "WEFT_NGINX_HTTPS_WRONG_HOST_PORT='$WEFT_NGINX_HTTPS_WRONG_HOST_PORT' WEFT_NGINX_DIR='$WEFT_NGINX_DIR'" \
      "WEFT_NGINX_DOCROOT='$WEFT_NGINX_DOCROOT' WEFT_NGINX_CA='$WEFT_NGINX_CA'" \
      "WEFT_NGINX_ACCESS_LOG='$WEFT_NGINX_ACCESS_LOG'"
    ;;
  status)
    if is_running; then echo "$state_dir"; else exit 1; fi
    ;;
  install) ensure_nginx ;;
  *)
    echo "usage: $0 start|stop|env|status|install" >&2
    exit 2
    ;;
esac
