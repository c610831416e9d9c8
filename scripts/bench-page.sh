#!/usr/bin/env bash
# The hosted giveaway page under load on SQLite, beside a bare handler in the same run, and its
# weight (see docs/BENCHMARKS.md).
#   scripts/bench-page.sh [concurrency] [seconds]
# Starts a release server on a fresh SQLite database, creates a live giveaway with entry
# methods, prizes, rewards and a leaderboard through /v2, then drives GET /healthz (the bare
# baseline) and GET /view/{id}-{slug} with crates/bench's page-load over loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency="${1:-64}"
seconds="${2:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fairdraw-target}"
[[ -n "${SKIP_BUILD:-}" ]] || cargo build --release -q -p fairdraw -p fairdraw-bench
bin="$CARGO_TARGET_DIR/release"
port=18182
dir=$(mktemp -d)
RUST_LOG=warn FAIRDRAW_DATA_DIR="$dir" FAIRDRAW_BIND="127.0.0.1:$port" \
  FAIRDRAW_PUBLIC_IP_RPM=0 FAIRDRAW_PUBLIC_GIVEAWAY_RPS=0 \
  "$bin/fairdraw" serve >"$dir/out.log" 2>"$dir/err.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do grep -q "listening" "$dir/out.log" 2>/dev/null && break; sleep 0.1; done
key=$(awk '/secret API key/ {print $NF}' "$dir/out.log")
api="http://127.0.0.1:$port"
auth=(-H "Authorization: Bearer $key" -H "Content-Type: application/json")
id=$(curl -s "${auth[@]}" -X POST "$api/v2/giveaways" -d '{
  "title": "Benchmark Giveaway", "description": "A page with everything on it.\n\nTwo paragraphs.",
  "rules": "No purchase necessary.", "start_time": "2020-01-01 00:00:00", "end_time": "2099-12-31 23:59:59",
  "time_zone": "UTC", "is_draft": false, "settings": { "if_leaderboard": true } }' | sed -E 's/.*"id":([0-9]+).*/\1/')
curl -s "${auth[@]}" -X POST "$api/v2/giveaways/$id/entry-methods" -d '{"entry_method": 7, "entry_amount": 3, "entry_link": "https://example.com"}' >/dev/null
curl -s "${auth[@]}" -X POST "$api/v2/giveaways/$id/entry-methods" -d '{"entry_method": 9, "entry_amount": 2, "entry_title": "Favourite colour?", "daily": true}' >/dev/null
curl -s "${auth[@]}" -X POST "$api/v2/giveaways/$id/entry-methods" -d '{"entry_method": 5, "entry_amount": 5}' >/dev/null
curl -s "${auth[@]}" -X POST "$api/v2/giveaways/$id/prizes" -d '{"prize_name": "A bicycle", "prize_value": "500", "prize_winners_allowed": 1}' >/dev/null
curl -s "${auth[@]}" -X POST "$api/v2/giveaways/$id/rewards" -d '{"type": 2, "title": "10% coupon", "entries_required": 5, "coupon_code": "SAVE10"}' >/dev/null
for i in $(seq 1 20); do
  curl -s -X POST "$api/api/public/giveaways/$id/entries" -H "Content-Type: application/json" \
    -d "{\"name\": \"Person $i\", \"email\": \"p$i@bench.example\", \"consent\": true}" >/dev/null
done
view=$(curl -s "${auth[@]}" "$api/v2/giveaways/$id" | sed -E 's/.*"view_url":"[^"]*(\/view\/[^"]+)".*/\1/')
echo "page: $view"
# Page weight: the HTML and every asset it loads, each gzip-compressed as a proxy or CDN would.
html=$(curl -s "$api$view")
css=$(printf '%s' "$html" | grep -o '/view/[0-9]*/design.css?v=[0-9]*' | head -1)
total=0
for path in "$view" /view-assets/page.css /view-assets/page.js "$css"; do
  raw=$(curl -s "$api$path" | wc -c)
  gz=$(curl -s "$api$path" | gzip -9 | wc -c)
  echo "weight $path raw=${raw}B gzip=${gz}B"
  total=$((total + gz))
done
echo "weight total gzip=${total}B"
"$bin/page-load" --url "$api" --concurrency "$concurrency" --seconds "$seconds" /healthz "$view"
