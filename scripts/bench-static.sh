#!/usr/bin/env bash
# Static files against nginx (`sendfile on`, one worker): a 1 KiB and a
# 1 MiB file over keep-alive connections, server pinned to core 0, wrk to
# core 1, one server at a time. Prints wrk's requests per second and the
# ratio. Run it under `flock /tmp/bench.lock` when others benchmark too.
#
#   scripts/bench-static.sh [SECONDS] [CONNECTIONS] [ROUNDS] [-- extra serve flags]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
conns=${2:-50}
rounds=${3:-5}
shift $(( $# > 3 ? 3 : $# )) || true
[ "${1:-}" = "--" ] && shift
extra=("$@")
command -v wrk >/dev/null || { echo "bench-static.sh: wrk is not installed" >&2; exit 1; }
command -v nginx >/dev/null || { echo "bench-static.sh: nginx is not installed" >&2; exit 1; }
cargo build --release -q -p socketserver-cli
work=$(mktemp -d /tmp/bench-static.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/root" "$work/tmp"
# nginx's workers may run as another user (nobody) when started as root.
chmod 755 "$work" "$work/root"
head -c 1024 /dev/urandom >"$work/root/1k.bin"
head -c 1048576 /dev/urandom >"$work/root/1m.bin"
chmod 644 "$work/root/"*
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/error.log;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    server { listen 127.0.0.1:18181; root $work/root; }
}
CONF

# Polls until something listens on the port (bounded).
wait_port() {
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nothing listens on $1" >&2; exit 1
}

# Runs wrk against $1 and prints its requests per second; fails if any
# answer was not a success.
rate() {
  local out
  out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${seconds}s" "$1")
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then echo "bench-static.sh: errors from $1:" >&2; echo "$out" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}

taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" &
taskset -c 0 target/release/socketserver serve static --dir "$work/root" --bind 127.0.0.1:18182 \
  --log-level warn "${extra[@]}" &
wait_port 18181
wait_port 18182

# Rounds alternate the two servers, so each ratio compares runs made
# seconds apart (the machine's load drifts); the median ratio is kept.
printf '%-6s %-6s %12s %14s %7s\n' round file nginx socketserver ratio
for file in 1k 1m; do
  ratios=()
  for round in $(seq 1 "$rounds"); do
    n=$(rate "http://127.0.0.1:18181/$file.bin")
    o=$(rate "http://127.0.0.1:18182/$file.bin")
    r=$(echo "$o / $n" | bc -l)
    ratios+=("$r")
    printf '%-6s %-6s %12s %14s %7.2f\n' "$round" "$file" "$n" "$o" "$r"
  done
  median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  printf 'median ratio %s: %.2f\n' "$file" "$median"
done
