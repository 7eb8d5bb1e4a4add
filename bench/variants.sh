#!/usr/bin/env bash
# Cairn's CPU per request, added latency and memory under one configuration, for comparing
# configurations side by side:
#
#   bench/variants.sh LABEL [NAME=VALUE ...]     e.g.  bench/variants.sh no-audit CAIRN_AUDIT_ENABLED=false
#   RATE=250 bench/variants.sh LABEL             the open loop at 250 req/s instead of 1,000 (a loaded machine)
#
# Starts a fake upstream on :9100 (unless one runs), Cairn on :9180 with the given environment and a
# fresh data dir, warms up 30 s, then measures Cairn's CPU (utime + stime from /proc) during 20 s
# of closed loop at 16 connections and during 20 s at 1,000 req/s (open loop, after 10 s of it
# unmeasured: see below). The open-loop run also gives latency (from each request's intended send
# time, so without coordinated omission), against the same load sent straight to the fake just
# before it, and Cairn's peak VmRSS. Cairn's access log is off unless a setting turns it on. One line:
#   LABEL open1000_cpu_ms_per_req=… closed16_rps=… closed_cpu_ms_per_req=…
#         direct_p99_ms=… p50_ms=… p99_ms=… p99_added_ms=… max_rss_mib=…
# THREADS=1 also prints Cairn's CPU per thread (pools folded) in each measured window, to stderr.
# PROFILE=open or PROFILE=closed adds a 20 s JFR recording of that load, bench/results/LABEL.jfr.
# Run the variants one after another, alternating, and compare them as ratios: runs minutes apart
# on a shared machine differ by 10-20 % on their own. Needs `./mvnw -DskipTests package` first.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
java="$JAVA_HOME/bin/java"
classpath="$root/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$root/bench/target/lib/*"
. "$root/bench/lib.sh"
label=${1:?usage: bench/variants.sh LABEL [NAME=VALUE ...]}
shift
work="$(mktemp -d /tmp/cairn-variant.XXXXXX)"
cairn_pid=
fake_pid=
# Stops what this script started and is still running (`jobs -p` lists only those, so no pid of a
# process that ended long ago, perhaps reused since, is signalled): load generator, RSS sampler,
# Cairn, the fake. Cairn (whose graceful stop takes up to 20 s) and the fake are waited for, so that
# the next run finds their ports free. Each step may fail (a process already gone, an exit status of
# 143) without skipping the next: errexit holds inside the trap too.
trap 'kill $(jobs -p) 2>/dev/null || true
      for pid in $cairn_pid $fake_pid; do wait "$pid" 2>/dev/null || true; done
      rm -rf "$work"' EXIT

if ! curl -sf -o /dev/null http://127.0.0.1:9100/health; then
  start_fake 9100 "$work/fake.log"
  wait_until_up http://127.0.0.1:9100/health "$fake_pid" "$work/fake.log"
fi
write_cairn_config "$work/cairn.yaml" 9100
key="$(create_bench_key "$work/data" /dev/null)"
# A CAIRN_JAVA_OPTS among the variant's settings is kept, with the JFR stack depth added to it.
java_opts="-XX:FlightRecorderOptions:stackdepth=256"
for setting in "$@"; do
  case "$setting" in CAIRN_JAVA_OPTS=*) java_opts="${setting#CAIRN_JAVA_OPTS=} $java_opts" ;; esac
