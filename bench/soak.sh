#!/usr/bin/env bash
# A long run of mixed traffic (issues 33 and 34): is Cairn's resident memory flat once warm, and
# under 512 MiB with the embedding model loaded? Does it lose any record while it runs?
#
#   bench/soak.sh            (after `./mvnw -DskipTests package`; DURATION=3600 by default)
#
# Cairn as `./cairn serve` starts it (its default JVM options, SQLite, memory with the in-process
# embedding model) in front of the fake upstream; bench/.../Soak.java sends, over CONNECTIONS (4)
# connections for DURATION seconds: chat on memory threads with recall (35 %), streamed chat (20 %,
# half on threads), injections the guard blocks (10 %), embeddings (15 %), plain chat (20 %); every
# text new, a quarter under one of 2,000 data subjects. Every SAMPLE (15) s the server's resident
# memory goes to rss.csv. At the end of the warm-up (WARMUP, 600 s) and of the run, a full
# collection, the heap it leaves (GC.heap_info) and the classes that hold it (GC.class_histogram).
# Afterwards the usage rows and audit entries are counted against the answers the client got.
# Results in bench/results/soak/; the temp data dir is removed at exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/lib.sh"

PORT=${PORT:-9400}
FAKE_PORT=${FAKE_PORT:-9401}
DURATION=${DURATION:-3600}
WARMUP=${WARMUP:-600}
SAMPLE=${SAMPLE:-15}
CONNECTIONS=${CONNECTIONS:-4}
results="$root/bench/results/soak"
mkdir -p "$results"
rm -f "$results"/*
bench_workdir soak
log() { printf '[soak %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

write_cairn_config "$work/cairn.yaml" "$FAKE_PORT"
start_fake "$FAKE_PORT" "$results/fake.log"
key="$(create_bench_key "$work/data" "$results/keys.log")"
start_cairn "$PORT" "$work/data" "$work/cairn.yaml" "$results/cairn.log"
wait_until_up "http://127.0.0.1:$PORT/health/ready" "$cairn_pid" "$results/cairn.log"
log "Cairn pid $cairn_pid on :$PORT; $DURATION s of mixed traffic over $CONNECTIONS connections"

rss_mib() { awk '/^VmRSS/{printf "%.0f\n", $2 / 1024}' "/proc/$cairn_pid/status"; }
heap_after_full_gc() {   # LABEL
  "$JAVA_HOME/bin/jcmd" "$cairn_pid" GC.run > /dev/null
  "$JAVA_HOME/bin/jcmd" "$cairn_pid" GC.heap_info > "$results/heap-$1.txt"
  "$JAVA_HOME/bin/jcmd" "$cairn_pid" GC.class_histogram | head -n 23 > "$results/histogram-$1.txt"
  echo "$1,$(rss_mib),$(grep -oE 'used [0-9]+K' "$results/heap-$1.txt" | awk '{s += $2 + 0} END {printf "%.0f", s / 1024}')" \
    >> "$results/heap.csv"
}

echo "seconds,rss_mib" > "$results/rss.csv"
echo "label,rss_mib,heap_used_mib" > "$results/heap.csv"
"$java" -Xmx256m -cp "$classpath" dev.cairn.bench.Soak --url "http://127.0.0.1:$PORT" --key "$key" \
  --model fake/bench-model --connections "$CONNECTIONS" --duration "$DURATION" --progress 300 \
  > "$results/soak.json" 2> "$results/soak.log" &
soak_pid=$!
start=$(date +%s)
warm_done=0
while kill -0 "$soak_pid" 2>/dev/null; do
  elapsed=$(( $(date +%s) - start ))
  echo "$elapsed,$(rss_mib)" >> "$results/rss.csv"
  if [ "$warm_done" = 0 ] && [ "$elapsed" -ge "$WARMUP" ]; then
    heap_after_full_gc warm
    warm_done=1
  fi
  sleep "$SAMPLE"
done
wait "$soak_pid"
heap_after_full_gc end

# Records against answers: every 200 the client got must have its usage row and audit entry.
answered=$(jq '[.kinds[] | .statuses["200"] // 0] | add' "$results/soak.json")
sent=$(jq '.requests' "$results/soak.json")
kill "$cairn_pid"
wait "$cairn_pid" 2>/dev/null || true
cairn_pid=
db="$work/data/cairn.db"
usage_200=$(sqlite3 "$db" "SELECT COUNT(*) FROM usage_events WHERE workspace = 'bench' AND status = 200")
audit_entries=$(sqlite3 "$db" "SELECT COUNT(*) FROM audit_entries WHERE workspace = 'bench'")

# Flat after warm-up: the least-squares slope of RSS over the samples after WARMUP, per hour.
awk -F, -v warm="$WARMUP" 'NR > 1 && $1 >= warm { n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2;
    if ($2 > max) max = $2; if (min == "" || $2 < min) min = $2; last = $2 }
  END { slope = n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) * 3600 : 0
        printf "after warm-up: %d samples, RSS min %d MiB, max %d MiB, last %d MiB, slope %+.1f MiB/hour\n", n, min, max, last, slope }' \
  "$results/rss.csv" | tee "$results/summary.txt"
{
  echo "client: $(jq -c '{seconds, requests, requests_per_second, unexpected, transport_errors}' "$results/soak.json")"
  jq -r '.kinds | to_entries[] | "  \(.key): sent \(.value.sent), statuses \(.value.statuses | tostring), p50 \(.value.p50_ms) ms, p99 \(.value.p99_ms) ms"' "$results/soak.json"
  echo "records: requests sent $sent, answered 200: $answered; usage rows with status 200: $usage_200; audit entries of the workspace: $audit_entries"
  echo "heap after full collections (label,rss_mib,heap_used_mib):"
  tail -n +2 "$results/heap.csv"
  echo "largest classes at the end:"
  sed -n '1,13p' "$results/histogram-end.txt"
} | tee -a "$results/summary.txt"
