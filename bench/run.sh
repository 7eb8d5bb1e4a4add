#!/usr/bin/env bash
# Measures Cairn against a direct-to-fake baseline on this machine and writes BENCHMARKS.md.
#
#   bench/run.sh
#
# Everything runs on 127.0.0.1: a fake OpenAI upstream (bench FakeUpstream), Cairn in its default
# configuration pointing at it, and the load generator. In one run it measures
#   1. closed loop, CONNECTIONS connections: direct-to-fake and through Cairn, alternated ROUNDS times;
#   2. open loop at RATE req/s: direct and through Cairn, latency from the intended send time;
#      Cairn's VmRSS is sampled throughout;
#   3. a JFR recording (CPU-time and execution samplers) of Cairn under the closed loop,
#      after the measured runs so that the profiler cannot colour the figures.
# Raw JSON, logs and the recording are kept in bench/results/ (ignored by git).
#
# Knobs (environment): FAKE_PORT CAIRN_PORT CONNECTIONS RATE ROUNDS CLOSED_WARMUP CLOSED_DURATION
#                      OPEN_WARMUP OPEN_DURATION PROFILE_DURATION SKIP_BUILD=1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"

FAKE_PORT=${FAKE_PORT:-9100}
CAIRN_PORT=${CAIRN_PORT:-9180}
BARE_PORT=${BARE_PORT:-9190}
CONNECTIONS=${CONNECTIONS:-16}
RATE=${RATE:-1000}
ROUNDS=${ROUNDS:-2}
CLOSED_WARMUP=${CLOSED_WARMUP:-20}
CLOSED_DURATION=${CLOSED_DURATION:-30}
OPEN_WARMUP=${OPEN_WARMUP:-10}
OPEN_DURATION=${OPEN_DURATION:-30}
OPEN_ROUNDS=${OPEN_ROUNDS:-3}
PROFILE_DURATION=${PROFILE_DURATION:-30}
command_line="bench/run.sh  (CONNECTIONS=$CONNECTIONS RATE=$RATE ROUNDS=$ROUNDS CLOSED_WARMUP=$CLOSED_WARMUP CLOSED_DURATION=$CLOSED_DURATION OPEN_WARMUP=$OPEN_WARMUP OPEN_DURATION=$OPEN_DURATION OPEN_ROUNDS=$OPEN_ROUNDS PROFILE_DURATION=$PROFILE_DURATION)"

