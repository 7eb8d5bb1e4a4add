#!/usr/bin/env bash
# Annotators claiming concurrently (issue 28, point 9): ANNOTATORS annotator keys (default 32), each
# on its own thread and keep-alive connection, claim items of one queue and submit a rating for each
# until the queue is empty. Reports claims/s and claim-and-submit cycles/s, the claim latency, and
# checks that no item was handed out twice (annotators_per_item 1: every item exactly once).
#
#   bench/annotation.sh          (after `./mvnw -DskipTests package`)
#
# Cairn on :9186, fresh data dir, audit log in sync; ITEMS chat requests (default 2000) through the
# built-in cairn/echo model make the queue's items.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/lib.sh"

PORT=${PORT:-9186}
ITEMS=${ITEMS:-2000}
ANNOTATORS=${ANNOTATORS:-32}
bench_workdir annotation

cat > "$work/cairn.yaml" <<YAML
cairn:
  audit:
    durability: sync
  feedback:
    metrics:
      quality: { type: float, min: 1, max: 5 }
YAML
key="$(create_bench_key "$work/data" /dev/null)"
admin="$(env -u CAIRN_LOGGING_ACCESS_LOG ./cairn keys create --data-dir "$work/data" --workspace ops --name admin --admin 2>/dev/null)"
start_cairn "$PORT" "$work/data" "$work/cairn.yaml" "$work/cairn.log"
wait_until_up "http://127.0.0.1:$PORT/health/ready" "$cairn_pid" "$work/cairn.log"

python3 - "$PORT" "$key" "$admin" "$ITEMS" "$ANNOTATORS" <<'PY'
import http.client, json, sys, threading, time
port, key, admin, items, annotators = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

def call(conn, method, path, token, body=None):
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else None)

def chats(n):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(n):
        status, _ = call(conn, "POST", "/v1/chat/completions", key,
                         {"model": "cairn/echo", "messages": [{"role": "user", "content": f"item {i}"}]})
        assert status == 200, status
threads = [threading.Thread(target=chats, args=(items // 8,)) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]

conn = http.client.HTTPConnection("127.0.0.1", port)
status, queue = call(conn, "POST", "/v1/annotation/queues", key, {
    "name": "bench", "questions": [{"name": "quality", "type": "rating", "metric": "quality"}],
    "annotators_per_item": 1, "lease": "10m"})
assert status in (200, 201), (status, queue)
total = queue["progress"]["items"]
keys = []
for i in range(annotators):
    status, made = call(conn, "POST", "/admin/keys", admin, {"workspace": "bench", "name": f"annotator-{i}", "role": "annotator"})
    assert status in (200, 201), (status, made)
    keys.append(made["secret"])

handed, latencies, lock = [], [], threading.Lock()
def annotate(token):
    c = http.client.HTTPConnection("127.0.0.1", port)
    while True:
        start = time.perf_counter()
        status, item = call(c, "POST", f"/v1/annotation/queues/{queue['id']}/claim", token)
        took = time.perf_counter() - start
        if status == 204:
            return
        assert status == 200, (status, item)
        number = item["item"]
        status, done = call(c, "POST", f"/v1/annotation/queues/{queue['id']}/items/{number}/submit", token,
                            {"answers": {"quality": 4}})
        assert status == 200, (status, done)
        with lock:
            handed.append(number); latencies.append(took)
start = time.perf_counter()
workers = [threading.Thread(target=annotate, args=(k,)) for k in keys]
[w.start() for w in workers]; [w.join() for w in workers]
elapsed = time.perf_counter() - start
latencies.sort()
q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
print(f"items={total} annotators={annotators} handed={len(handed)} distinct={len(set(handed))} "
      f"seconds={elapsed:.1f} claims_per_s={len(handed) / elapsed:.0f} claim_p50_ms={q(0.5):.1f} claim_p99_ms={q(0.99):.1f}")
assert len(handed) == total == len(set(handed)), "an item was handed out twice, or not at all"
PY
