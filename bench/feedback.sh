#!/usr/bin/env bash
# Durable feedback ingestion (issue 28, point 9): how many feedback items a second Cairn records on
# SQLite with the audit log in `sync` durability (each POST answered only once its entries are
# committed and the log's file forced to disk).
#
#   bench/feedback.sh            (after `./mvnw -DskipTests package`; SKIP_BUILD=1 is implied)
#
# Starts Cairn on :9185 with a fresh data dir and one float metric, makes one chat request through
# the built-in cairn/echo model, then POSTs feedback on it in closed loops: batches of BATCH items
# (default 100) at 8 connections, and single items at each of SINGLE_CONNECTIONS (default 16 and
# 64: a gateway's clients are many, and a closed loop of 16 measures their latency as much as
# Cairn's rate); WARMUP s unmeasured, then WINDOW s measured. Prints requests/s, feedback/s and
# p50/p99 of each loop.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/lib.sh"

PORT=${PORT:-9185}
BATCH=${BATCH:-100}
WARMUP=${WARMUP:-10}
WINDOW=${WINDOW:-20}
SINGLE_CONNECTIONS=${SINGLE_CONNECTIONS:-16 64}
bench_workdir feedback

cat > "$work/cairn.yaml" <<YAML
cairn:
  audit:
    durability: sync
  feedback:
    metrics:
      score: { type: float, min: 0, max: 1 }
YAML
key="$(create_bench_key "$work/data" /dev/null)"
start_cairn "$PORT" "$work/data" "$work/cairn.yaml" "$work/cairn.log"
wait_until_up "http://127.0.0.1:$PORT/health/ready" "$cairn_pid" "$work/cairn.log"

request_id=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/v1/chat/completions" -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' -d '{"model":"cairn/echo","messages":[{"role":"user","content":"Rate me"}]}' \
  | tr -d '\r' | awk -F': ' 'tolower($1)=="cairn-request-id"{print $2}')
[ -n "$request_id" ] || { echo "no request id from the chat request" >&2; exit 1; }

python3 - "$request_id" "$BATCH" "$work" <<'PY'
import json, sys
rid, batch, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
item = lambda i: {"request_id": rid, "metric": "score", "value": (i % 10) / 10}
json.dump({"feedback": [item(i) for i in range(batch)]}, open(f"{work}/batch.json", "w"))
json.dump(item(3), open(f"{work}/single.json", "w"))
PY

run() {   # NAME BODY CONNECTIONS ITEMS_PER_REQUEST
  "${load_generator[@]}" closed --connections "$3" --url "http://127.0.0.1:$PORT/v1/feedback" \
    --warmup "$WARMUP" --duration "$WINDOW" --body "$work/$2" --header "Authorization: Bearer $key" \
    > "$work/$1.out" 2>> "$work/load.log"
  local line; line=$(grep '^{"mode"' "$work/$1.out" | tail -n 1)
  [ "$(jq .requests_failed <<< "$line")" = 0 ] || { echo "$1: requests failed; see Cairn's log" >&2; tail -n 20 "$work/cairn.log" >&2; exit 1; }
  local rps; rps=$(jq .throughput_rps <<< "$line")
  printf '%s connections=%s items_per_request=%s requests_per_s=%.1f feedback_per_s=%.0f p50_ms=%s p99_ms=%s\n' \
    "$1" "$3" "$4" "$rps" "$(echo "$rps * $4" | bc -l)" "$(jq .latency_ms.p50 <<< "$line")" "$(jq .latency_ms.p99 <<< "$line")"
}
run batches batch.json 8 "$BATCH"
for connections in $SINGLE_CONNECTIONS; do
  run singles single.json "$connections" 1
done