done
start_cairn 9180 "$work/data" "$work/cairn.yaml" "$work/cairn.log" "$@" CAIRN_JAVA_OPTS="$java_opts"
wait_until_up http://127.0.0.1:9180/health/ready "$cairn_pid" "$work/cairn.log"
write_request_body "$work/body.json"
hz=$(getconf CLK_TCK)
load() {   # MODE FLAG VALUE WARMUP DURATION [URL], e.g. "closed --connections 16 15 5": in the background
  "${load_generator[@]}" "$1" "$2" "$3" \
    --url "${6:-http://127.0.0.1:9180/v1/chat/completions}" --warmup "$4" --duration "$5" \
    --body "$work/body.json" --header "Authorization: Bearer $key" > "$work/${7:-$1}.out" 2>> "$work/load.log" &
}
cpu_seconds() {   # WARMUP DURATION [NAME]: Cairn's CPU seconds in the DURATION s after the WARMUP s of the running load
  sleep "$1"; local t0 t1
  [ -n "${3:-}" ] && thread_ticks "$cairn_pid" > "$work/$3.threads0"
  t0=$(proc_ticks "$cairn_pid"); sleep "$2"; t1=$(proc_ticks "$cairn_pid")
  [ -n "${3:-}" ] && thread_ticks "$cairn_pid" > "$work/$3.threads1"
  echo "($t1 - $t0) / $hz" | bc -l
}
report() { grep '^{"mode"' "$work/$1.out" | tail -n 1 | jq "$2"; }   # NAME FIELD: from a run's report line
failed() { report "$1" .requests_failed; }
latency() { report "$1" ".latency_ms.$2"; }
# Closed loop first: its warm-up and run give the JIT a minute of load before latency is taken, which
# a shorter warm-up leaves compiling (p99 of seconds at 1,000 req/s in a 20 s warm-up, seen here).
load closed --connections 16 25 5; wait $!
window=20         # seconds measured, in each loop
closed_warmup=3   # after the minute above
open_warmup=10    # see below
rate=${RATE:-1000} # requests a second in the open loop (RATE=…: lower on a machine that cannot serve 1,000)
# Threads are read only when asked: reading them is work on the machine while it is being measured.
per_thread=$([ "${THREADS:-}" = 1 ] && echo yes || true)
load closed --connections 16 "$closed_warmup" "$window"; gen=$!; cpu=$(cpu_seconds "$closed_warmup" "$window" "${per_thread:+closed}"); wait $gen
[ "$(failed closed)" = 0 ] || { echo "$(failed closed) requests failed in the closed loop" >&2; cat "$work/load.log" >&2; exit 1; }
rps=$(report closed .throughput_rps)
closed_cpu=$(echo "$cpu / $window / $rps * 1000" | bc -l)
# The switch from the closed loop (and 30 s idle) to 1,000 req/s sets the JIT recompiling the request
# path (Tomcat's and the HTTP client's, at C2) for about 6 s, during which upstream reads wait up to
# 85 ms (a JFR recording of the whole run, 2026-12-04): a 3 s warm-up left half of that in the window,
# and its p99 followed the transient rather than Cairn. 10 s of warm-up, as bench/run.sh gives.
load open --rate "$rate" "$open_warmup" "$window" http://127.0.0.1:9100/v1/chat/completions direct; wait $!
touch "$work/sampling"; rss_sampler "$cairn_pid" "$work/sampling" "$work/rss" & rss_pid=$!
load open --rate "$rate" "$open_warmup" "$window"; gen=$!
cpu=$(cpu_seconds "$open_warmup" "$window" "${per_thread:+open}"); wait $gen; rm -f "$work/sampling"
[ "$(failed open)" = 0 ] || { echo "$(failed open) requests failed at 1,000 req/s; see $work/load.log" >&2; cat "$work/load.log" >&2; exit 1; }
wait $rss_pid
peak_rss_mib=$(( $(max_rss "$work/rss") / 1024 ))
open_cpu=$(echo "$cpu * 1000 / ($rate * $window)" | bc -l)   # CPU ms over the requests of the window
case "${PROFILE:-}" in
  open|closed)
    mkdir -p "$root/bench/results"
    "$JAVA_HOME/bin/jcmd" "$cairn_pid" JFR.start name=variant settings=profile 'jdk.CPUTimeSample#enabled=true' \
      'jdk.CPUTimeSample#throttle=2ms' filename="$root/bench/results/$label.jfr" > /dev/null
    # Its own output files: the figures printed below are the unprofiled runs'.
    if [ "$PROFILE" = open ]; then load open --rate "$rate" 1 "$window" "" profile; else load closed --connections 16 1 "$window" "" profile; fi
    wait $!
    "$JAVA_HOME/bin/jcmd" "$cairn_pid" JFR.stop name=variant > /dev/null ;;
esac
printf '%s open1000_cpu_ms_per_req=%.3f closed16_rps=%s closed_cpu_ms_per_req=%.3f' \
  "$label" "$open_cpu" "$rps" "$closed_cpu"
direct_p99=$(latency direct p99)
p99=$(latency open p99)
printf ' direct_p99_ms=%s p50_ms=%s p99_ms=%s p99_added_ms=%.2f max_rss_mib=%s\n' "$direct_p99" \
  "$(latency open p50)" "$p99" "$(echo "$p99 - $direct_p99" | bc -l)" "$peak_rss_mib"
if [ -n "$per_thread" ]; then
  for loop in closed open; do
    echo "$label: Cairn's CPU by thread, $loop loop ($window s):" >&2
    thread_table "$work/$loop.threads0" "$work/$loop.threads1" "$hz" | head -n 12 >&2
  done
fi
