#!/usr/bin/env bash
# No request stalls the server (issue 33, point 4): while heavy clients send the heaviest requests
# one key may send, how long does /health/live take, and a normal chat of another key?
#
#   bench/heavy-clients.sh        (knobs: CLIENTS DURATION WARMUP CAIRN_PORT SKIP_BUILD=1)
#
# Cairn (:9183) in its default configuration (cairn/echo is built in, so no upstream is needed).
# CLIENTS (4) threads of bench/heavy_clients.py on one key, for WARMUP + DURATION seconds, each in
# turn: a stream of n=128 echo answers of a 30 KB prompt at the largest max_tokens the default
# output bound admits (1,024 each; echo cuts it to 16,384 words in all: 16,384 chunks, ~3 MB), read
# to the end; the same without
# max_tokens (the review's request: refused by the bound); a body just under the 4 MB limit; the
# n=128 stream again, never read (held open until the write timeout ends it). A probe in its own
# process, on a second key, from WARMUP s on: GET /health/live every 50 ms, a short chat to
# cairn/echo every 100 ms. Reports p50/p99/max of both, the heavy requests' outcomes, and Cairn's
# CPU seconds. Targets: /health/live p99 < 100 ms, normal chat p99 < 250 ms. Loopback only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"

CLIENTS=${CLIENTS:-4}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-60}
CAIRN_PORT=${CAIRN_PORT:-9183}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -DskipTests -pl cairn-server -am package >&2
fi
. "$root/bench/lib.sh"
bench_workdir heavy-clients
log() { printf '[heavy-clients %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

printf 'cairn: {}\n' > "$work/cairn.yaml"
heavy_key=$(create_bench_key "$work/data" "$work/keys.err")
probe_key=$(env -u CAIRN_LOGGING_ACCESS_LOG ./cairn keys create --data-dir "$work/data" --workspace probe --name probe 2>>"$work/keys.err")
start_cairn "$CAIRN_PORT" "$work/data" "$work/cairn.yaml" "$work/cairn.log"
wait_until_up "http://127.0.0.1:$CAIRN_PORT/health/live" "$cairn_pid" "$work/cairn.log"
log "Cairn up (pid $cairn_pid); $CLIENTS heavy clients for $((WARMUP + DURATION)) s, probe from ${WARMUP} s"

ticks_before=$(proc_ticks "$cairn_pid")
python3 bench/heavy_clients.py probe "$CAIRN_PORT" "$probe_key" "$((WARMUP + DURATION))" "$WARMUP" "$work/probe.json" &
probe_pid=$!
python3 bench/heavy_clients.py heavy "$CAIRN_PORT" "$heavy_key" "$CLIENTS" "$((WARMUP + DURATION))" "$work/heavy.json"
wait "$probe_pid"
ticks_after=$(proc_ticks "$cairn_pid")
hz=$(getconf CLK_TCK)

python3 - "$work/probe.json" "$work/heavy.json" "$(( ticks_after - ticks_before ))" "$hz" "$((WARMUP + DURATION))" <<'PY'
import json, sys
probe = json.load(open(sys.argv[1])); heavy = json.load(open(sys.argv[2]))
cpu = int(sys.argv[3]) / int(sys.argv[4]); seconds = float(sys.argv[5])
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")
for name, target in (("live", 100), ("chat", 250)):
    v = probe[name]
    label = "/health/live" if name == "live" else "normal chat "
    print(f"{label}  n={len(v):5d}  errors={probe[name + '_errors']}  p50={pct(v, 50):7.1f} ms  p99={pct(v, 99):7.1f} ms"
          f"  max={max(v) if v else float('nan'):7.1f} ms  (target p99 < {target} ms: {'met' if v and pct(v, 99) < target else 'NOT met'})")
for kind, outcome in sorted(heavy.items()):
    print(f"heavy {kind:26s} " + "  ".join(f"{k}={v}" for k, v in sorted(outcome.items())))
print(f"Cairn CPU: {cpu:.1f} s in {seconds:.0f} s ({cpu / seconds * 100:.0f} % of one core)")
PY
