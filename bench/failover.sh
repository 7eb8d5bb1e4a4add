#!/usr/bin/env bash
# Routing through a failing provider (issue 27): what a client sees while one of a group's two
# deployments fails half its calls and then goes down for good.
#
#   bench/failover.sh          (knobs: RATE DURATION WARMUP DOWN_AT FAIL_RATIO BREAKER JFR=1 SKIP_BUILD=1 QUICK=1)
#
# Two fake upstreams as two providers, `good` (:9101, healthy) and `flaky` (:9102, answers
# FAIL_RATIO of its completions with a 503 from the start), and Cairn (:9181) with one group
#
#   smart: weighted, equal weights, over good/bench-model and flaky/bench-model
#
# Open loop at RATE req/s (latency from each request's intended send time: no coordinated
# omission) for DURATION s after WARMUP s; DOWN_AT s into the measured window the script takes
# `flaky` down for good (POST /admin/down: the fake closes its listening socket and its connections,
# so further calls are refused). Meanwhile it polls Cairn's /health/ready every 50 ms for the breaker
# of flaky/bench-model. Reports:
#   - requests and client-visible errors (count, rate) over the whole window;
#   - p50/p99 before the failure, in the window around it (-0.5 s .. +2.5 s of the moment it went
#     down, by intended send time; the series' 100 ms buckets) and after it: the added p99 is the
#     around-window's p99 minus the before-window's;
#   - time from the moment flaky went down to the first poll that shows its breaker OPEN (and the
#     last poll before that which did not, so the figure is bounded on both sides);
#   - the same load, before the failover run, straight at the healthy fake and through Cairn at
#     good/bench-model alone (one deployment), for the baseline latency.
#
# /metrics is made public (cairn.metrics.public) so that the script can read the attempts by result.
# BREAKER=tuned (the default) sets cairn.routing.breaker.window=100 and failure-rate=75: with the
# defaults (window 20, failure-rate 50) a deployment that fails half its calls is itself over the
# threshold, so its breaker opens in the first second and stays open (each half-open probe pair
# fails with 75 % odds), and "time until the breaker opens when it goes down" means nothing.
# BREAKER=defaults runs with the defaults anyway. Raw output lands in bench/results/failover-*.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"

RATE=${RATE:-500}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-40}
DOWN_AT=${DOWN_AT:-20}
FAIL_RATIO=${FAIL_RATIO:-0.5}
BREAKER=${BREAKER:-tuned}
GOOD_PORT=${GOOD_PORT:-9101}
FLAKY_PORT=${FLAKY_PORT:-9102}
CAIRN_PORT=${CAIRN_PORT:-9181}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -DskipTests package >&2
fi
. "$root/bench/lib.sh"

results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d /tmp/cairn-failover.XXXXXX)"
good_pid= flaky_pid= cairn_pid=
trap 'kill $(jobs -p) 2>/dev/null || true
      for pid in $cairn_pid $good_pid $flaky_pid; do wait "$pid" 2>/dev/null || true; done
      rm -rf "$work"' EXIT
log() { printf '[failover %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

for port in "$GOOD_PORT" "$FLAKY_PORT" "$CAIRN_PORT"; do
  ! ss -Hltn "sport = :$port" | grep -q . || { echo "port $port is in use" >&2; exit 1; }
done

start_fake "$GOOD_PORT" "$results/failover-good.log"; good_pid=$fake_pid
start_fake "$FLAKY_PORT" "$results/failover-flaky.log" --fail-ratio "$FAIL_RATIO"; flaky_pid=$fake_pid

case "$BREAKER" in
  tuned) breaker_yaml=$'  routing:\n    breaker:\n      window: 100\n      failure-rate: 75' ;;
  defaults) breaker_yaml= ;;
  *) echo "BREAKER must be tuned or defaults" >&2; exit 2 ;;
esac
cat > "$work/cairn.yaml" <<YAML
cairn:
  providers:
    good:
      type: openai
      base-url: http://127.0.0.1:$GOOD_PORT/v1
      api-key: unused
    flaky:
      type: openai
      base-url: http://127.0.0.1:$FLAKY_PORT/v1
      api-key: unused
  models:
    smart:
      strategy: weighted
      deployments:
        - model: good/bench-model
          weight: 1
        - model: flaky/bench-model
          weight: 1
  metrics:
    public: true
