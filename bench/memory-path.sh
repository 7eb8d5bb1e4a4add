#!/usr/bin/env bash
# What memory costs on the request path: chat completions that each recall and capture
# (`Cairn-Thread` + `Cairn-Memory: recall`), closed loop, for comparing two builds side by side:
#
#   bench/memory-path.sh LABEL [TREE] [NAME=VALUE ...]
#       e.g. bench/memory-path.sh this .   then   bench/memory-path.sh main /tmp/main-checkout
#
# TREE (default: this checkout) is a built checkout (`./mvnw -DskipTests package`) whose ./cairn is
# measured; the load generator and the fake upstream are always this checkout's. Starts a fake
# upstream on :9102 and Cairn on :9190 with the in-process embedding model and a
# fresh data dir, then CONNECTIONS clients (default 4, as the soak of issue 34) send chat
# completions on one thread, each user turn made distinct (--vary: no cache keyed by text hits, as
# with real users), WARMUP s unmeasured (default 30), then WINDOW s measured (default 30). One line:
#   LABEL rps=… cpu_ms_per_req=… p50_ms=… p99_ms=… failed=…
# PROFILE=1 records the measured window with JFR (CPU-time sampler) to bench/results/LABEL-memory.jfr
# and prints its hottest Cairn frames to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
label=${1:?usage: bench/memory-path.sh LABEL [TREE] [NAME=VALUE ...]}
shift
tree="$root"
if [ $# -gt 0 ] && [[ "$1" != *=* ]]; then tree="$(cd "$1" && pwd)"; shift; fi
cd "$root"
. "$root/.mvn/select-jdk.sh"
java="$JAVA_HOME/bin/java"
classpath="$root/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$root/bench/target/lib/*"
. "$root/bench/lib.sh"
CONNECTIONS=${CONNECTIONS:-4}
WARMUP=${WARMUP:-30}
WINDOW=${WINDOW:-30}
port=9190
work="$(mktemp -d /tmp/cairn-memory-path.XXXXXX)"
cairn_pid=
fake_pid=
trap 'kill $(jobs -p) 2>/dev/null || true
      for pid in $cairn_pid $fake_pid; do wait "$pid" 2>/dev/null || true; done
      rm -rf "$work"' EXIT
mkdir -p "$root/bench/results"

# A fake of its own, on a port of its own: another benchmark's fake on :9100 may stop mid-run.
start_fake 9102 "$work/fake.log"
wait_until_up http://127.0.0.1:9102/health "$fake_pid" "$work/fake.log"
write_cairn_config "$work/cairn.yaml" 9102
cat > "$work/body.json" <<'JSON'
{"model":"fake/bench-model","messages":[{"role":"system","content":"You are a concise assistant that answers in one sentence."},{"role":"user","content":"Trip VARY: what is a cairn, and why do hikers build them on the ridge?"}],"max_tokens":64,"temperature":0.2}
JSON
cd "$tree"
key="$(create_bench_key "$work/data" /dev/null)"
start_cairn "$port" "$work/data" "$work/cairn.yaml" "$work/cairn.log" "$@" \
  CAIRN_JAVA_OPTS="${CAIRN_JAVA_OPTS:-} -XX:FlightRecorderOptions:stackdepth=256"
wait_until_up "http://127.0.0.1:$port/health/ready" "$cairn_pid" "$work/cairn.log"
cd "$root"
hz=$(getconf CLK_TCK)
"${load_generator[@]}" closed --connections "$CONNECTIONS" --url "http://127.0.0.1:$port/v1/chat/completions" \
  --warmup "$WARMUP" --duration "$WINDOW" --body "$work/body.json" --vary VARY --timeout 30 \
  --header "Authorization: Bearer $key" --header "Cairn-Thread: bench-trip" --header "Cairn-Memory: recall" \
  > "$work/load.out" 2>> "$work/load.log" &
gen=$!
sleep "$WARMUP"
if [ "${PROFILE:-}" = 1 ]; then
  "$JAVA_HOME/bin/jcmd" "$cairn_pid" JFR.start name=memory settings=profile 'jdk.CPUTimeSample#enabled=true' \
    'jdk.CPUTimeSample#throttle=2ms' filename="$root/bench/results/$label-memory.jfr" > /dev/null
fi
t0=$(proc_ticks "$cairn_pid"); sleep "$WINDOW"; t1=$(proc_ticks "$cairn_pid")
[ "${PROFILE:-}" = 1 ] && "$JAVA_HOME/bin/jcmd" "$cairn_pid" JFR.stop name=memory > /dev/null
wait $gen
line="$(grep '^{"mode"' "$work/load.out" | tail -n 1)"
rps=$(jq -r '.throughput_rps' <<< "$line")
cpu=$(echo "($t1 - $t0) / $hz * 1000 / ($rps * $WINDOW)" | bc -l)
printf '%s rps=%.1f cpu_ms_per_req=%.2f p50_ms=%s p99_ms=%s failed=%s %s\n' "$label" "$rps" "$cpu" \
  "$(jq -r '.latency_ms.p50' <<< "$line")" "$(jq -r '.latency_ms.p99' <<< "$line")" "$(jq -r '.requests_failed' <<< "$line")" \
  "$(jq -c '.failures // {}' <<< "$line")"
# Why requests failed, from Cairn's log: the first few error messages.
grep -o '"level":"ERROR"[^}]*}[^"]*"[^"]*"[^"]*"[^"]*"' "$work/cairn.log" | head -n 3 >&2 || true
if [ "${PROFILE:-}" = 1 ]; then
  "$java" -cp "$classpath" dev.cairn.bench.JfrHotMethods "$root/bench/results/$label-memory.jfr" jdk.CPUTimeSample 30 >&2
fi
