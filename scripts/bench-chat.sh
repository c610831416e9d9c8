#!/usr/bin/env bash
# Chat-giveaway joins through /external under load on SQLite, then the draw and winner-list POST
# after endTime (see docs/BENCHMARKS.md).
#   scripts/bench-chat.sh [participants] [concurrency] [join-seconds]
# Starts a release server on a fresh SQLite database, creates an account with limits out of the
# way, and runs crates/bench's chat-load (baseline GET /healthz first, same clients).
set -euo pipefail
cd "$(dirname "$0")/.."
participants="${1:-1000000}"
concurrency="${2:-64}"
join_seconds="${3:-300}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fairdraw-target}"
[[ -n "${SKIP_BUILD:-}" ]] || cargo build --release -q -p fairdraw -p fairdraw-bench
bin="$CARGO_TARGET_DIR/release"
port=18182
dir=$(mktemp -d)
export FAIRDRAW_DATA_DIR="$dir" RUST_LOG="${RUST_LOG:-warn,fairdraw_server::engine::chat_giveaways=info}" FAIRDRAW_BIND="127.0.0.1:$port" FAIRDRAW_WEBHOOK_ALLOW_PRIVATE=true
acct=$("$bin/fairdraw" accounts create --email bench@example.com --brand Bench --rpm 100000000 --rpd 1000000000 --burst 10000000 --json)
key=$(echo "$acct" | sed -E 's/.*"api_key":"([^"]+)".*/\1/')
public=$(echo "$acct" | sed -E 's/.*"public_key":"([^"]+)".*/\1/')
"$bin/fairdraw" serve >"$dir/out.log" 2>"$dir/err.log" &
pid=$!
for _ in $(seq 1 100); do grep -q "listening" "$dir/out.log" 2>/dev/null && break; sleep 0.1; done
"$bin/chat-load" --url "http://127.0.0.1:$port" --public "$public" --key "$key" --concurrency "$concurrency" \
  --participants "$participants" --join-seconds "$join_seconds" --label sqlite || status=$?
kill -TERM "$pid"; wait "$pid" || true
# The server's own account of the draw: load, draw and store times.
grep -h "chat giveaway drawn" "$dir/out.log" "$dir/err.log" || true
rm -rf "$dir"
exit "${status:-0}"
