#!/usr/bin/env bash
# Compliance reports at scale (issue 31): ROWS real chat interactions logged through Cairn, then an
# eu-ai-act and a gdpr-records report over the whole period made by the server with its heap capped
# at HEAP (default 256m), rendered as PDF, and each checked by `cairn verify --report` over HTTP,
# which reads and hashes every entry of the period and recomputes every figure. Prints entries/s of
# each step and the server's peak heap in use while making the reports (from the GC log).
#
#   bench/compliance-report.sh      (after `./mvnw -DskipTests package`)
#
# 1. Cairn on :9188 (fresh data dir, audit durability LOAD_DURABILITY, default async: the entries are
#    the same, logging them is not what is measured); ROWS chat completions (default 200,000) through
#    cairn/echo by the load generator (closed loop, CONNECTIONS connections, default 16), in rounds
#    of ROUND s until ROWS have answered; one in ten carries an e-mail address the guard flags.
# 2. Cairn restarted on the same data dir with -Xmx$HEAP and GC logging; `cairn report` for both
#    kinds, the kept eu-ai-act report fetched as PDF, and `cairn verify --report` on each.
# Every temp file is under one dir, removed at exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/lib.sh"

PORT=${PORT:-9188}
ROWS=${ROWS:-200000}
CONNECTIONS=${CONNECTIONS:-16}
ROUND=${ROUND:-60}
HEAP=${HEAP:-256m}
bench_workdir compliance-report

now() { date +%s.%N; }
peak_heap_mib() { gc_heap_mib "$work/gc.log" "$1" 1; }   # FROM: largest heap in use before a collection, in MiB

cat > "$work/cairn.yaml" <<YAML
cairn: {}
YAML
cat > "$work/cairn-load.yaml" <<YAML
cairn:
  audit:
    durability: ${LOAD_DURABILITY:-async}
YAML
cat > "$work/chat.json" <<'JSON'
{"model":"cairn/echo","messages":[{"role":"user","content":"What is a cairn, and why do hikers build them?"}],"max_tokens":64}
JSON
cat > "$work/chat-pii.json" <<'JSON'
{"model":"cairn/echo","messages":[{"role":"user","content":"Write to me at hiker@example.com about cairns."}],"max_tokens":64}
JSON
key="$(create_bench_key "$work/data" /dev/null)"
auditor="$(env -u CAIRN_LOGGING_ACCESS_LOG ./cairn keys create --data-dir "$work/data" --workspace bench --name auditor --auditor 2>/dev/null)"
vkey="$(./cairn log vkey --data-dir "$work/data" 2>/dev/null)"
echo "$(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ROWS=$ROWS HEAP=$HEAP" >&2
from=$(date -u +%FT%TZ)

# 1. The interactions, through the gateway as an application sends them.
start_cairn "$PORT" "$work/data" "$work/cairn-load.yaml" "$work/cairn-load.log"
wait_until_up "http://127.0.0.1:$PORT/health/ready" "$cairn_pid" "$work/cairn-load.log"
logged=0
round=$ROUND
while [ "$logged" -lt "$ROWS" ]; do
  for body in chat chat-pii; do
    connections=$CONNECTIONS seconds=$round
    [ "$body" = chat-pii ] && connections=2 seconds=$(( (round + 9) / 10 ))
    "${load_generator[@]}" closed --connections "$connections" --url "http://127.0.0.1:$PORT/v1/chat/completions" \
      --warmup 0 --duration "$seconds" --body "$work/$body.json" --header "Authorization: Bearer $key" \
      > "$work/load.out" 2>> "$work/load.log"
    line=$(grep '^{"mode"' "$work/load.out" | tail -n 1)
    logged=$((logged + $(jq .requests_ok <<< "$line")))
  done
  echo "logged $logged of $ROWS interactions" >&2
done
kill "$cairn_pid"; wait "$cairn_pid" 2>/dev/null || true; cairn_pid=
sleep 1; to=$(date -u +%FT%TZ)   # a period that has ended: every interaction logged is in it

# 2. The reports, with the heap capped.
start_cairn "$PORT" "$work/data" "$work/cairn.yaml" "$work/cairn.log" \
  CAIRN_JAVA_OPTS="-Xmx$HEAP -Xlog:gc:file=$work/gc.log:uptime"
wait_until_up "http://127.0.0.1:$PORT/health/ready" "$cairn_pid" "$work/cairn.log"
url="http://127.0.0.1:$PORT"
for kind in eu-ai-act gdpr-records; do
  gc_from=$(($(wc -l < "$work/gc.log") + 1))
  start=$(now)
  ./cairn report --url "$url" --key "$auditor" --kind "$kind" --from "$from" --to "$to" --out "$work/$kind.json" > /dev/null
  made_s=$(echo "$(now) - $start" | bc -l)
  peak=$(peak_heap_mib "$gc_from")
  read -r first last <<< "$(jq -r '.log.range | "\(.first) \(.last)"' "$work/$kind.json")"
  entries=$((last - first + 1))
  start=$(now)
  ./cairn verify --report "$work/$kind.json" --url "$url" --key "$auditor" --vkey "$vkey" > "$work/verify.out"
  verify_s=$(echo "$(now) - $start" | bc -l)
  printf 'report %s entries=%s make_s=%.1f entries_per_s=%.0f heap_peak_mib=%s verify_s=%.1f verify_entries_per_s=%.0f\n' \
    "$kind" "$entries" "$made_s" "$(echo "$entries / $made_s" | bc -l)" "$peak" "$verify_s" "$(echo "$entries / $verify_s" | bc -l)"
done
id=$(jq -r .id "$work/eu-ai-act.json")
start=$(now)
curl -sf "$url/v1/compliance/reports/$id?format=pdf" -H "Authorization: Bearer $auditor" -o "$work/report.pdf"
printf 'pdf bytes=%s seconds=%.2f\n' "$(stat -c %s "$work/report.pdf")" "$(echo "$(now) - $start" | bc -l)"
jq -c '.sections[] | select(.id == "art12") | .figures[] | select(.id == "art12.by_outcome") | .value' "$work/eu-ai-act.json"
jq -c '.sections[] | select(.id == "art14") | .figures[] | select(.id == "art14.interventions") | .value' "$work/eu-ai-act.json"
echo "$(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)"
