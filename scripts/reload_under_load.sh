#!/usr/bin/env bash
# Reloads and restarts under keep-alive load (issue 18): wrk -c CONNS runs
# for DURATION against the server while it is reloaded RELOADS times, one
# every EVERY seconds; prints wrk's report, whose "Socket errors" and
# "Non-2xx" lines are the failed requests. Bounded: DURATION, then every
# server started here is stopped. Server on core 0, wrk on core 1; run it
# under `flock /tmp/bench.lock` when others benchmark too.
#
#   scripts/reload_under_load.sh [MODE...]     default: supervisor reuse-port
#
# Modes:
#   supervisor  serve http --processes 2; SIGHUP to the supervisor
#   reuse-port  serve http --reuse-port; a new one beside, SIGTERM the old
#   kill        serve http --processes 2; SIGKILL one child (it is restarted)
#   nginx       nginx (2 workers) serving a tiny file; nginx -s reload
#
# Environment: SERVER_BIN (default: target/release/socketserver), CONNS (50),
# RELOADS (5), EVERY (5), PORT (18200).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${SERVER_BIN:-target/release/socketserver}
conns=${CONNS:-50}
reloads=${RELOADS:-5}
every=${EVERY:-5}
port=${PORT:-18200}
duration=$((reloads * every + every))
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; [ -f "$work/nginx.pid" ] && kill -9 "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "reload_under_load.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

wait_listening() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $port" >&2
  return 1
}

# Starts `serve http` with ARGS on core 0, logging to $work/LOG; prints its pid.
serve() {
  local log=$1
  shift
  taskset -c 0 "$bin" serve http --bind "127.0.0.1:$port" --no-access-log "$@" >"$work/$log" 2>&1 &
  echo $!
}

# Waits until the log LOG says the server is bound.
wait_bound() {
  for _ in $(seq 100); do
    grep -q "bound=" "$work/$1" && return 0
    sleep 0.1
  done
  echo "the server of $1 did not bind" >&2
  return 1
}

nginx_conf() {
  mkdir -p "$work/root" "$work/tmp"
  chmod 755 "$work" "$work/root"
  printf 'Hello, world!\n' >"$work/root/index.html"
  cat >"$work/nginx.conf" <<CONF
worker_processes 2;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    server { listen 127.0.0.1:$port; root $work/root; }
}
CONF
}

run() {
  local mode=$1 pid
  echo
  echo "=== $mode: wrk -c$conns -d${duration}s, $reloads reloads every ${every}s (load before: $(uptime | sed 's/.*load average: //'))"
  case $mode in
    supervisor | kill) pid=$(serve supervisor.log --processes 2); pids+=("$pid") ;;
    reuse-port) pid=$(serve old.log --reuse-port); pids+=("$pid") ;;
    nginx) nginx_conf; taskset -c 0 nginx -c "$work/nginx.conf" -p "$work"; pid=$(cat "$work/nginx.pid") ;;
  esac
  wait_listening
  taskset -c 1 wrk -t1 -c"$conns" -d"${duration}s" "http://127.0.0.1:$port/" >"$work/wrk.txt" 2>&1 &
  local wrk=$!
  for n in $(seq "$reloads"); do
    sleep "$every"
    case $mode in
      supervisor) kill -HUP "$pid" ;;
      kill) kill -KILL "$(pgrep -P "$pid" -n)" ;;
      reuse-port)
        local new
        new=$(serve "new$n.log" --reuse-port)
        pids+=("$new")
        wait_bound "new$n.log"
        kill -TERM "$pid"
        pid=$new
        ;;
      nginx) nginx -c "$work/nginx.conf" -p "$work" -s reload ;;
    esac
    echo "reload $n at $(date +%T)"
  done
  wait "$wrk" || true
  cat "$work/wrk.txt"
  case $mode in
    nginx) nginx -c "$work/nginx.conf" -p "$work" -s stop ;;
    *) kill -TERM "$pid"; wait "$pid" 2>/dev/null || true ;;
  esac
  sleep 1
}

modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(supervisor reuse-port)
for mode in "${modes[@]}"; do run "$mode"; done
