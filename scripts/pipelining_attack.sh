#!/usr/bin/env bash
# The pipelining attack (issue 23): normal keep-alive HTTP clients measured
# window by window while N connections pipeline `GET /` as fast as the
# server takes them, never read an answer, and reconnect every --rotate (or
# once their sends stall), so the server's buffers fill again and again.
# For each attack size the server under test is started afresh, pinned to
# core 0; `socketserver bench` runs pinned to core 1. Prints the uptime load
# before each run and bench's report (its per-window table and the fresh
# client's line). Run it under `flock /tmp/bench.lock` when others benchmark
# too.
#
#   scripts/pipelining_attack.sh [ATTACKERS...]        default: 0 200 1000
#
# Environment (all optional):
#   SERVER_BIN  the socketserver binary serving (default: the one built
#               here), so an old and a new build can be compared
#   BENCH_BIN   the socketserver binary running bench (default: the one
#               built here; it needs `bench --pipeline-flood`)
#   DURATION    measured time of each run (default 40s)
#   WINDOWS     reporting window (default 4s)
#   ROTATE      life of a flooding connection (default 2s)
#   STALL       a flooding connection whose sends are blocked this long
#               reconnects early (default 1s; as long as ROTATE for an
#               attacker that only rotates)
#   CONNS       normal keep-alive clients (default 50)
#   WORKERS     the server's --workers (default 4)
#   MAX_CONNECTIONS  the server's [limits] max_connections (default 5000,
#               so that 1000 attackers and the normal and fresh clients
#               are all admitted: the default 1024 would refuse some, and
#               the figures would measure the limit, not fairness)
#   TIMEOUT     bench --timeout: a normal request unanswered this long is
#               an error and its client reconnects (default 5s)
#   NGINX=1     also run nginx (one worker, pinned to core 0, serving a tiny
#               file) through the same runs, for reference; installs
#               nginx-light with apt-get when missing (as root)
#   NGINX_KEEPALIVE_REQUESTS  nginx's keepalive_requests (default 1000, its
#               stock value: it closes a connection after that many
#               requests, a per-connection budget of its own; 1000000 for
#               none)
#   NO_BUILD=1  skip `cargo build --release -p socketserver-cli -p
#               socketserver-bench` (`bench` runs the socketserver-bench
#               binary beside the socketserver one)
#
# A quick run: DURATION=4s WINDOWS=1s scripts/pipelining_attack.sh 0 200
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-40s}
windows=${WINDOWS:-4s}
rotate=${ROTATE:-2s}
stall=${STALL:-1s}
conns=${CONNS:-50}
workers=${WORKERS:-4}
max_connections=${MAX_CONNECTIONS:-5000}
timeout=${TIMEOUT:-5s}
attacks=("$@")
[ ${#attacks[@]} -gt 0 ] || attacks=(0 200 1000)

if [ "${NO_BUILD:-0}" != 1 ]; then
  cargo build --release -q -p socketserver-cli -p socketserver-bench
fi
built="${CARGO_TARGET_DIR:-target}/release/socketserver"
server_bin=${SERVER_BIN:-$built}
bench_bin=${BENCH_BIN:-$built}
for bin in "$server_bin" "$bench_bin"; do
  [ -x "$bin" ] || { echo "pipelining_attack.sh: no executable $bin" >&2; exit 1; }
done
command -v taskset >/dev/null || { echo "pipelining_attack.sh: taskset (util-linux) is needed" >&2; exit 1; }

# Every connection is a file on each side: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)"
echo "open files: $(ulimit -n); server: $server_bin; bench: $bench_bin"

work=$(mktemp -d /tmp/pipelining-attack.XXXXXX)
server_pid=
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT

# Polls (bounded) until something listens on HOST:PORT.
wait_listening() {
  local host=${1%:*} port=${1##*:}
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "pipelining_attack.sh: nothing listens on $1" >&2
  return 1
}

# Starts `serve http` pinned to core 0; sets `addr` to the address it bound.
# (Not run in a subshell, so that `server_pid` is this shell's.)
start_socketserver() {
  : >"$work/serve.log"
  printf 'handler = "http"\nconcurrency = "pool"\nworkers = %s\naccess_log = false\n[limits]\nmax_connections = %s\n' \
    "$workers" "$max_connections" >"$work/serve.toml"
  taskset -c 0 "$server_bin" serve --config "$work/serve.toml" --bind 127.0.0.1:0 \
    >"$work/serve.log" 2>&1 &
  server_pid=$!
  addr=
  for _ in $(seq 1 200); do
    addr=$(grep -o 'bound=[^ ]*' "$work/serve.log" | head -n1 | cut -d= -f2 || true)
    [ -n "$addr" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$addr" ]; then
    echo "pipelining_attack.sh: the server logged no bound= address:" >&2
    cat "$work/serve.log" >&2
    return 1
  fi
  wait_listening "$addr"
}

# Starts nginx (one worker, pinned to core 0) serving a tiny file; sets
# `addr` to its address.
start_nginx() {
  local port=${NGINX_PORT:-18190}
  mkdir -p "$work/root" "$work/tmp"
  chmod 755 "$work" "$work/root"
  printf 'Hello, world!\n' >"$work/root/index.html"
  chmod 644 "$work/root/index.html"
  cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
worker_rlimit_nofile 20000;
events { worker_connections 8192; }
http {
    access_log off;
    keepalive_requests ${NGINX_KEEPALIVE_REQUESTS:-1000};
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    server { listen 127.0.0.1:$port; root $work/root; }
}
CONF
  taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.out" 2>&1 &
  server_pid=$!
  addr="127.0.0.1:$port"
  wait_listening "$addr"
}

# One measured run against ADDR with N attackers.
run_bench() {
  local name=$1 addr=$2 attackers=$3
  local flood=()
  [ "$attackers" -gt 0 ] && flood=(--pipeline-flood "$attackers" --rotate "$rotate" --stall "$stall")
  echo
  echo "=== $name: $conns clients, $attackers pipelining attackers, $duration (load before: $(uptime | sed 's/.*load average: //'))"
  local args=(bench --mode http --addr "$addr" --conns "$conns" --duration "$duration" --windows "$windows"
    --timeout "$timeout" --quiet "${flood[@]}")
  echo "+ taskset -c 1 $bench_bin ${args[*]}"
  # bench exits 1 when no normal answer came back at all: a result here.
  taskset -c 1 "$bench_bin" "${args[@]}" || echo "(bench exited $?)"
}

for attackers in "${attacks[@]}"; do
  start_socketserver
  run_bench "socketserver serve http --workers $workers" "$addr" "$attackers"
  stop_server
done

if [ "${NGINX:-0}" = 1 ]; then
  if ! command -v nginx >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y -q nginx-light >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q nginx-light >/dev/null; }
    else
      echo "pipelining_attack.sh: nginx is not installed (apt-get install nginx-light, as root)" >&2
      exit 1
    fi
  fi
  for attackers in "${attacks[@]}"; do
    start_nginx
    run_bench "nginx (1 worker, keepalive_requests ${NGINX_KEEPALIVE_REQUESTS:-1000})" "$addr" "$attackers"
    stop_server
  done
fi
