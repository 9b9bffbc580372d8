#!/usr/bin/env bash
# Compares every bundled concurrency strategy with the reference server
# (benches/reference_echo.rs): builds in release mode, starts each server
# on 127.0.0.1:0, drives it with the same loads, prints one table and
# writes docs/benchmarks.md and docs/benchmarks.svg.
#
#   scripts/benchmark.sh                      # every scenario, 5 s each
#   scripts/benchmark.sh --duration 2s --only echo-64,per-request
#
# Extra arguments go to `socketserver bench suite` (see its --help).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --bin socketserver
reference=$(cargo bench --no-run --bench reference_echo --message-format=json \
  | grep '"name":"reference_echo"' | grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | tail -n 1)
if [ ! -x "$reference" ]; then
  echo "benchmark.sh: cargo bench --no-run did not report the reference_echo binary" >&2
  exit 1
fi

# The idle scenario holds thousands of connections on each side; the
# suite raises its own soft limit too, and its servers inherit it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec target/release/socketserver bench suite \
  --reference "$reference" --out docs --results target/benchmarks.json "$@"