$breaker_yaml
YAML
cp "$work/cairn.yaml" "$results/failover-cairn.yaml"
key="$(create_bench_key "$work/data" "$results/failover-keys.log")"
# JFR=1 records Cairn from its start (default settings: deoptimizations, safepoints, GC) into
# bench/results/failover-cairn.jfr, and lists what happened in the second after flaky went down.
jfr_opts=()
[ "${JFR:-0}" = 1 ] && jfr_opts=(CAIRN_JAVA_OPTS="-XX:StartFlightRecording=name=failover,filename=$results/failover-cairn.jfr,dumponexit=true")
start_cairn "$CAIRN_PORT" "$work/data" "$work/cairn.yaml" "$results/failover-cairn.log" "${jfr_opts[@]}"
wait_until_up "http://127.0.0.1:$GOOD_PORT/health" "$good_pid" "$results/failover-good.log"
wait_until_up "http://127.0.0.1:$FLAKY_PORT/health" "$flaky_pid" "$results/failover-flaky.log"
wait_until_up "http://127.0.0.1:$CAIRN_PORT/health/ready" "$cairn_pid" "$results/failover-cairn.log"

write_request_body "$work/body.json"
sed 's#"fake/bench-model"#"smart"#' "$work/body.json" > "$work/group.json"
sed 's#"fake/bench-model"#"good/bench-model"#' "$work/body.json" > "$work/single.json"
cairn_url="http://127.0.0.1:$CAIRN_PORT/v1/chat/completions"
direct_url="http://127.0.0.1:$GOOD_PORT/v1/chat/completions"
auth="Authorization: Bearer $key"
for body in single group; do
  curl -sf -H "$auth" -H 'Content-Type: application/json' --data @"$work/$body.json" "$cairn_url" \
    | jq -e '.usage.total_tokens > 0' > /dev/null || { echo "sanity request ($body) through Cairn failed" >&2; exit 1; }
done

load() {   # NAME MODE FLAG VALUE URL BODY WARMUP DURATION [more generator args]: in the foreground
  local name=$1 mode=$2 flag=$3 value=$4 url=$5 body=$6 warmup=$7 duration=$8
  shift 8
  "${load_generator[@]}" "$mode" "$flag" "$value" --url "$url" --body "$work/$body.json" --header "$auth" \
    --warmup "$warmup" --duration "$duration" --label "$name" "$@" > "$work/$name.out" 2>> "$results/failover-load.log"
  grep '^{"mode"' "$work/$name.out" | tail -n 1 > "$results/failover-$name.json"
}

# The JIT first (a minute of closed loop on the one-deployment route, which leaves flaky's breaker
# untouched), then the baselines: the healthy fake straight, and through Cairn at it alone.
log "warming up Cairn (closed loop, 16 connections, 30 s, good/bench-model)"
q=${QUICK:+0.1}   # QUICK=1: a tenth of the warm-up and baselines, to try the script out
load warmup closed --connections 16 "$cairn_url" single "$(echo "${q:-1} * 25" | bc)" 5
log "baseline: $RATE req/s straight at the healthy fake, then through Cairn at good/bench-model"
load direct open --rate "$RATE" "$direct_url" single 5 "$(echo "${q:-1} * 20" | bc)"
load single open --rate "$RATE" "$cairn_url" single "$(echo "${q:-1} * 10" | bc)" "$(echo "${q:-1} * 20" | bc)"

# The failover run: the generator in the background, the breaker poller beside it, flaky taken down
# DOWN_AT s into the measured window (the generator starts its schedule ~1 s after its JVM starts;
# the mark file holds the real moment, and the report places it in the window).
mark="$work/down.ms"
: > "$mark"
poll="$results/failover-breaker.log"
: > "$poll"
log "failover run: $RATE req/s at model smart, ${WARMUP} s warm-up + ${DURATION} s; flaky goes down ~${DOWN_AT} s in"
"${load_generator[@]}" open --rate "$RATE" --url "$cairn_url" --body "$work/group.json" --header "$auth" \
  --warmup "$WARMUP" --duration "$DURATION" --label failover --bucket-ms 100 --mark-file "$mark" \
  > "$work/failover.out" 2> "$work/failover.err" &
gen=$!
window_ms=
for _ in $(seq 1 600); do
  window_ms=$(grep -o 'window starts at epoch ms [0-9]*' "$work/failover.err" | grep -o '[0-9]*$' || true)
  [ -n "$window_ms" ] && break
  sleep 0.1
done
[ -n "$window_ms" ] || { echo "the load generator did not start; see $work/failover.err" >&2; cat "$work/failover.err" >&2; exit 1; }
touch "$work/polling"
# One Python process on one keep-alive connection: a curl, grep and date per poll would cost this
# loaded machine three process starts every 50 ms and stretch the polls (seen: 0.8 s apart).
python3 - "$CAIRN_PORT" "$work/polling" "$poll" <<'PY' &
import http.client, json, os, sys, time
port, flag, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
with open(out, "a", buffering=1) as log:
    while os.path.exists(flag):
        before = int(time.time() * 1000)
        try:
            conn.request("GET", "/health/ready")
            body = conn.getresponse().read()
            state = json.loads(body).get("checks", {}).get("deployments", {})
            state = state.get("details", state).get("flaky/bench-model", "none")
        except Exception as e:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            state = "error"
        log.write("%d %d %s\n" % (before, int(time.time() * 1000), state))
        time.sleep(0.05)
