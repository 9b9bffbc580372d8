#!/usr/bin/env bash
# TLS against nginx, with the same certificate (ECDSA P-256, made here
# with openssl) and the same body: `serve http --tls-cert/--tls-key`
# pinned to CPU 0, nginx (one worker) pinned to CPU 0, the load generator
# pinned to CPU 1. Two loads, each run ROUNDS times alternating the two
# servers, medians and ratios printed:
#
#   keep-alive   wrk, 50 connections, HTTP/1.1 hello over TLS
#   handshakes   h2load --h1, CONNECTIONS (1000) new connections at once,
#                one request each: full TLS handshakes per second (h2load
#                offers no session to resume). wrk with `Connection: close`
#                was tried and dropped: it resumes its TLS session on each
#                reconnect, which rustls grants and nginx (no session
#                cache or tickets here) refuses, so the two did different
#                work; h2load with `Connection: close` does not reconnect.
#
#   scripts/benchmark_tls.sh                 # 5 s per round, 3 rounds
#   DURATION=10 ROUNDS=5 scripts/benchmark_tls.sh
#
# scripts/benchmark.sh runs it after the suite when wrk, h2load and nginx
# are installed; docs/benchmarks.md keeps the figures of a run.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-1000}
for tool in wrk h2load nginx openssl curl taskset python3; do
  command -v "$tool" >/dev/null || { echo "benchmark_tls.sh: $tool is not installed; skipped" >&2; exit 0; }
done
cargo build --release --bin socketserver >&2

dir=$(mktemp -d /tmp/socketserver-bench-tls.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  -addext basicConstraints=critical,CA:FALSE \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ours_port=$(free_port)
nginx_port=$(free_port)

mkdir -p "$dir/nginx"
cat > "$dir/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $dir/nginx/error.log warn;
pid $dir/nginx/nginx.pid;
worker_rlimit_nofile 65536;
events { worker_connections 30000; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/body; proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi; uwsgi_temp_path $dir/nginx/uwsgi; scgi_temp_path $dir/nginx/scgi;
  keepalive_requests 1000000000;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $dir/cert.pem;
    ssl_certificate_key $dir/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;
    ssl_session_tickets off;
    location / {
      default_type "text/plain; charset=utf-8";
      return 200 "Hello From Server at 2026-12-02 09:00:00.000000";
    }
  }
}
CONF

# Room for every handshake of a round at once.
printf '[limits]\nmax_connections = %d\n' $((CONNECTIONS * 2)) > "$dir/limits.toml"
taskset -c 0 target/release/socketserver serve http --bind "127.0.0.1:$ours_port" --workers "$WORKERS" \
  --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" --log-level warn --config "$dir/limits.toml" &
pids+=($!)
taskset -c 0 nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log" &
pids+=($!)
for port in "$ours_port" "$nginx_port"; do
  for _ in $(seq 100); do
    curl -sk -o /dev/null "https://127.0.0.1:$port/" && break
    sleep 0.1
  done
done

keepalive() {
  taskset -c 1 wrk -t1 -c50 -d"${DURATION}s" "https://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'
}
handshakes() {
  taskset -c 1 h2load --h1 -n "$CONNECTIONS" -c "$CONNECTIONS" "https://127.0.0.1:$1/" 2>/dev/null \
    | awk '/^finished in/ {print $4}'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "load: $(uptime | sed 's/.*load average/load average/')" >&2
for load in keepalive handshakes; do
  ours=(); theirs=()
  for round in $(seq "$ROUNDS"); do
    ours+=("$($load "$ours_port")")
    theirs+=("$($load "$nginx_port")")
  done
  o=$(printf '%s\n' "${ours[@]}" | median)
  n=$(printf '%s\n' "${theirs[@]}" | median)
  ratio=$(awk -v o="$o" -v n="$n" 'BEGIN {printf "%.2f", o / n}')
  echo "$load: socketserver ${ours[*]} (median $o) | nginx ${theirs[*]} (median $n) | ratio ${ratio}x"
done
echo "load: $(uptime | sed 's/.*load average/load average/')" >&2
