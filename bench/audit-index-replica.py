#!/usr/bin/env python3
"""What the secondary indexes of audit_entries cost a commit, measured outside Cairn.

    python3 bench/audit-index-replica.py [DIR] [COMMITS]

A replica of the audit writer's commit in Python's sqlite3: WAL, synchronous=NORMAL (Cairn's
writer syncs the log itself after the commit), three ~1.5 KB entries per commit (the batch size
seen under 16 connections), time-ordered ids as Cairn makes them, a RESTART checkpoint every
4,000 commits. Three layouts, alternated twice so that drift on a shared machine shows:

  indexed  the schema as shipped (V2): event_id UNIQUE and indexes on time, workspace+time, trace;
  bare     the same table without any secondary index (the floor);
  behind   the bare table, plus the four lookups kept in a side table filled every 256 entries
           in its own transaction (the design the figures point to; not what Cairn does today).

It prints process CPU per commit. The figures are for comparing the layouts side by side in one
run, not absolute: Python's own per-statement cost is in all three alike.
"""
import os
import sqlite3
import sys
import time

ENTRY = ("CREATE TABLE e (idx INTEGER PRIMARY KEY, event_id TEXT NOT NULL {unique}, type TEXT, "
         "created_at INTEGER, workspace TEXT, key_id TEXT, trace_id TEXT, subject_id TEXT, "
         "leaf_hash BLOB, data BLOB)")


def remove_database(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def fresh(path):
    remove_database(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    return db


def schema(db, layout):
    db.execute(ENTRY.format(unique="UNIQUE" if layout == "indexed" else ""))
    if layout == "indexed":
        db.execute("CREATE INDEX e_time ON e (created_at)")
        db.execute("CREATE INDEX e_workspace_time ON e (workspace, created_at)")
        db.execute("CREATE INDEX e_trace ON e (trace_id)")
    if layout == "behind":
        db.execute("CREATE TABLE x (idx INTEGER PRIMARY KEY, event_id TEXT, created_at INTEGER, "
                   "workspace TEXT, trace_id TEXT)")
        db.execute("CREATE INDEX x_event ON x (event_id)")
        db.execute("CREATE INDEX x_time ON x (created_at)")
        db.execute("CREATE INDEX x_workspace_time ON x (workspace, created_at)")
        db.execute("CREATE INDEX x_trace ON x (trace_id)")


def measure(path, layout, commits, per_commit=3, behind_every=256):
    db = fresh(path)
    schema(db, layout)
    data = os.urandom(1500)
    index = 0
    indexed_up_to = 0
    started = time.process_time()
    for commit in range(commits):
        db.execute("BEGIN")
        for _ in range(per_commit):
            millis = 1_767_225_600_000 + index // 8
            db.execute("INSERT INTO e VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (index, "req_%013d%010d" % (millis, index), "gateway.chat", millis,
                        "ws%d" % (index % 3), "key_1", "%016x%016x" % (millis, index), None,
                        os.urandom(32), data))
            index += 1
        db.execute("COMMIT")
        if layout == "behind" and index - indexed_up_to >= behind_every:
            db.execute("BEGIN")
            db.execute("INSERT INTO x SELECT idx, event_id, created_at, workspace, trace_id FROM e "
                       "WHERE idx >= ?", (indexed_up_to,))
            db.execute("COMMIT")
            indexed_up_to = index
        if commit % 4000 == 3999:
            db.execute("PRAGMA wal_checkpoint(RESTART)")
    cpu_us = (time.process_time() - started) / commits * 1e6
    db.close()
    return cpu_us


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "."
    commits = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    path = os.path.join(directory, "audit-index-replica.db")
    try:
        for round_number in (1, 2):
            for layout in ("indexed", "bare", "behind"):
                print("round %d  %-8s %6.1f us CPU per commit of 3 entries"
                      % (round_number, layout, measure(path, layout, commits)), flush=True)
    finally:
        remove_database(path)


if __name__ == "__main__":
    main()
