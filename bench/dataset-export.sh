#!/usr/bin/env bash
# Dataset build and export at scale (issue 28, points 5 and 9): ROWS real chat interactions logged
# through Cairn, one dataset version built from them by its background job, then exported through
# the HTTP API, with the server's heap capped at HEAP (default 256m) to show that both run in bounded
# memory. Prints rows/s of the build and of each export, and the peak heap in use (from the GC log).
#
#   bench/dataset-export.sh      (after `./mvnw -DskipTests package`)
#
# 1. Cairn on :9187 (fresh data dir, default heap, audit durability LOAD_DURABILITY); ROWS chat completions (default
#    1,000,000) through the built-in cairn/echo model by the load generator (closed loop, CONNECTIONS
#    connections, default 16), in rounds of ROUND s until ROWS have answered 200. Each is a real
#    gateway.chat.completions audit entry with its sealed content, so the rows' lineage holds.
# 2. Cairn restarted on the same data dir with -Xmx$HEAP and GC logging; POST /v1/datasets (202),
#    polled until built; then GET /v1/datasets/{id}/export as jsonl and as openai-sft (streamed), and
#    openai-sft as a background export job (POST .../exports, polled, then its /content). The jsonl's
#    RFC 9162 root is recomputed and compared with the manifest's rows_root.
# Per phase, from the GC log: the peak heap in use (the largest occupancy before a collection) and the
# largest left live after one, which would grow with the version if anything held its rows.
# Every temp file is under one dir, removed at exit; MAX_SECONDS (default 2400) bounds each wait.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/lib.sh"

PORT=${PORT:-9187}
ROWS=${ROWS:-1000000}
CONNECTIONS=${CONNECTIONS:-16}
ROUND=${ROUND:-60}
HEAP=${HEAP:-256m}
MAX_SECONDS=${MAX_SECONDS:-2400}
bench_workdir dataset-export

api() {   # METHOD PATH [BODY]: the answer's body; fails on a status other than 2xx
  curl -sf -X "$1" "http://127.0.0.1:$PORT$2" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    ${3:+-d "$3"}
}
now() { date +%s.%N; }
peak_heap_mib() { echo "$(gc_heap_mib "$work/gc.log" "$1" 1)/$(gc_heap_mib "$work/gc.log" "$1" 2)"; }   # FROM: "peak in use/largest live after GC"
gc_lines() { wc -l < "$work/gc.log"; }

# Logging the interactions is not what is measured: LOAD_DURABILITY (default async) lets the audit
# log commit them within milliseconds of answering rather than before, which on this shared disk is
# what makes a million of them take minutes rather than an hour. They are the same entries either way.
cat > "$work/cairn.yaml" <<YAML
cairn: {}
YAML
cat > "$work/cairn-load.yaml" <<YAML
cairn:
  audit:
    durability: ${LOAD_DURABILITY:-async}
YAML
cat > "$work/chat.json" <<'JSON'
{"model":"cairn/echo","messages":[{"role":"system","content":"You are a concise assistant that answers in one sentence."},{"role":"user","content":"What is a cairn, and why do hikers build them?"}],"max_tokens":64,"temperature":0.2}
JSON
key="$(create_bench_key "$work/data" /dev/null)"
echo "$(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ROWS=$ROWS HEAP=$HEAP" >&2

# 1. The interactions, through the gateway as an application sends them.
start_cairn "$PORT" "$work/data" "$work/cairn-load.yaml" "$work/cairn-load.log"
wait_until_up "http://127.0.0.1:$PORT/health/ready" "$cairn_pid" "$work/cairn-load.log"
logged=0
load_start=$(now)
round=$ROUND
while [ "$logged" -lt "$ROWS" ]; do
  "${load_generator[@]}" closed --connections "$CONNECTIONS" --url "http://127.0.0.1:$PORT/v1/chat/completions" \
    --warmup 0 --duration "$round" --body "$work/chat.json" --header "Authorization: Bearer $key" \
    > "$work/load.out" 2>> "$work/load.log"
  line=$(grep '^{"mode"' "$work/load.out" | tail -n 1)
  [ "$(jq .requests_failed <<< "$line")" = 0 ] || { echo "chat requests failed; see Cairn's log" >&2; tail -n 20 "$work/cairn-load.log" >&2; exit 1; }
  logged=$((logged + $(jq .requests_ok <<< "$line")))
  echo "logged $logged of $ROWS interactions ($(jq .throughput_rps <<< "$line") req/s this round)" >&2
  # The last round only as long as the rest needs at the rate so far (a round of a few seconds is mostly
  # the load generator's warm-up), so that ROWS is not overshot by a whole round.
  round=$(awk -v left=$((ROWS - logged)) -v rps="$(echo "$logged / ($(now) - $load_start)" | bc -l)" -v max="$ROUND" \
    'BEGIN { s = rps > 0 ? int(left / rps) + 5 : max; print (s < max ? s : max) }')
done
load_s=$(echo "$(now) - $load_start" | bc -l)
kill "$cairn_pid"; wait "$cairn_pid" 2>/dev/null || true; cairn_pid=

# 2. Build and export with the heap capped, the GC logging every collection.
start_cairn "$PORT" "$work/data" "$work/cairn.yaml" "$work/cairn.log" \
  CAIRN_JAVA_OPTS="-Xmx$HEAP -Xlog:gc,gc+init:file=$work/gc.log:uptime"
wait_until_up "http://127.0.0.1:$PORT/health/ready" "$cairn_pid" "$work/cairn.log"
grep -m1 -E 'Heap Max Capacity|Maximum heap' "$work/gc.log" >&2 || true

