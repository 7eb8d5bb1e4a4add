#!/usr/bin/env bash
# The cost of routing (issue 27): Cairn's CPU per request when the model is a group of four
# deployments against when it is one provider's <provider>/<model>, side by side in one run.
#
#   bench/routing-cost.sh      (knobs: ROUNDS RATE WINDOW CONNECTIONS SKIP_BUILD=1)
#
# One fake upstream (:9111) as provider `fake`, one Cairn (:9183, defaults, access log off) with
#
#   quad: weighted, equal weights, over fake/bench-model-1 .. fake/bench-model-4 (all healthy)
#
# and requests that differ only in their model: `quad`, or `fake/bench-model`. After a warm-up of
# both (closed loop, 16 connections, 20 s each), ROUNDS rounds, each measuring both variants in
# turn, the order flipped every round (A B, B A, A B...) so that a drift of the machine does not
# favour one: per variant and round, Cairn's CPU (utime + stime from /proc) over WINDOW s of open
# loop at RATE req/s (after 10 s of it unmeasured: the switch from the closed loop sets the JIT
# recompiling for several seconds, see bench/variants.sh; a 5 s warm-up left a p99 of 4.5 s in the first round), in ms per request, and over WINDOW s of closed
# loop at CONNECTIONS connections, in ms per answer. Also the machine's other CPU use in each window
# (busy ticks of /proc/stat minus Cairn, fake and load generator), since this machine is shared.
# Prints a line per measurement, then group / single ratios: per round, and their median.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"

ROUNDS=${ROUNDS:-3}
RATE=${RATE:-1000}
WINDOW=${WINDOW:-20}
CONNECTIONS=${CONNECTIONS:-16}
FAKE_PORT=${FAKE_PORT:-9111}
CAIRN_PORT=${CAIRN_PORT:-9183}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -DskipTests package >&2
fi
. "$root/bench/lib.sh"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d /tmp/cairn-routing-cost.XXXXXX)"
cairn_pid= fake_pid=
trap 'kill $(jobs -p) 2>/dev/null || true
      for pid in $cairn_pid $fake_pid; do wait "$pid" 2>/dev/null || true; done
      rm -rf "$work"' EXIT
