#!/usr/bin/env bash
# Throughput of builds that differ only in their allocator (issue 18):
# each LABEL=BINARY[:ENV] serves, pinned to core 0, `serve address-book`
# (line mode) and `serve http` (http mode) while `socketserver bench`,
# pinned to core 1, drives 50 connections for DURATION; ROUNDS rounds,
# the builds alternated within each round. Prints one line per run:
# `LABEL MODE ROUND req/s`. Run it under `flock /tmp/bench.lock`.
#
#   scripts/allocator_compare.sh glibc=target/release/socketserver \
#       mimalloc=/tmp/ss-mimalloc 'jemalloc=/tmp/ss-jemalloc:_RJEM_MALLOC_CONF=background_thread:true'
#
# Environment: ROUNDS (3), DURATION (5s), BENCH_BIN (target/release/socketserver,
# whose `bench` runs the socketserver-bench beside it: `cargo build --release`
# builds both).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
duration=${DURATION:-5s}
bench=${BENCH_BIN:-target/release/socketserver}
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# One run: LABEL BINARY ENV HANDLER MODE.
one() {
  local label=$1 bin=$2 env=$3 handler=$4 mode=$5 addr
  env $env taskset -c 0 "$bin" serve "$handler" --bind 127.0.0.1:0 --no-access-log >"$work/log" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -q "bound=" "$work/log" && break; sleep 0.1; done
  addr=$(grep -o 'bound=[^ ]*' "$work/log" | cut -d= -f2)
  local rate
  rate=$(taskset -c 1 "$bench" bench --addr "$addr" --mode "$mode" --conns 50 --duration "$duration" \
    --warmup 1s --json 2>/dev/null | grep -o '"req_per_s": *[0-9.]*' | grep -o '[0-9.]*$')
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
  echo "$label $mode $round ${rate:-?}"
}

for round in $(seq "$rounds"); do
  for spec in "$@"; do
    label=${spec%%=*}
    rest=${spec#*=}
    bin=${rest%%:*}
    env=
    [ "$rest" != "$bin" ] && env=${rest#*:}
    one "$label" "$bin" "$env" address-book line
    one "$label" "$bin" "$env" http http
  done
done
