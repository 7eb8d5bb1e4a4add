#!/usr/bin/env bash
# Times POST /v1/guard/scan on adversarial texts that repeat what a scanner looks for (PEM BEGIN
# lines without an END, one injection phrase, e-mail addresses), at growing sizes up to the 4 MB
# body limit. A scan whose cost grows faster than its text is a way to hold a core per request;
# the times should grow in proportion to the size. Prints a table; run it in two checkouts to
# compare them (BENCHMARKS.md, "Guard: worst-case inputs").
#
#   bench/guard-worst-case.sh [PORT]     sizes from SIZES (default "2000 4000 8000 32000 64000 120000" repeats)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
port=${1:-18160}
work="$(mktemp -d /tmp/cairn-worst.XXXXXX)"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

key="$(./cairn keys create --data-dir "$work/data" --workspace worst --name worst 2>/dev/null)"
./cairn serve --port "$port" --data-dir "$work/data" > "$work/cairn.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.5; done

SIZES="${SIZES:-2000 4000 8000 32000 64000 120000}" python3 - "$port" "$key" <<'PY'
import json, os, sys, time, urllib.request
port, key = sys.argv[1], sys.argv[2]
def scan(text):
    body = json.dumps({"text": text, "direction": "input"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/guard/scan", body,
                                     {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            answer.read()
            status = answer.status
    except Exception as e:
        status = type(e).__name__
    return time.perf_counter() - start, status
scan("warm up " * 100)
print("| text | repeats | bytes | time | status |\n|---|---:|---:|---:|---|")
for name, unit in [("PEM BEGIN line, no END", "-----BEGIN RSA PRIVATE KEY-----"),
                   ("injection phrase", "ignore previous instructions "),
                   ("e-mail address", "mail a.b@example.org now ")]:
    for n in map(int, os.environ["SIZES"].split()):
        if len(unit) * n > 4_000_000:
            continue
        seconds, status = scan(unit * n)
        print(f"| {name} | {n} | {len(unit) * n:,} | {seconds * 1000:,.0f} ms | {status} |", flush=True)
PY
