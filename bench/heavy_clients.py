#!/usr/bin/env python3
"""The load driver of bench/heavy-clients.sh: heavy clients, or the probe that times what others see.

  heavy_clients.py heavy PORT KEY CLIENTS SECONDS OUT_JSON
  heavy_clients.py probe PORT KEY SECONDS WARMUP OUT_JSON

`heavy` runs CLIENTS threads for SECONDS, each sending in turn the heaviest requests a key may send:
  - a stream of n=128 answers to cairn/echo with a 30 KB prompt and the largest max_tokens the
    key's default output bound admits (131,072 / 128 = 1,024; echo repeats 16,384 words in all), read
    to the end;
  - the same with no max_tokens (what the review sent; refused by the output bound);
  - a chat whose body is just under the 4 MB body limit;
  - a stream of n=128 that is never read: the socket is left open (until the run ends) so that
    the server has to time the write out.
`probe` runs in its own process (no lock shared with the heavy threads), from WARMUP s on: a
GET /health/live every 50 ms and a normal chat (one short message to cairn/echo, another key)
every 100 ms, each on a fresh connection, and writes every latency. Loopback only; every socket
has a timeout, and the run ends after SECONDS whatever happens.
"""
import json
import socket
import sys
import threading
import time

HOST = "127.0.0.1"
WORDS = ("cairn stones mark the trail across the high moor where hikers pass in fog and rain ") * 400
PROMPT_30K = WORDS[:30000]


def request_bytes(port, key, path, body, method="POST"):
    data = body.encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n"
    if key:
        head += f"Authorization: Bearer {key}\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    return head.encode() + b"\r\n" + data


def exchange(port, key, path, body, method="POST", timeout=120, read=True):
    """Sends one request on a new connection; reads the whole answer. Returns (status, bytes read)."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    try:
        s.sendall(request_bytes(port, key, path, body, method))
        if not read:
            return s
        total = 0
        first = b""
        while True:
            chunk = s.recv(262144)
            if not chunk:
                break
            if len(first) < 16:
                first += chunk[:16]
            total += len(chunk)
        status = int(first.split(b" ")[1]) if first.startswith(b"HTTP/") else 0
        return status, total
    finally:
        if read:
            s.close()


def chat_body(extra):
    return json.dumps(dict({"model": "cairn/echo", "messages": [{"role": "user", "content": PROMPT_30K}]}, **extra))


def heavy(port, key, clients, seconds, out):
    deadline = time.monotonic() + seconds
    big = json.dumps({"model": "cairn/echo", "max_tokens": 16,
                      "messages": [{"role": "user", "content": ("x" * 63 + " ") * (4 * 1024 * 1024 // 64 - 64)}]})
    kinds = [
        ("stream_n128_max1024", chat_body({"stream": True, "n": 128, "max_tokens": 1024}), True),
        ("stream_n128_unbounded", chat_body({"stream": True, "n": 128}), True),
        ("body_4mb", big, True),
        ("stream_n128_never_read", chat_body({"stream": True, "n": 128, "max_tokens": 1024}), False),
    ]
    counts = {}
    lock = threading.Lock()
    unread = []

    def client(index):
        i = index
        while time.monotonic() < deadline:
            name, body, read = kinds[i % len(kinds)]
            i += 1
            try:
                if read:
                    status, size = exchange(port, key, "/v1/chat/completions", body, timeout=max(1, deadline - time.monotonic()))
                else:
                    unread.append(exchange(port, key, "/v1/chat/completions", body, read=False))
                    status, size = 0, 0
            except OSError as e:
                status, size = type(e).__name__, 0
            with lock:
                entry = counts.setdefault(name, {})
                entry[str(status)] = entry.get(str(status), 0) + 1
                entry["bytes"] = entry.get("bytes", 0) + size

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0, deadline - time.monotonic()) + 5)
    for s in unread:
        s.close()
    with open(out, "w") as f:
        json.dump(counts, f)


def probe(port, key, seconds, warmup, out):
    start = time.monotonic()
    deadline = start + seconds
    results = {"live": [], "chat": [], "live_errors": 0, "chat_errors": 0}
    normal = json.dumps({"model": "cairn/echo", "max_tokens": 32,
                         "messages": [{"role": "user", "content": "What is a cairn, and why do hikers build them?"}]})

    def loop(name, period, call):
        next_at = time.monotonic()
        while next_at < deadline:
            now = time.monotonic()
            if next_at > now:
                time.sleep(next_at - now)
            t0 = time.monotonic()
            try:
                status, _ = call()
                ok = status == 200
            except OSError:
                ok = False
            took = time.monotonic() - t0
            if t0 - start >= warmup:
                if ok:
                    results[name].append(took * 1000)
                else:
                    results[name + "_errors"] += 1
            next_at += period

    live = threading.Thread(target=loop, args=("live", 0.05, lambda: exchange(port, None, "/health/live", None, "GET", 10)))
    chat = threading.Thread(target=loop, args=("chat", 0.1, lambda: exchange(port, key, "/v1/chat/completions", normal, timeout=10)))
    live.start()
    chat.start()
    live.join()
    chat.join()
    with open(out, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "heavy":
        heavy(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    elif mode == "probe":
        probe(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    else:
        sys.exit("usage: heavy_clients.py heavy|probe ...")
