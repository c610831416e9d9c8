#!/usr/bin/env bash
# The product against the limit of this machine, measured in one run (docs/BENCHMARKS.md,
# "Against the limit"): the entry endpoint against a bare axum handler (bench-entries.sh drives
# both), against a bare insert loop of the same rows with the same durability, and the pool hash
# against plain SHA-256 over the same messages.
#   scripts/bench-limits.sh [concurrency] [seconds] [insert-rows]
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency="${1:-64}"
seconds="${2:-10}"
rows="${3:-200000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fairdraw-target}"
[[ -n "${SKIP_BUILD:-}" ]] || cargo build --release -q -p fairdraw -p fairdraw-bench
bin="$CARGO_TARGET_DIR/release"
SKIP_BUILD=1 scripts/bench-entries.sh both "$concurrency" "$seconds"
dir=$(mktemp -d)
"$bin/limits" insert --database-url "sqlite://$dir/bare.db" --rows "$rows" --batch "$concurrency"
db="fairdraw_limits_$$"
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db"
"$bin/limits" insert --database-url "postgres://postgres@127.0.0.1:5432/$db?sslmode=disable" --rows "$((rows / 4))" \
  --batch "$concurrency" || true
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db WITH (FORCE)"
rm -rf "$dir"
"$bin/limits" sha256 --leaves 1000000