build_from=$(gc_lines)
build_start=$(now)
ds=$(api POST /v1/datasets '{"filter":{"model":"cairn/echo"}}' | jq -r .id)
deadline=$((SECONDS + MAX_SECONDS))
polls=0
while :; do
  described=$(api GET "/v1/datasets/$ds")
  state=$(jq -r .state <<< "$described")
  [ "$state" != building ] && break
  [ "$SECONDS" -lt "$deadline" ] || { echo "build still running after $MAX_SECONDS s" >&2; exit 1; }
  [ $((polls++ % 10)) -ne 0 ] || echo "building: $(jq -c .progress <<< "$described")" >&2
  sleep 1
done
build_s=$(echo "$(now) - $build_start" | bc -l)
[ "$state" = built ] || { echo "build ended $state: $described" >&2; exit 1; }
rows=$(jq .rows <<< "$described")
build_peak=$(peak_heap_mib "$build_from")

export_stream() {   # FORMAT: streams one export to a file; prints "seconds bytes lines"
  local start; start=$(now)
  curl -sf "http://127.0.0.1:$PORT/v1/datasets/$ds/export?format=$1" -H "Authorization: Bearer $key" -o "$work/export.$1"
  echo "$(echo "$(now) - $start" | bc -l) $(stat -c %s "$work/export.$1") $(wc -l < "$work/export.$1")"
}
jsonl_from=$(gc_lines)
result=$(export_stream jsonl)
read -r jsonl_s jsonl_bytes jsonl_lines <<< "$result"
jsonl_peak=$(peak_heap_mib "$jsonl_from")
root_ok=$(python3 - "$work/export.jsonl" "$(jq -r .manifest.rows_root <<< "$described")" <<'PY'
import base64, hashlib, sys
# RFC 9162 root of the lines (without their \n) as leaves, folded as a compact range.
stack = []   # (height, hash)
def node(l, r): return hashlib.sha256(b"\x01" + l + r).digest()
with open(sys.argv[1], "rb") as f:
    for line in f:
        h, height = hashlib.sha256(b"\x00" + line.rstrip(b"\n")).digest(), 0
        while stack and stack[-1][0] == height:
            h, height = node(stack.pop()[1], h), height + 1
        stack.append((height, h))
root = stack.pop()[1] if stack else hashlib.sha256(b"").digest()
while stack:
    root = node(stack.pop()[1], root)
print("yes" if base64.b64encode(root).decode() == sys.argv[2] else "NO")
PY
)
rm -f "$work/export.jsonl"
sft_from=$(gc_lines)
result=$(export_stream openai-sft)
read -r sft_s sft_bytes sft_lines <<< "$result"
sft_peak=$(peak_heap_mib "$sft_from")
rm -f "$work/export.openai-sft"

job_from=$(gc_lines)
job_start=$(now)
dx=$(api POST "/v1/datasets/$ds/exports" '{"format":"openai-sft"}' | jq -r .id)
while :; do
  status=$(api GET "/v1/datasets/$ds/exports/$dx")
  xstate=$(jq -r .state <<< "$status")
  [ "$xstate" = done ] || [ "$xstate" = failed ] && break
  [ "$SECONDS" -lt "$deadline" ] || { echo "export job still running" >&2; exit 1; }
  [ $((polls++ % 10)) -ne 0 ] || echo "export job: $(jq -c .progress <<< "$status")" >&2
  sleep 1
done
[ "$xstate" = done ] || { echo "export job $xstate: $status" >&2; exit 1; }
job_s=$(echo "$(now) - $job_start" | bc -l)
job_peak=$(peak_heap_mib "$job_from")
job_bytes=$(jq .progress.bytes <<< "$status")
all_peak=$(peak_heap_mib 1)
gcs=$(grep -c 'Pause' "$work/gc.log" || true)

printf 'interactions logged=%s in %.0f s (%.0f req/s, %s connections)\n' "$logged" "$load_s" "$(echo "$logged / $load_s" | bc -l)" "$CONNECTIONS"
printf 'heap cap=%s collections=%s heap_peak/live_mib=%s\n' "$HEAP" "$gcs" "$all_peak"
printf 'build rows=%s skipped=%s seconds=%.1f rows_per_s=%.0f heap_peak/live_mib=%s\n' "$rows" "$(jq .skipped <<< "$described")" \
  "$build_s" "$(echo "$rows / $build_s" | bc -l)" "$build_peak"
printf 'export jsonl (streamed) lines=%s bytes=%s seconds=%.1f rows_per_s=%.0f heap_peak/live_mib=%s rows_root_matches=%s\n' \
  "$jsonl_lines" "$jsonl_bytes" "$jsonl_s" "$(echo "$jsonl_lines / $jsonl_s" | bc -l)" "$jsonl_peak" "$root_ok"
printf 'export openai-sft (streamed) lines=%s bytes=%s seconds=%.1f rows_per_s=%.0f heap_peak/live_mib=%s\n' \
  "$sft_lines" "$sft_bytes" "$sft_s" "$(echo "$sft_lines / $sft_s" | bc -l)" "$sft_peak"
printf 'export openai-sft (background job, polled every 1 s) bytes=%s seconds=%.1f rows_per_s=%.0f heap_peak/live_mib=%s\n' \
  "$job_bytes" "$job_s" "$(echo "$rows / $job_s" | bc -l)" "$job_peak"
du -sh "$work/data" | awk '{print "data dir " $1}'
echo "$(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)"
