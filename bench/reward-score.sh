#!/usr/bin/env bash
# Reward scoring latency (issue 29, point 5): p50/p99 of POST /v1/rewards/score against a running
# Cairn, one pair per call and 16 pairs per call, and what that comes to per pair.
#
#   bench/reward-score.sh        (builds Cairn and the bench first unless SKIP_BUILD=1)
#
# Starts Cairn on :9186 with a fresh data dir, trains a small reward model through the API (a few
# preferences on the built-in cairn/echo model, non-private, 20 steps: how good it is does not change
# what scoring costs, which is all-MiniLM-L6-v2 embedding the texts and one dot product), then runs a
# closed loop at CONNECTIONS (default 1, so the figures are latencies, not queueing) for each body:
# WARMUP s unmeasured, WINDOW s measured. Each pair of the batch has its own prompt and answer (32
# texts to embed), since the scorer embeds each distinct text of a call once. Prints one line each.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/lib.sh"

PORT=${PORT:-9186}
CONNECTIONS=${CONNECTIONS:-1}
WARMUP=${WARMUP:-10}
WINDOW=${WINDOW:-30}
bench_workdir reward-score

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -DskipTests package >&2
fi

echo 'cairn: {}' > "$work/cairn.yaml"
key="$(create_bench_key "$work/data" /dev/null)"
start_cairn "$PORT" "$work/data" "$work/cairn.yaml" "$work/cairn.log"
wait_until_up "http://127.0.0.1:$PORT/health/ready" "$cairn_pid" "$work/cairn.log"
api() {   # METHOD PATH [BODY]
  curl -sf -X "$1" "http://127.0.0.1:$PORT$2" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' ${3:+-d "$3"}
}
await() {   # PATH STATE
  local state
  for _ in $(seq 1 600); do
    state=$(api GET "$1" | jq -r .state)
    [ "$state" = "$2" ] && return 0
    case "$state" in failed|cancelled) echo "$1 is $state" >&2; api GET "$1" >&2; exit 1 ;; esac
    sleep 0.5
  done
  echo "$1 never reached $2" >&2; exit 1
}

for i in $(seq 1 8); do
  id=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/v1/chat/completions" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' \
    -d "{\"model\":\"cairn/echo\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"Question $i: how do I keep a sourdough starter alive?\"}]}" \
    | tr -d '\r' | awk -F': ' 'tolower($1)=="cairn-request-id"{print $2}')
  api POST /v1/feedback "{\"request_id\":\"$id\",\"chosen_choice\":0,\"rejected_choice\":1}" > /dev/null
done
dataset=$(api POST /v1/datasets '{"filter":{}}' | jq -r .id)
await "/v1/datasets/$dataset" built
run=$(api POST /v1/training/runs "{\"dataset_id\":\"$dataset\",\"model\":\"bench-rm\",\"steps\":20}" | jq -r .id)
await "/v1/training/runs/$run" completed

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
topics = ["baking bread", "fixing a bike", "learning Spanish", "planting tomatoes", "writing a CV", "saving money",
          "running a marathon", "painting a room", "training a puppy", "brewing coffee", "sailing", "chess",
          "public speaking", "photography", "knitting", "bouldering"]
def pair(topic):
    return {"prompt": [{"role": "system", "content": "You are a patient, practical coach."},
                       {"role": "user", "content": f"I have been trying {topic} for a few months and I feel stuck. "
                                                   f"What should I practise each week to get better at {topic}?"}],
            "answer": f"Good question. For {topic}, pick one small skill a week, practise it for twenty minutes a day, "
                      f"and write down what went wrong. At the end of the week, compare with the week before and "
                      f"ask someone more experienced in {topic} to watch you once."}
json.dump({"model": "bench-rm", "input": [pair(topics[0])]}, open(f"{work}/one.json", "w"))
json.dump({"model": "bench-rm", "input": [pair(t) for t in topics]}, open(f"{work}/sixteen.json", "w"))
PY
api POST /v1/rewards/score "$(cat "$work/sixteen.json")" | jq -e '.data | length == 16' > /dev/null

run() {   # NAME BODY PAIRS_PER_CALL
  "${load_generator[@]}" closed --connections "$CONNECTIONS" --url "http://127.0.0.1:$PORT/v1/rewards/score" \
    --warmup "$WARMUP" --duration "$WINDOW" --body "$work/$2" --header "Authorization: Bearer $key" \
    > "$work/$1.out" 2>> "$work/load.log"
  local line; line=$(grep '^{"mode"' "$work/$1.out" | tail -n 1)
  [ "$(jq .requests_failed <<< "$line")" = 0 ] || { echo "$1: requests failed; see Cairn's log" >&2; tail -n 20 "$work/cairn.log" >&2; exit 1; }
  local p50 p99 rps; p50=$(jq .latency_ms.p50 <<< "$line"); p99=$(jq .latency_ms.p99 <<< "$line"); rps=$(jq .throughput_rps <<< "$line")
  printf '%s connections=%s pairs_per_call=%s calls_per_s=%.1f pairs_per_s=%.0f call_p50_ms=%s call_p99_ms=%s pair_p50_ms=%.2f pair_p99_ms=%.2f\n' \
    "$1" "$CONNECTIONS" "$3" "$rps" "$(echo "$rps * $3" | bc -l)" "$p50" "$p99" "$(echo "$p50 / $3" | bc -l)" "$(echo "$p99 / $3" | bc -l)"
}
run one-pair one.json 1
run batch-of-16 sixteen.json 16
