#!/usr/bin/env bash
# Compares every bundled concurrency strategy with what users would pick
# instead — a tokio echo server and a hyper hello server (bench-servers/,
# a workspace of its own that only this script builds), nginx when it is
# installed — and with the std reference server (benches/reference_echo.rs).
# Builds in release mode, pins every server to CPU 0 and the load
# generator to CPU 1, drives each server with the same loads, prints one
# table and writes docs/benchmarks.md and docs/benchmarks.svg; then
# scripts/benchmark_tls.sh compares TLS keep-alive and handshakes with
# nginx (printed; docs/benchmark-tls.md has a run's figures).
#
#   scripts/benchmark.sh                      # every scenario, 3 s each
#   scripts/benchmark.sh --duration 2s --only echo-64,http-hello
#
# Extra arguments go to `socketserver bench suite` (see its --help).
set -euo pipefail
cd "$(dirname "$0")/.."

# `socketserver bench` runs `socketserver-bench`, built beside it.
cargo build --release --bin socketserver --bin socketserver-bench
reference=$(cargo bench --no-run --bench reference_echo --message-format=json \
  | grep '"name":"reference_echo"' | grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | tail -n 1)
if [ ! -x "$reference" ]; then
  echo "benchmark.sh: cargo bench --no-run did not report the reference_echo binary" >&2
  exit 1
fi

# The comparison servers: never part of the library's dependencies.
cargo build --release --manifest-path bench-servers/Cargo.toml
compare=(--tokio-echo bench-servers/target/release/tokio-echo
         --hyper-hello bench-servers/target/release/hyper-hello)
if nginx=$(command -v nginx); then
  compare+=(--nginx "$nginx")
else
  echo "benchmark.sh: nginx is not installed; its column stays empty" >&2
fi

# One core for the server, the other for the load generator, so neither
# decides the other's result. On a single core, or without taskset, the
# two share the machine and the page says so.
pin=()
if command -v taskset >/dev/null && [ "$(nproc --all)" -ge 2 ]; then
  pin=(taskset -c 1)
  compare+=(--server-cpus 0)
else
  echo "benchmark.sh: not pinning (needs taskset and two cores)" >&2
fi

# The idle scenarios hold ten thousand connections on each side; the
# suite raises its own soft limit too, and its servers inherit it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

"${pin[@]}" target/release/socketserver bench suite \
  --reference "$reference" "${compare[@]}" --out docs --results target/benchmarks.json "$@"

# TLS against nginx, measured apart from the suite (wrk over https, the
# same certificate for both); docs/benchmark-tls.md keeps the figures.
scripts/benchmark_tls.sh
