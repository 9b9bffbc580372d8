#!/usr/bin/env bash
# examples/memcached.rs against memcached -t 1, both pinned to CPU 0,
# memcslap (Debian libmemcached-tools) pinned to CPU 1, in alternating
# rounds. Prints each run and the median ratio (ours / memcached) for
# `set` and `get`.
#
#   scripts/memcached_bench.sh [ROUNDS]   (default 3)
#   CONCURRENCY=16 EXECUTE=20000 NO_BUILD=1 scripts/memcached_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
concurrency=${CONCURRENCY:-16}
execute=${EXECUTE:-20000}
for tool in memcached memcslap taskset; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install memcached libmemcached-tools util-linux)"; exit 1; }
done
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet --example memcached
ours=target/release/examples/memcached

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits (at most 10 s) for a server to accept on $1.
ready() {
  for _ in $(seq 100); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.1)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server on port $1 did not come up"; return 1
}

# ops/s of memcslap test $2 against port $1.
rate() {
  taskset -c 1 memcslap -s "127.0.0.1:$1" -t "$2" -c "$concurrency" -e "$execute" 2>&1 \
    | awk -v t="$2" '$0 ~ "Time to "t" " { print int($4 / $(NF-1)) }'
}

# Starts server $1 on a fresh port, runs set then get, stops it.
run() {
  local p pid
  p=$(port)
  if [ "$1" = memcached ]; then
    taskset -c 0 memcached -t 1 -p "$p" -U 0 -u "$(id -un)" -m 256 & pid=$!
  else
    taskset -c 0 "$ours" --bind "127.0.0.1:$p" >/dev/null & pid=$!
  fi
  ready "$p"
  local set get
  set=$(rate "$p" set); get=$(rate "$p" get)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$1 set $set get $get"
}

results=$(mktemp)
for round in $(seq "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="memcached ours"; else order="ours memcached"; fi
  for server in $order; do run "$server" | tee -a "$results"; done
done
python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, _, s, _, g = line.split()
    runs.setdefault(name, []).append((int(s), int(g)))
for i, test in enumerate(["set", "get"]):
    ratios = [o[i] / m[i] for o, m in zip(runs["ours"], runs["memcached"])]
    print(f"{test}: ours/memcached median {statistics.median(ratios):.2f}x (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
PY
rm -f "$results"
