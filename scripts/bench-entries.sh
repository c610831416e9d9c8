#!/usr/bin/env bash
# The public entry endpoint under load, on SQLite and on PostgreSQL (see docs/BENCHMARKS.md).
#   scripts/bench-entries.sh [sqlite|postgres|both] [concurrency] [seconds]
# Starts a release server on a fresh database, drives it with crates/bench's entry-load over
# loopback, and checks that every acknowledged entry was stored.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-both}"
concurrency="${2:-64}"
seconds="${3:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fairdraw-target}"
# SKIP_BUILD=1 reuses the release binaries already built (e.g. while others edit the tree).
[[ -n "${SKIP_BUILD:-}" ]] || cargo build --release -q -p fairdraw -p fairdraw-bench
bin="$CARGO_TARGET_DIR/release"
port=18181
# The limit, measured in the same run: a bare axum handler (crates/bench `limits bare`) driven by
# the same clients and bodies before each product run.
"$bin/limits" bare --bind 127.0.0.1:18190 >/dev/null &
bare_pid=$!
trap 'kill "$bare_pid" 2>/dev/null || true' EXIT
sleep 0.5

run() {
  local label=$1; shift
  local dir; dir=$(mktemp -d)
  # Logging every request would measure the terminal; the public limits must not refuse a
  # load test that comes from one IP (0 turns a limit off).
  env "$@" RUST_LOG=warn FAIRDRAW_DATA_DIR="$dir" FAIRDRAW_BIND="127.0.0.1:$port" \
    FAIRDRAW_PUBLIC_IP_RPM=0 FAIRDRAW_PUBLIC_GIVEAWAY_RPS=0 \
    "$bin/fairdraw" serve >"$dir/out.log" 2>"$dir/err.log" &
  local pid=$!
  for _ in $(seq 1 100); do grep -q "listening" "$dir/out.log" 2>/dev/null && break; sleep 0.1; done
  local key; key=$(awk '/secret API key/ {print $NF}' "$dir/out.log")
  "$bin/entry-load" --url "http://127.0.0.1:$port" --key "$key" --concurrency "$concurrency" \
    --seconds "$seconds" --label "$label" --baseline-url http://127.0.0.1:18190 || status=$?
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
  return "${status:-0}"
}

if [[ "$which" == sqlite || "$which" == both ]]; then
  run sqlite
fi
if [[ "$which" == postgres || "$which" == both ]]; then
  db="fairdraw_bench_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db"
  # The database is on this machine: TLS over loopback would only spend the cores the
  # benchmark shares (a database across a network keeps the default, sslmode=prefer).
  run postgres FAIRDRAW_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db?sslmode=disable" || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db WITH (FORCE)"
fi
