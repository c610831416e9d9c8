#!/usr/bin/env bash
# Property-based API testing with Schemathesis against the server's own /openapi.json, on SQLite
# and (when FAIRDRAW_TEST_POSTGRES_URL is set) on PostgreSQL: zero 5xx and zero responses that
# break their documented schema. Bounded: a fixed number of examples per operation and a time cap
# per run, so it fits in CI.
#   scripts/api-fuzz.sh [examples-per-operation] [seconds-per-run]
# One worker: schemathesis 4.32 on Python 3.11 can fail inside `ast.parse` with several threads
# ("AST constructor recursion depth mismatch"), an error of the tool, not of the server.
# Needs the debug `fairdraw` binary (`cargo build --workspace` builds it) and `st` (schemathesis
# from PyPI; .ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-12}"
seconds="${2:-240}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fairdraw-target}"
bin="$CARGO_TARGET_DIR/debug/fairdraw"
st="$(command -v st || echo "$HOME/.local/bin/st")"
[[ -x "$bin" ]] || { echo "no $bin: build first (cargo build --workspace)" >&2; exit 2; }
[[ -x "$st" ]] || { echo "schemathesis is not installed (python3 -m pip install --user schemathesis)" >&2; exit 2; }

checks="not_a_server_error,response_schema_conformance,content_type_conformance"
failed=0

# One backend: a fresh database, an account, a server, then the runs. $1 label, $2 database URL
# ("" for SQLite in the data directory).
fuzz() {
  local label="$1" url="$2" dir port pid acct key public
  dir=$(mktemp -d)
  port=$((20000 + RANDOM % 20000))
  export FAIRDRAW_DATA_DIR="$dir" FAIRDRAW_BIND="127.0.0.1:$port" RUST_LOG="warn"
  if [[ -n "$url" ]]; then export FAIRDRAW_DATABASE_URL="$url"; else unset FAIRDRAW_DATABASE_URL; fi
  acct=$("$bin" accounts create --email "fuzz-$label@example.com" --brand Fuzz \
    --rpm 100000000 --rpd 1000000000 --burst 10000000 --json)
  key=$(echo "$acct" | sed -E 's/.*"api_key":"([^"]+)".*/\1/')
  public=$(echo "$acct" | sed -E 's/.*"public_key":"([^"]+)".*/\1/')
  "$bin" serve >"$dir/out.log" 2>"$dir/err.log" &
  pid=$!
  for _ in $(seq 1 200); do grep -q "listening" "$dir/out.log" 2>/dev/null && break; sleep 0.1; done
  local base="http://127.0.0.1:$port"
  # /v2, /v1 and the public routes with the secret key; /external with both of its keys.
  local common=(--checks "$checks" --max-examples "$examples" --max-time "$seconds" --workers 1
    --request-timeout 20 --suppress-health-check all --warnings off --max-failures 50)
  echo "== schemathesis on $label: /v2, /v1 and the public routes"
  "$st" run "$base/openapi.json" "${common[@]}" -H "Authorization: Bearer $key" \
    --exclude-path-regex '^/external/giveaway' || failed=1
  echo "== schemathesis on $label: /external"
  "$st" run "$base/openapi.json" "${common[@]}" -H "Authorization: Bearer $key" -H "x-api-key: $public" \
    --include-path-regex '^/external/giveaway' || failed=1
  kill -TERM "$pid"; wait "$pid" || true
  if grep -q "panicked" "$dir/err.log"; then
    echo "the server panicked on $label:" >&2
    grep -A3 "panicked" "$dir/err.log" >&2
    failed=1
  fi
  rm -rf "$dir"
}

fuzz sqlite ""
if [[ -n "${FAIRDRAW_TEST_POSTGRES_URL:-}" ]]; then
  db="fairdraw_fuzz_$$"
  admin="${FAIRDRAW_TEST_POSTGRES_URL%/}"
  psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
  fuzz postgres "${admin%/*}/$db"
  psql "$admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null || true
fi
exit "$failed"
