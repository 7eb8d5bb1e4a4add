#!/usr/bin/env bash
# Measures the audit log and writes its section of BENCHMARKS.md (between the audit markers,
# below the analysis marker, so that bench/run.sh keeps it when it rewrites the rest).
#
#   bench/audit.sh
#
# In one run, on this machine:
#   1. durable appends per second of the ledger alone (Cairn's sequencer and repository, writers
#      waiting for their commit), on SQLite and on the local PostgreSQL;
#   2. inclusion-proof latency on a log of PROOF_ENTRIES entries (SQLite);
#   3. gateway latency at RATE req/s through three Cairns side by side: audit durability sync,
#      async, and audit off, alternated ROUNDS times (the p50 each adds is the figure that counts).
#
# Knobs (environment): APPEND_ENTRIES WRITERS PROOF_ENTRIES PROOFS RATE ROUNDS WARMUP DURATION
#                      WARMUP_CLOSED POSTGRES_URL SKIP_BUILD=1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/sections.sh"

APPEND_ENTRIES=${APPEND_ENTRIES:-200000}
WRITERS=${WRITERS:-64}
PROOF_ENTRIES=${PROOF_ENTRIES:-1000000}
PROOFS=${PROOFS:-20000}
RATE=${RATE:-1000}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}
POSTGRES_URL=${POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
FAKE_PORT=9200
ports=(9201 9202 9203)
modes=(sync async off)
command_line="bench/audit.sh  (APPEND_ENTRIES=$APPEND_ENTRIES WRITERS=$WRITERS PROOF_ENTRIES=$PROOF_ENTRIES PROOFS=$PROOFS RATE=$RATE ROUNDS=$ROUNDS WARMUP=$WARMUP DURATION=$DURATION)"

java="$JAVA_HOME/bin/java"
results="$root/bench/results/audit"
work="$(mktemp -d /tmp/cairn-audit-bench.XXXXXX)"
mkdir -p "$results"
rm -f "$results"/*
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '[audit-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building"
  ./mvnw -q -B -DskipTests package >&2
fi
classpath="$root/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$root/bench/target/lib/*"

# --- 1 and 2: the ledger alone -----------------------------------------------------------------

# LedgerBench runs inside Cairn's own runnable jar (its launcher adds the bench classes), so it
# uses exactly the classes and libraries that Cairn runs with.
ledger() {
  "$java" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$root/cairn-server/target/cairn-server-exec.jar" \
    -Dloader.path="$root/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar,$(ls "$root"/bench/target/lib/HdrHistogram-*.jar)" \
    -Dloader.main=dev.cairn.bench.LedgerBench org.springframework.boot.loader.launch.PropertiesLauncher "$@" \
    2> "$results/ledger-$1-$2.log" | grep '^{"bench"' | tail -n 1
}
log "ledger appends on SQLite ($APPEND_ENTRIES entries, $WRITERS writers)"
append_sqlite=$(ledger append sqlite "$work/append-sqlite" "$APPEND_ENTRIES" "$WRITERS")
log "ledger appends on PostgreSQL"
append_pg=$(ledger append postgres "$POSTGRES_URL" "$APPEND_ENTRIES" "$WRITERS")
log "inclusion proofs on a log of $PROOF_ENTRIES entries"
proofs=$(ledger proofs sqlite "$work/proofs" "$PROOF_ENTRIES" "$PROOFS")
echo "$append_sqlite" > "$results/append-sqlite.json"
echo "$append_pg" > "$results/append-postgres.json"
echo "$proofs" > "$results/proofs.json"

# --- 3: the gateway with audit sync, async and off ----------------------------------------------

"$java" -Xms256m -Xmx256m -cp "$classpath" dev.cairn.bench.FakeUpstream "$FAKE_PORT" "$(nproc)" > "$results/fake.log" 2>&1 &
pids+=($!)
cat > "$work/cairn.yaml" <<EOF
cairn:
  providers:
    fake:
      type: openai
      base-url: http://127.0.0.1:$FAKE_PORT/v1
      api-key: unused
EOF
keys=()
for i in 0 1 2; do
  mode=${modes[$i]}
  data="$work/data-$mode"
  keys+=("$(./cairn keys create --data-dir "$data" --workspace bench --name bench 2>> "$results/keys.log")")
  durability=$([ "$mode" = async ] && echo async || echo sync)
  enabled=$([ "$mode" = off ] && echo false || echo true)
  CAIRN_AUDIT_DURABILITY=$durability CAIRN_AUDIT_ENABLED=$enabled \
    ./cairn serve --port "${ports[$i]}" --data-dir "$data" --config "$work/cairn.yaml" > "$results/cairn-$mode.log" 2>&1 &
  pids+=($!)
done
for port in "$FAKE_PORT" "${ports[@]}"; do
  path=$([ "$port" = "$FAKE_PORT" ] && echo /health || echo /health/ready)
  for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$port$path" && break; sleep 0.5; done
done
cat > "$work/body.json" <<'EOF'
{"model":"fake/bench-model","user":"user-42","messages":[{"role":"system","content":"You are a concise assistant that answers in one sentence."},{"role":"user","content":"What is a cairn, and why do hikers build them?"}],"max_tokens":64,"temperature":0.2}
EOF
for i in 0 1 2; do   # every instance answers before anything is timed
  curl -sf -H "Authorization: Bearer ${keys[$i]}" -H 'Content-Type: application/json' --data @"$work/body.json" \
    "http://127.0.0.1:${ports[$i]}/v1/chat/completions" | jq -e '.usage.total_tokens > 0' > /dev/null \
    || { echo "sanity request to Cairn ${modes[$i]} failed" >&2; exit 1; }
done

# Each instance is warmed up first, as bench/run.sh warms Cairn with its closed loop: a cold JVM
# at 1,000 req/s is a different measurement (see the analysis in BENCHMARKS.md).
for i in 0 1 2; do
  log "warming up Cairn ${modes[$i]} (closed loop, 16 connections, ${WARMUP_CLOSED:-30}s)"
  "$java" -Xms256m -Xmx512m -cp "$classpath" dev.cairn.bench.LoadGenerator closed \
    --url "http://127.0.0.1:${ports[$i]}/v1/chat/completions" --connections 16 --warmup "${WARMUP_CLOSED:-30}" --duration 1 \
    --body "$work/body.json" --header "Authorization: Bearer ${keys[$i]}" --label "warmup-${modes[$i]}" \
    > /dev/null 2> "$results/warmup-${modes[$i]}.log"
done
for round in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2; do
    name="gateway-${modes[$i]}-$round"
    log "$name: open loop at $RATE req/s"
    "$java" -Xms256m -Xmx512m -cp "$classpath" dev.cairn.bench.LoadGenerator open \
      --url "http://127.0.0.1:${ports[$i]}/v1/chat/completions" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" \
      --body "$work/body.json" --header "Authorization: Bearer ${keys[$i]}" --label "$name" \
      2> "$results/$name.log" | grep '^{"mode"' | tail -n 1 > "$results/$name.json"
  done
done
entries_sync=$(sqlite3 "$work/data-sync/cairn.db" 'SELECT COUNT(*) FROM audit_entries' 2>/dev/null || echo "?")

# --- figures ----------------------------------------------------------------------------------

median() { sort -g | awk '{v[NR]=$1} END{m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.3f", m}'; }
p50s() { for r in $(seq 1 "$ROUNDS"); do jq '.latency_ms.p50' "$results/gateway-$1-$r.json"; done; }
added() {   # p50 of mode $1 minus p50 of audit off, per round
  for r in $(seq 1 "$ROUNDS"); do
    jq -s '.[0].latency_ms.p50 - .[1].latency_ms.p50 | . * 1000 | round / 1000' \
      "$results/gateway-$1-$r.json" "$results/gateway-off-$r.json"
  done
}
sync_added=$(added sync | median)
async_added=$(added async | median)
sqlite_eps=$(jq '.entries_per_second' <<< "$append_sqlite")
pg_eps=$(jq '.entries_per_second' <<< "$append_pg")
proof_p99=$(jq '.p99_ms' <<< "$proofs")
verdict() { awk "BEGIN{exit !($1)}" && echo "**pass**" || echo "**FAIL**"; }
rows=$(for r in $(seq 1 "$ROUNDS"); do for m in "${modes[@]}"; do jq -r '
  "| \(.label) | \(.throughput_rps | floor) | \(.latency_ms.p50) | \(.latency_ms.p90) | \(.latency_ms.p99) | \(.latency_ms.max) | \(.requests_failed) |"' \
  "$results/gateway-$m-$r.json"; done; done)

section=$(cat <<EOF
<!-- audit: begin (written by bench/audit.sh; rerun it to refresh) -->
## Audit log

Written by \`bench/audit.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$root" rev-parse --short HEAD)\`$(git -C "$root" status --porcelain -- cairn-server cairn-ledger bench 2>/dev/null | grep -q . && echo " with uncommitted changes" || true),
$(nproc) cores ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)), $("$java" -version 2>&1 | head -n 1).
Command: \`$command_line\`.

| Target | Measured | Verdict |
|---|---|---|
| durable appends, ledger alone, SQLite ≥ 20,000 entries/s | $(printf '%.0f' "$sqlite_eps") entries/s ($WRITERS writers each waiting for its commit, ~1 KB entries) | $(verdict "$sqlite_eps >= 20000") |
| durable appends, ledger alone, PostgreSQL ≥ 10,000 entries/s | $(printf '%.0f' "$pg_eps") entries/s | $(verdict "$pg_eps >= 10000") |
| inclusion proof at $(jq '.tree_size' <<< "$proofs") entries, p99 < 2 ms | p50 $(jq '.p50_ms' <<< "$proofs") ms, p99 $proof_p99 ms, max $(jq '.max_ms' <<< "$proofs") ms over $PROOFS proofs | $(verdict "$proof_p99 < 2") |
| \`sync\` audit adds ≤ 1 ms to the gateway's p50 at $RATE req/s | median over $ROUNDS rounds +$sync_added ms against audit off (\`async\`: +$async_added ms) | $(verdict "$sync_added <= 1") |

"Durable" is Cairn's own default: SQLite in WAL mode with \`synchronous=FULL\` (each group commit is
synced to disk before any writer hears of it); PostgreSQL with its default \`synchronous_commit=on\`.
Proofs are built as \`GET /v1/audit/requests/{id}\` builds them: tiles read from SQLite, the audit
path computed from them. The gateway runs are three Cairns side by side, one fake upstream, each
first warmed by ${WARMUP_CLOSED:-30} s of closed loop at 16 connections, then open loop at $RATE req/s ($WARMUP s
warm-up, $DURATION s measured), alternated; the sync instance holds $entries_sync entries at the end.

| Run | req/s | p50 ms | p90 ms | p99 ms | max ms | failed |
|---|---:|---:|---:|---:|---:|---:|
$rows
<!-- audit: end -->
EOF
)
write_section audit "$section"
log "wrote the audit section of BENCHMARKS.md"
