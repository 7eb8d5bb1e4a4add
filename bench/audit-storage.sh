#!/usr/bin/env bash
# Audit storage per 1,000 typical requests, sealed content compressed (this build) against the same
# entries sealed uncompressed (the format before, computed from each entry's opened content).
#
#   bench/audit-storage.sh ../shared/data/locomo/locomo-dev.json
#
# The mix (REQUESTS, default 1000): 40 % chat of 2 to 7 messages, 20 % the same streamed, 10 % n=4,
# 20 % embeddings of 1 to 8 inputs, 10 % chat with three tools and metadata; then one n=128 stream
# from cairn/echo with a 5,000-word prompt (the review's heavy case). Prompts and answers are
# LoCoMo's conversational turns, answered by a fake upstream in bench/audit-storage.py.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/lib.sh"
texts="$(cd "$(dirname "${1:?usage: bench/audit-storage.sh <path to locomo-dev.json>}")" && pwd)/$(basename "$1")"
REQUESTS=${REQUESTS:-1000}
PORT=${PORT:-9311}
FAKE_PORT=${FAKE_PORT:-9310}
work="$(mktemp -d /tmp/cairn-audit-storage.XXXXXX)"
cairn_pid=
cleanup() {
  [ -n "$cairn_pid" ] && kill "$cairn_pid" 2>/dev/null && wait "$cairn_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

write_cairn_config "$work/cairn.yaml" "$FAKE_PORT"
key="$(create_bench_key "$work/data" "$work/keys.log")"
start_cairn "$PORT" "$work/data" "$work/cairn.yaml" "$work/cairn.log"
wait_until_up "http://127.0.0.1:$PORT/health/live" "$cairn_pid" "$work/cairn.log"
python3 bench/audit-storage.py "http://127.0.0.1:$PORT" "$key" "$work/data/cairn.db" "$FAKE_PORT" "$texts" "$REQUESTS" \
  | tee "$work/result.json"
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("| requests | count | sealed plaintext | stored before (uncompressed) | stored after | of which blobs | after / before |")
print("|---|---:|---:|---:|---:|---:|---:|")
tot = [0, 0, 0, 0, 0]
for kind, (n, plain, before, after, blobs) in r["kinds"].items():
    print(f"| {kind} | {n} | {plain/1e6:.2f} MB | {before/1e6:.2f} MB | {after/1e6:.2f} MB | {blobs/1e6:.2f} MB | {after/before:.2f} |")
    if kind != "n128-echo":
        for i, v in enumerate((n, plain, before, after, blobs)):
            tot[i] += v
n, plain, before, after, blobs = tot
print(f"| **the mix** | {n} | {plain/1e6:.2f} MB | {before/1e6:.2f} MB | {after/1e6:.2f} MB | {blobs/1e6:.2f} MB | {after/before:.2f} |")
print(f"\nsent in {r['sent_seconds']} s")
PY