log() { printf '[routing-cost %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

for port in "$FAKE_PORT" "$CAIRN_PORT"; do
  ! ss -Hltn "sport = :$port" | grep -q . || { echo "port $port is in use" >&2; exit 1; }
done
start_fake "$FAKE_PORT" "$results/routing-cost-fake.log"
write_cairn_config "$work/cairn.yaml" "$FAKE_PORT"
cat >> "$work/cairn.yaml" <<'YAML'
  models:
    quad:
      strategy: weighted
      deployments:
        - model: fake/bench-model-1
          weight: 1
        - model: fake/bench-model-2
          weight: 1
        - model: fake/bench-model-3
          weight: 1
        - model: fake/bench-model-4
          weight: 1
YAML
cp "$work/cairn.yaml" "$results/routing-cost-cairn.yaml"
key="$(create_bench_key "$work/data" "$results/routing-cost-keys.log")"
start_cairn "$CAIRN_PORT" "$work/data" "$work/cairn.yaml" "$results/routing-cost-cairn.log"
wait_until_up "http://127.0.0.1:$FAKE_PORT/health" "$fake_pid" "$results/routing-cost-fake.log"
wait_until_up "http://127.0.0.1:$CAIRN_PORT/health/ready" "$cairn_pid" "$results/routing-cost-cairn.log"

write_request_body "$work/single.json"
sed 's#"fake/bench-model"#"quad"#' "$work/single.json" > "$work/group.json"
url="http://127.0.0.1:$CAIRN_PORT/v1/chat/completions"
auth="Authorization: Bearer $key"
for body in single group; do
  curl -sf -H "$auth" -H 'Content-Type: application/json' --data @"$work/$body.json" "$url" \
    | jq -e '.usage.total_tokens > 0' > /dev/null || { echo "sanity request ($body) failed" >&2; exit 1; }
done

hz=$(getconf CLK_TCK)
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
# measure NAME BODY MODE FLAG VALUE WARMUP: Cairn's CPU ms per request over WINDOW s after WARMUP s of load,
# then "other" cores; the generator's report in $work/NAME.out.
measure() {
  local name=$1 body=$2 mode=$3 flag=$4 value=$5 warmup=$6
  "${load_generator[@]}" "$mode" "$flag" "$value" --url "$url" --body "$work/$body.json" --header "$auth" \
    --warmup "$warmup" --duration "$WINDOW" --label "$name" > "$work/$name.out" 2>> "$results/routing-cost-load.log" &
  local gen=$!
  sleep "$warmup"
  local c0 f0 g0 m0 c1 f1 g1 m1
  c0=$(proc_ticks "$cairn_pid"); f0=$(proc_ticks "$fake_pid"); g0=$(proc_ticks "$gen"); m0=$(machine_busy)
  sleep "$WINDOW"
  c1=$(proc_ticks "$cairn_pid"); f1=$(proc_ticks "$fake_pid"); g1=$(proc_ticks "$gen"); m1=$(machine_busy)
  wait "$gen"
  local report
  report=$(grep '^{"mode"' "$work/$name.out" | tail -n 1)
  echo "$report" > "$results/routing-cost-$name.json"
  local failed answered
  failed=$(jq .requests_failed <<< "$report")
  [ "$failed" = 0 ] || { echo "$name: $failed requests failed: $(jq -c .failures <<< "$report")" >&2; exit 1; }
  # Open loop: the schedule's requests in the window; closed loop: the answers counted in it.
  if [ "$mode" = open ]; then answered=$((RATE * WINDOW)); else answered=$(jq .requests_ok <<< "$report"); fi
  echo "$name $(echo "($c1 - $c0) * 1000 / $hz / $answered" | bc -l) $(echo "(($m1 - $m0) - ($c1 - $c0) - ($f1 - $f0) - ($g1 - $g0)) / $hz / $WINDOW" | bc -l) $(jq '.throughput_rps' <<< "$report") $(jq '.latency_ms.p99' <<< "$report")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "warm-up: closed loop, $CONNECTIONS connections, 20 s on each model (load average $load_before)"
measure warmup-single single closed --connections "$CONNECTIONS" 1 > /dev/null
measure warmup-group group closed --connections "$CONNECTIONS" 1 > /dev/null
: > "$work/rows"
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="single group"; else order="group single"; fi
  for variant in $order; do
    log "round $round: $variant"
    measure "open-$variant-$round" "$variant" open --rate "$RATE" 10 | tee -a "$work/rows" >&2
    measure "closed-$variant-$round" "$variant" closed --connections "$CONNECTIONS" 3 | tee -a "$work/rows" >&2
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- figures ----------------------------------------------------------------------------------
ratio_rows() {   # LOOP: group / single CPU per request, a line per round
  local r
  for r in $(seq 1 "$ROUNDS"); do
    awk -v g="$1-group-$r" -v s="$1-single-$r" '$1 == g {gv = $2} $1 == s {sv = $2} END {printf "%.4f\n", gv / sv}' "$work/rows"
  done
}
median() { sort -g | awk '{v[NR]=$1} END{m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.4f", m}'; }
{
  echo "routing-cost.sh  ROUNDS=$ROUNDS RATE=$RATE WINDOW=$WINDOW CONNECTIONS=$CONNECTIONS  $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo); load average before $load_before, after $load_after"
  echo "run                 cairn_cpu_ms_per_req  other_cores  req/s  p99_ms"
  awk '{printf "%-20s %10.4f %16.2f %9.0f %8.3f\n", $1, $2, $3, $4, $5}' "$work/rows"
  for loop in open closed; do
    echo "$loop loop, group / single CPU per request: rounds $(ratio_rows "$loop" | paste -sd ' '), median $(ratio_rows "$loop" | median)"
  done
} | tee "$results/routing-cost-summary.txt"
