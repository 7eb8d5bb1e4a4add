"""Audit storage per 1,000 typical requests: sends a fixed mix through a running Cairn, then reads
what the audit log stored (entries and blobs, from the SQLite file) and, from each entry's opened
content, what the same entries would have taken sealed uncompressed (the format before: the
canonical JSON plus the 28 bytes of nonce and tag, base64 in the entry, or beside it as a blob when
the entry would pass 65,535 bytes).

  python3 bench/audit-storage.py CAIRN_URL KEY DB_FILE FAKE_PORT TEXTS_JSON REQUESTS

Also serves the fake upstream (FAKE_PORT) whose answers are real conversational English (LoCoMo's
turns): a model's answers repeat the prompt far less than cairn/echo's copies, which would flatter
compression.
"""
import base64
import json
import random
import sqlite3
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

url, key, db_file, fake_port, texts_file, requests = sys.argv[1:7]
fake_port, requests = int(fake_port), int(requests)


def turns(path):
    data = json.load(open(path))
    out = []
    for sample in data:
        for name, value in sample["conversation"].items():
            if isinstance(value, list):
                out.extend(t["text"] for t in value if t.get("text"))
    return out


TEXTS = turns(texts_file)


def passage(rng, words):
    """Consecutive turns of one conversation, about WORDS words: text as people write it."""
    start = rng.randrange(len(TEXTS))
    out, count = [], 0
    while count < words:
        text = TEXTS[(start + len(out)) % len(TEXTS)]
        out.append(text)
        count += len(text.split())
    return " ".join(out)


class Fake(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        rng = random.Random(json.dumps(body, sort_keys=True))
        if self.path.endswith("/embeddings"):
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [{"object": "embedding", "index": i, "embedding": [round(rng.uniform(-1, 1), 6) for _ in range(384)]}
                    for i in range(len(inputs))]
            return self.json({"object": "list", "data": data, "model": body["model"],
                              "usage": {"prompt_tokens": 10 * len(inputs), "total_tokens": 10 * len(inputs)}})
        n = body.get("n", 1)
        answers = [passage(rng, rng.randint(40, 150)) for _ in range(n)]
        if not body.get("stream"):
            return self.json({"id": "chatcmpl-%08x" % rng.getrandbits(32), "object": "chat.completion", "created": 1,
                              "model": body["model"], "choices": [
                    {"index": i, "message": {"role": "assistant", "content": a}, "finish_reason": "stop"}
                    for i, a in enumerate(answers)],
                              "usage": {"prompt_tokens": 100, "completion_tokens": 100 * n, "total_tokens": 100 + 100 * n}})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cid = "chatcmpl-%08x" % rng.getrandbits(32)

        def event(obj):
            data = ("data: " + (obj if isinstance(obj, str) else json.dumps(obj)) + "\n\n").encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        for i, a in enumerate(answers):
            words = a.split(" ")
            for j in range(0, len(words), 4):
                event({"id": cid, "object": "chat.completion.chunk", "created": 1, "model": body["model"],
                       "choices": [{"index": i, "delta": {"content": " ".join(words[j:j + 4]) + " "}, "finish_reason": None}]})
            event({"id": cid, "object": "chat.completion.chunk", "created": 1, "model": body["model"],
                   "choices": [{"index": i, "delta": {}, "finish_reason": "stop"}]})
        event({"id": cid, "object": "chat.completion.chunk", "created": 1, "model": body["model"], "choices": [],
               "usage": {"prompt_tokens": 100, "completion_tokens": 100 * n, "total_tokens": 100 + 100 * n}})
        event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")

    def json(self, obj):
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def post(path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        r.read()
        return r.headers["Cairn-Request-Id"]


def get(path):
    req = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + key})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def conversation(rng):
    messages = [{"role": "system", "content": "You are a helpful, friendly assistant for a personal journaling app."}]
    for i in range(rng.choice([1, 2, 3])):
        messages.append({"role": "user", "content": passage(rng, rng.randint(15, 60))})
        messages.append({"role": "assistant", "content": passage(rng, rng.randint(40, 150))})
    messages.append({"role": "user", "content": passage(rng, rng.randint(15, 60))})
    return messages