PY
poller=$!
sleep "$(echo "($window_ms + $DOWN_AT * 1000 - $(date +%s%3N)) / 1000" | bc -l)"
curl -sf -X POST "http://127.0.0.1:$FLAKY_PORT/admin/down" > "$mark"
log "flaky went down at $(cat "$mark") (epoch ms)"
wait "$gen"
cat "$work/failover.err" >> "$results/failover-load.log"
rm -f "$work/polling"; wait "$poller" 2>/dev/null || true
grep '^{"mode"' "$work/failover.out" | tail -n 1 > "$results/failover-run.json"
if [ "${JFR:-0}" = 1 ]; then
  "$JAVA_HOME/bin/jcmd" "$cairn_pid" JFR.dump name=failover filename="$results/failover-cairn.jfr" > /dev/null
fi
curl -s "http://127.0.0.1:$CAIRN_PORT/metrics" | grep '^cairn_route_' > "$results/failover-metrics.txt" || true

# --- figures ----------------------------------------------------------------------------------
r="$results/failover-run.json"
down=$(cat "$mark")
# The first poll after the moment that saw OPEN, and the last before it that did not.
read -r open_lo open_hi < <(awk -v down="$down" '
  $1 >= down && $3 != "OPEN" { lo = $2 }
  $1 >= down && $3 == "OPEN" { if (lo == "") lo = down; print lo - down, $2 - down; found = 1; exit }
  END { if (!found) print "none", "none" }' "$poll")
open_before=$(awk -v down="$down" '$2 < down && $3 == "OPEN"' "$poll" | wc -l)
polls_before=$(awk -v down="$down" '$2 < down' "$poll" | wc -l)
errors_by_second=$(jq -r '[.series[] | select(.failed > 0) | "\(.t_s)s:\(.failed)"] | join(" ")' "$r")
{
  echo "failover.sh  RATE=$RATE WARMUP=$WARMUP DURATION=$DURATION DOWN_AT=$DOWN_AT FAIL_RATIO=$FAIL_RATIO BREAKER=$BREAKER  $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  jq -r '"baseline direct to the healthy fake: p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms, failed \(.requests_failed)"' "$results/failover-direct.json"
  jq -r '"baseline through Cairn, good/bench-model alone: p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms, failed \(.requests_failed)"' "$results/failover-single.json"
  jq -r '"failover run, model smart: requests \(.requests_ok + .requests_failed), client-visible errors \(.requests_failed) (\(if .requests_ok + .requests_failed > 0 then (.requests_failed * 1e6 / (.requests_ok + .requests_failed) | round / 1e4) else 0 end) %) \(.failures)"' "$r"
  jq -r '"  whole window: p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms max \(.latency_ms.max) ms; flaky down at \(.mark_s) s of the window"' "$r"
  jq -r '.phases | "  before (flaky failing \("'"$FAIL_RATIO"'")): ok \(.before.requests_ok) failed \(.before.requests_failed) p50 \(.before.latency_ms.p50) p99 \(.before.latency_ms.p99) p99.9 \(.before.latency_ms.p999) max \(.before.latency_ms.max) ms",
    "  around (\(.around_s[0])..+\(.around_s[1]) s): ok \(.around.requests_ok) failed \(.around.requests_failed) p50 \(.around.latency_ms.p50) p99 \(.around.latency_ms.p99) p99.9 \(.around.latency_ms.p999) max \(.around.latency_ms.max) ms",
    "  after (flaky down): ok \(.after.requests_ok) failed \(.after.requests_failed) p50 \(.after.latency_ms.p50) p99 \(.after.latency_ms.p99) p99.9 \(.after.latency_ms.p999) max \(.after.latency_ms.max) ms",
    "  added p99 around the failover (around minus before): \((.around.latency_ms.p99 - .before.latency_ms.p99) * 1000 | round / 1000) ms; vs after: \((.around.latency_ms.p99 - .after.latency_ms.p99) * 1000 | round / 1000) ms"' "$r"
  echo "  breaker of flaky/bench-model: OPEN in $open_lo..$open_hi ms after flaky went down (polls every 50 ms); polls seeing it OPEN before: $open_before of $polls_before"
  echo "  seconds with client-visible errors (100 ms buckets, t from window start): ${errors_by_second:-none}"
  echo "  Cairn's attempts (cairn_route_attempts_total):"
  grep '^cairn_route_attempts_total' "$results/failover-metrics.txt" | sed 's/^/    /' || true
} | tee "$results/failover-summary.txt"