java="$JAVA_HOME/bin/java"
results="$root/bench/results"
work="$(mktemp -d /tmp/cairn-bench.XXXXXX)"
mkdir -p "$results"
rm -f "$results"/*.json "$results"/*.log "$results"/*.jfr "$results"/*.md
started=()      # long-lived: the fake upstream and Cairn
transient=()    # the current load generator and RSS sampler, if any

cleanup() {
  local pid
  for pid in "${transient[@]}" "${started[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${transient[@]}" "${started[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
for port in "$FAKE_PORT" "$CAIRN_PORT" "$BARE_PORT"; do
  port_free "$port" || { echo "port $port is in use; set FAKE_PORT / CAIRN_PORT" >&2; exit 1; }
done

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building"
  ./mvnw -q -B -DskipTests package >&2
fi
classpath="$root/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$root/bench/target/lib/*"
. "$root/bench/lib.sh"

# --- processes --------------------------------------------------------------------------------

start_fake "$FAKE_PORT" "$results/fake.log"
started+=("$fake_pid")

# Default configuration for Cairn: no cairn.* overrides besides the provider, access log left at its
# default. The one JVM flag only deepens JFR stacks and costs nothing while no recording runs.
cairn_java_opts="-XX:FlightRecorderOptions:stackdepth=256"
# The reference: Cairn's web stack with none of Cairn's work (see BareProxy), on the JVM defaults
# ./cairn gives Cairn (the same script works them out), so that the difference between the two is
# Cairn's own work.
CAIRN_JAVA_OPTS="$cairn_java_opts" . "$root/.mvn/gateway-jvm-options.sh"
"$java" "${gateway_opts[@]}" -cp "$classpath" dev.cairn.bench.BareProxy "$BARE_PORT" "http://127.0.0.1:$FAKE_PORT/v1/chat/completions" \
  > "$results/bare.log" 2>&1 &
bare_pid=$!
started+=("$bare_pid")

write_cairn_config "$work/cairn.yaml" "$FAKE_PORT"
log "creating an API key"
key="$(create_bench_key "$work/data" "$results/keys.log")"

log "starting Cairn on :$CAIRN_PORT"
start_cairn "$CAIRN_PORT" "$work/data" "$work/cairn.yaml" "$results/cairn.log" CAIRN_JAVA_OPTS="$cairn_java_opts"
started+=("$cairn_pid")
wait_until_up "http://127.0.0.1:$FAKE_PORT/health" "$fake_pid" "$results/fake.log"
wait_until_up "http://127.0.0.1:$CAIRN_PORT/health/ready" "$cairn_pid" "$results/cairn.log"
for _ in $(seq 1 120); do   # the bare proxy has no health endpoint: any HTTP answer means it is up
  curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break
  sleep 0.5
done
access_log_lines_before=$(grep -c '"cairn.access"' "$results/cairn.log" || true)

write_request_body "$work/body.json"
direct_url="http://127.0.0.1:$FAKE_PORT/v1/chat/completions"
cairn_url="http://127.0.0.1:$CAIRN_PORT/v1/chat/completions"
bare_url="http://127.0.0.1:$BARE_PORT/v1/chat/completions"
auth="Authorization: Bearer $key"

# Both paths must answer 200 with a usage object before anything is timed; streaming is checked too.
for url in "$direct_url" "$cairn_url" "http://127.0.0.1:$BARE_PORT/v1/chat/completions"; do
  curl -sf -H "$auth" -H 'Content-Type: application/json' --data @"$work/body.json" "$url" \
    | jq -e '.usage.total_tokens > 0' > /dev/null || { echo "sanity request to $url failed" >&2; exit 1; }
done
stream_events=$(curl -sfN -H "$auth" -H 'Content-Type: application/json' \
  --data '{"model":"fake/bench-model","stream":true,"messages":[{"role":"user","content":"hi"}]}' "$cairn_url" \
  | grep -c '^data: ' || true)
[ "$stream_events" -gt 2 ] || { echo "streaming through Cairn returned $stream_events events" >&2; exit 1; }
access_log_on=$([ "$(grep -c '"cairn.access"' "$results/cairn.log" || true)" -gt "$access_log_lines_before" ] && echo yes || echo no)

# --- measurement helpers ----------------------------------------------------------------------

hz=$(getconf CLK_TCK)
# busy (user, nice, system, irq, softirq) and steal: time the hypervisor gave our vCPUs to others.
machine_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8, $9}' /proc/stat; }

# run NAME MODE URL WARMUP DURATION [extra load-generator args…]
# Writes results/NAME.json: the load generator's report plus CPU use, in cores, of Cairn, the
# fake, the load generator and everything else on the machine during the measured window.
run() {
  local name=$1 mode=$2 url=$3 warmup=$4 duration=$5
  shift 5
  local flag="$work/$name.running"
  touch "$flag"
  rss_sampler "$cairn_pid" "$flag" "$work/$name.rss" &
  local sampler=$!
  log "$name: $mode loop against $url (warm-up ${warmup}s, measured ${duration}s)"
  "${load_generator[@]}" "$mode" --url "$url" \
    --warmup "$warmup" --duration "$duration" --body "$work/body.json" --header "$auth" --label "$name" "$@" \
    > "$work/$name.out" 2> "$results/$name.log" &
  local gen=$!
  transient=("$gen" "$sampler")
  sleep "$warmup"
  local c0 f0 g0 m0
  c0=$(proc_ticks "$cairn_pid"); f0=$(proc_ticks "$fake_pid"); g0=$(proc_ticks "$gen"); m0=$(machine_ticks)
  sleep "$duration"
  local c1 f1 g1 m1
  c1=$(proc_ticks "$cairn_pid"); f1=$(proc_ticks "$fake_pid"); g1=$(proc_ticks "$gen"); m1=$(machine_ticks)
  wait "$gen" || { echo "load generator failed: $(cat "$results/$name.log")" >&2; exit 1; }
  rm -f "$flag"
  wait "$sampler" 2>/dev/null || true
  transient=()
  cat "$results/$name.log" >&2
  read -r busy0 steal0 <<< "$m0"
  read -r busy1 steal1 <<< "$m1"
  jq -c --argjson hz "$hz" --argjson secs "$duration" \
     --argjson cairn $((c1 - c0)) --argjson fake $((f1 - f0)) --argjson gen $((g1 - g0)) \
     --argjson busy $((busy1 - busy0)) --argjson steal $((steal1 - steal0)) --argjson rss "$(max_rss "$work/$name.rss")" '
     . + {cpu_cores: {cairn: ($cairn / $hz / $secs), fake: ($fake / $hz / $secs),
                      load_generator: ($gen / $hz / $secs),
                      other: ((($busy - $cairn - $fake - $gen) / $hz / $secs) | if . < 0 then 0 else . end),
                      steal: ($steal / $hz / $secs)},
          cairn_max_rss_mib: ($rss / 1024)}' <(grep '^{"mode"' "$work/$name.out" | tail -n 1) > "$results/$name.json"
  # Kept for diagnosis: the generator's whole stdout, of which only the report line is used.
  cp "$work/$name.out" "$results/$name.out"
}

# --- the runs ---------------------------------------------------------------------------------

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$ROUNDS"); do
  run "closed-direct-$round" closed "$direct_url" "$CLOSED_WARMUP" "$CLOSED_DURATION" --connections "$CONNECTIONS"
  run "closed-cairn-$round" closed "$cairn_url" "$CLOSED_WARMUP" "$CLOSED_DURATION" --connections "$CONNECTIONS"
  run "closed-bare-$round" closed "$bare_url" "$CLOSED_WARMUP" "$CLOSED_DURATION" --connections "$CONNECTIONS"
done
# Alternated like the closed loop: this machine is shared, and a burst of outside load that hits one
# run only would otherwise decide the p99 comparison alone.
for round in $(seq 1 "$OPEN_ROUNDS"); do
  run "open-direct-$round" open "$direct_url" "$OPEN_WARMUP" "$OPEN_DURATION" --rate "$RATE"
  run "open-cairn-$round" open "$cairn_url" "$OPEN_WARMUP" "$OPEN_DURATION" --rate "$RATE"
  run "open-bare-$round" open "$bare_url" "$OPEN_WARMUP" "$OPEN_DURATION" --rate "$RATE"
done

log "profiling Cairn under the closed loop with JFR"
jfr_file="$results/cairn-closed-loop.jfr"
"$JAVA_HOME/bin/jcmd" "$cairn_pid" JFR.start name=bench settings=profile \
  'jdk.CPUTimeSample#enabled=true' 'jdk.CPUTimeSample#throttle=2ms' filename="$jfr_file" > /dev/null
run closed-cairn-profiled closed "$cairn_url" 2 "$PROFILE_DURATION" --connections "$CONNECTIONS"
"$JAVA_HOME/bin/jcmd" "$cairn_pid" JFR.stop name=bench > /dev/null
profile_cpu="$("$java" -cp "$classpath" dev.cairn.bench.JfrHotMethods "$jfr_file" jdk.CPUTimeSample 25)"
profile_exec="$("$java" -cp "$classpath" dev.cairn.bench.JfrHotMethods "$jfr_file" jdk.ExecutionSample 25)"
gc_summary="$("$JAVA_HOME/bin/jfr" view gc "$jfr_file" 2>/dev/null | tail -n +4 | head -n 12 || true)"

# --- figures ----------------------------------------------------------------------------------

j() { jq -r "$1" "$results/$2.json"; }
mean_rps() { local prefix=$1; cat "$results"/"$prefix"-[0-9]*.json | jq -s '[.[].throughput_rps] | add / length'; }
mean_p99() { local prefix=$1; cat "$results"/"$prefix"-[0-9]*.json | jq -s '[.[].latency_ms.p99] | add / length * 1000 | round / 1000'; }
direct_rps=$(mean_rps closed-direct)
cairn_rps=$(mean_rps closed-cairn)
ratio=$(awk -v c="$cairn_rps" -v d="$direct_rps" 'BEGIN{printf "%.1f", 100 * c / d}')
direct_p99=$(mean_p99 open-direct)
cairn_p99=$(mean_p99 open-cairn)
# The verdict uses the median of the per-round differences: one round spoilt by a burst of steal
# time or outside load then cannot decide it alone. Every round is listed below.
added_per_round() {   # p99 of open-$1-r minus p99 of open-direct-r, one line per round
  local r
  for r in $(seq 1 "$OPEN_ROUNDS"); do
    jq -s '.[0].latency_ms.p99 - .[1].latency_ms.p99 | . * 1000 | round / 1000' \
      "$results/open-$1-$r.json" "$results/open-direct-$r.json"
  done
}
median() { sort -g | awk '{v[NR]=$1} END{m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.3f", m}'; }
added_p99=$(added_per_round cairn | median)
added_rounds=$(added_per_round cairn | paste -sd ',' | sed 's/,/, /g')
bare_added_p99=$(added_per_round bare | median)
bare_added_rounds=$(added_per_round bare | paste -sd ',' | sed 's/,/, /g')
bare_rps=$(mean_rps closed-bare)
bare_ratio=$(awk -v c="$bare_rps" -v d="$direct_rps" 'BEGIN{printf "%.1f", 100 * c / d}')
rss_mib=$(cat "$results"/open-cairn-[0-9]*.json | jq -s '[.[].cairn_max_rss_mib] | max | floor')
verdict() { awk "BEGIN{exit !($1)}" && echo "**pass**" || echo "**FAIL**"; }
v_ratio=$(verdict "$ratio >= 15")
v_p99=$(verdict "$added_p99 <= 2")
v_rss=$(verdict "$rss_mib < 512")
failures_total=$(cat "$results"/*.json | jq -s '[.[].requests_failed] | add')

closed_rows=$(for f in $(for r in $(seq 1 "$ROUNDS"); do echo "$results/closed-direct-$r.json" "$results/closed-cairn-$r.json" "$results/closed-bare-$r.json"; done) "$results/closed-cairn-profiled.json"; do jq -r '
  "| \(.label) | \(.throughput_rps | floor) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.latency_ms.max) | \(.requests_failed) | \(.cpu_cores.cairn * 100 | floor / 100) | \(.cpu_cores.fake * 100 | floor / 100) | \(.cpu_cores.load_generator * 100 | floor / 100) | \(.cpu_cores.other * 100 | floor / 100) | \(.cpu_cores.steal * 100 | floor / 100) |"' "$f"; done)
open_rows=$(for f in $(for r in $(seq 1 "$OPEN_ROUNDS"); do echo "$results/open-direct-$r.json" "$results/open-cairn-$r.json" "$results/open-bare-$r.json"; done); do jq -r '
  "| \(.label) | \(.throughput_rps | floor) | \(.latency_ms.p50) | \(.latency_ms.p90) | \(.latency_ms.p99) | \(.latency_ms.p999) | \(.latency_ms.max) | \(.requests_failed) \(if .requests_failed > 0 then .failures else "" end) | \(.send_lag_ms.p99) | \(.cpu_cores.cairn * 100 | floor / 100) | \(.cpu_cores.other * 100 | floor / 100) | \(.cpu_cores.steal * 100 | floor / 100) |"' "$f"; done)
cairn_cpu_per_req=$(cat "$results"/closed-cairn-[0-9]*.json | jq -s '[.[] | .cpu_cores.cairn / .throughput_rps * 1000] | add / length * 1000 | floor / 1000')

cpu_model=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
mem_total=$(awk '/^MemTotal/{printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
jdk_version=$("$java" -version 2>&1 | head -n 1)
cairn_commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
cairn_dirty=$(git -C "$root" status --porcelain -- cairn-server 2>/dev/null | grep -q . && echo " (with uncommitted changes in cairn-server)" || true)

# Written analysis below this marker survives a rerun; everything above it is regenerated.
notes_marker='<!-- Analysis: kept by bench/run.sh when it rewrites the figures above. -->'
notes=""
[ -f "$root/BENCHMARKS.md" ] && notes=$(awk -v m="$notes_marker" 'kept || $0 == m {kept = 1; print}' "$root/BENCHMARKS.md")
cat > "$root/BENCHMARKS.md" <<EOF
# Benchmarks

Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); rerun it to refresh every figure here.
Raw JSON per run, logs and the JFR recording land in \`bench/results/\` (ignored by git).

## Targets

| Target | Measured | Verdict |
|---|---|---|
| Through-Cairn throughput at $CONNECTIONS connections ≥ 15 % of direct-to-fake | $ratio % ($(printf '%.0f' "$cairn_rps") vs $(printf '%.0f' "$direct_rps") req/s) | $v_ratio |
| p99 latency added by Cairn at a fixed $RATE req/s ≤ 2 ms | median of $OPEN_ROUNDS rounds $added_p99 ms (rounds: $added_rounds) | $v_p99 |
| Cairn resident memory under that load < 512 MiB | max VmRSS $rss_mib MiB | $v_rss |

Reference, measured in the same run: a bare proxy on Cairn's web stack (\`bench/.../BareProxy.java\`:
Spring MVC on virtual threads, Tomcat, Apache HttpClient 5, no work of its own; on the JVM defaults \`./cairn\` gives Cairn: \`${gateway_opts[*]}\`) reaches
**$bare_ratio %** of direct-to-fake throughput and adds **$bare_added_p99 ms** at p99 at $RATE req/s
(rounds: $bare_added_rounds). What Cairn adds beyond that is its own work.

## Machine and setup

- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')
- CPU: $(nproc) cores, $cpu_model; memory $mem_total; kernel $(uname -r)
- JDK: $jdk_version (\`$JAVA_HOME\`), for Cairn, the fake upstream and the load generator alike
- Cairn: commit \`$cairn_commit\`$cairn_dirty, \`./cairn serve\` with default settings and one provider
  (\`type: openai\`, \`base-url: http://127.0.0.1:$FAKE_PORT/v1\`); SQLite in a fresh temp data dir;
  JVM flags: \`$cairn_java_opts\` (deepens JFR stacks; inert without a recording) besides the launcher's
  own defaults (\`${gateway_opts[*]}\`; see docs/configuration.md).
- Access log: **$([ "$access_log_on" = yes ] && echo on || echo off)** (\`cairn.logging.access-log\` left at its default,
  \`CAIRN_LOGGING_ACCESS_LOG\` unset), one ECS JSON line per request to stdout, redirected to a file.
- Everything on 127.0.0.1 and on the same $(nproc) cores: load generator (Vert.x, $(nproc) event loops,
  HTTP/1.1 keep-alive, no pipelining), fake upstream (Vert.x, $(nproc) event loops, precomputed
  ~900-byte chat.completion with usage; SSE when \`"stream":true\`) and Cairn.
- Load average when the run started: $load_before. The "other" CPU columns below are cores used by
  processes outside the benchmark during each measured window: this machine is shared, so
  read the figures next to that column.
- Request: \`POST /v1/chat/completions\`, model \`fake/bench-model\`, two messages, non-streaming
  (streaming through Cairn was checked once: $stream_events SSE events).
- Command: \`$command_line\`

## Closed loop, $CONNECTIONS connections

Each connection sends its next request when the previous answer has been read. ${CLOSED_WARMUP} s warm-up,
then ${CLOSED_DURATION} s measured; direct and through-Cairn alternate, $ROUNDS rounds.
Cairn CPU per request (mean over the Cairn rounds): $cairn_cpu_per_req ms.

| Run | req/s | p50 ms | p99 ms | max ms | failed | Cairn cores | fake cores | load-gen cores | other cores | steal |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
$closed_rows

Mean direct: $(printf '%.0f' "$direct_rps") req/s; mean through Cairn: $(printf '%.0f' "$cairn_rps") req/s; ratio **$ratio %**.
The \`closed-cairn-profiled\` row ran with JFR recording and is not part of the mean.

## Open loop, $RATE req/s

Requests are due at fixed times (one every $((1000000 / RATE)) µs) whatever happened before; latency
counts from the due time, not from when the request actually left, so a stall is charged for
every request it held back (no coordinated omission). HdrHistogram, 3 significant digits.
${OPEN_WARMUP} s warm-up, ${OPEN_DURATION} s measured, direct and through-Cairn alternating, $OPEN_ROUNDS rounds. "send lag" is how late the load generator itself
started requests; it is part of both rows alike.

| Run | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | failed | send lag p99 ms | Cairn cores | other cores | steal |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
$open_rows

p99 added by Cairn, per round (through-Cairn p99 minus the direct p99 measured just before it):
$added_rounds ms; median **$added_p99 ms** (mean p99s: $cairn_p99 through Cairn, $direct_p99 direct). Cairn's peak VmRSS during the through-Cairn open-loop
runs (sampled every 200 ms from /proc): **$rss_mib MiB**.
Failed requests across all runs: $failures_total.

## Where the time goes

JFR recording of Cairn during a ${PROFILE_DURATION} s closed loop at $CONNECTIONS connections
(\`jcmd JFR.start settings=profile\` plus JDK 25's CPU-time sampler at one sample per 2 ms of CPU
time per thread; stack depth 256). The CPU-time sampler also sees native frames (socket I/O,
SQLite), which the execution sampler below does not.

$profile_cpu

<details><summary>Execution sampler (jdk.ExecutionSample), same recording</summary>

$profile_exec

</details>

GC during the profiled run (\`jfr view gc\`):

\`\`\`
$gc_summary
\`\`\`
EOF
if [ -n "$notes" ]; then printf '\n%s\n' "$notes" >> "$root/BENCHMARKS.md"; fi
log "wrote BENCHMARKS.md: ratio $ratio %, p99 added $added_p99 ms, max RSS $rss_mib MiB"