TOOLS = [{"type": "function", "function": {"name": name, "description": description, "parameters": {
    "type": "object", "properties": {"query": {"type": "string", "description": "what to look up"},
                                     "limit": {"type": "integer", "description": "at most this many"}},
    "required": ["query"]}}} for name, description in [
    ("search_journal", "Searches the user's journal entries by words and dates."),
    ("add_reminder", "Adds a reminder to the user's calendar."),
    ("get_weather", "Gets the weather forecast for a city.")]]

KINDS = [("chat", 40), ("stream", 20), ("n4", 10), ("embeddings", 20), ("tools", 10)]


def request(rng, kind, i):
    model = "fake/bench-model"
    if kind == "embeddings":
        return "/v1/embeddings", {"model": model, "input": [passage(rng, rng.randint(10, 60)) for _ in range(rng.randint(1, 8))]}
    body = {"model": model, "messages": conversation(rng), "temperature": 0.7, "max_tokens": 400, "user": "user-%d" % (i % 50)}
    if kind == "stream":
        body.update(stream=True, stream_options={"include_usage": True})
    elif kind == "n4":
        body["n"] = 4
    elif kind == "tools":
        body.update(tools=TOOLS, tool_choice="auto", metadata={"session": "s-%d" % i, "app": "journal"})
    return "/v1/chat/completions", body


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def main():
    server = ThreadingHTTPServer(("127.0.0.1", fake_port), Fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rng = random.Random(33)
    plan = [kind for kind, share in KINDS for _ in range(requests * share // 100)]
    rng.shuffle(plan)
    ids = {}
    started = time.time()
    for i, kind in enumerate(plan):
        path, body = request(rng, kind, i)
        ids.setdefault(kind, []).append(post(path, body))
    sent = time.time() - started
    # The review's heavy case: one n=128 stream from cairn/echo, which repeats the prompt.
    heavy = post("/v1/chat/completions", {"model": "cairn/echo", "n": 128, "stream": True, "max_tokens": 1000,
                                          "messages": [{"role": "user", "content": passage(rng, 5000)}]})
    ids["n128-echo"] = [heavy]

    db = sqlite3.connect("file:%s?mode=ro" % db_file, uri=True)
    rows = {}
    for kind, kind_ids in ids.items():
        after_entries = after_blobs = before = plain_total = 0
        for rid in kind_ids:
            idx, data = db.execute("SELECT idx, data FROM audit_entries WHERE event_id = ?", (rid,)).fetchone()
            blob = db.execute("SELECT length(data) FROM audit_blobs WHERE idx = ?", (idx,)).fetchone()
            after_entries += len(data)
            after_blobs += blob[0] if blob else 0
            entry = json.loads(data)
            seal = entry.get("sealed")
            opened = get("/v1/audit/requests/" + rid)
            plain = canonical(opened["content"]) if seal else b""
            plain_total += len(plain)
            if not seal:
                before += len(data)
                continue
            # The same entry as the format before wrote it: the uncompressed ciphertext inline, or its
            # digest inline and the ciphertext beside it.
            skeleton = dict(entry)
            skeleton["sealed"] = {k: v for k, v in seal.items() if k not in ("ct", "ct_sha256", "ct_length", "zip")}
            sealed_len = len(plain) + 28
            inline = len(canonical(skeleton)) + len(',"ct":""') + 4 * ((sealed_len + 2) // 3)
            before += inline if inline <= 65535 else len(canonical(skeleton)) + 110 + sealed_len
        rows[kind] = (len(kind_ids), plain_total, before, after_entries + after_blobs, after_blobs)
    db.close()
    server.shutdown()
    print(json.dumps({"sent_seconds": round(sent, 1), "kinds": rows}))


main()
