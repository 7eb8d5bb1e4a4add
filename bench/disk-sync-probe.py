#!/usr/bin/env python3
"""How long this disk takes to make a small write durable: the floor under every audit commit.

    python3 bench/disk-sync-probe.py [DIR] [SYNCS]

Writes 4 KB, 16 KB and 40 KB (one audit commit is about 10 log pages) into a preallocated 64 MB
file in DIR and times fdatasync after each write, as Cairn's WalSync does after each commit.
"""
import os
import sys
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "."
syncs = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
path = os.path.join(directory, "disk-sync-probe.tmp")
fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
try:
    os.ftruncate(fd, 64 << 20)
    os.fsync(fd)
    for size in (4096, 16384, 40960):
        block = os.urandom(size)
        times = []
        for i in range(syncs):
            os.pwrite(fd, block, (i * size) % (60 << 20))
            started = time.perf_counter()
            os.fdatasync(fd)
            times.append(time.perf_counter() - started)
        times.sort()
        print("%6d bytes: fdatasync p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms"
              % (size, times[syncs // 2] * 1e3, times[int(syncs * 0.9)] * 1e3,
                 times[int(syncs * 0.99)] * 1e3, times[-1] * 1e3), flush=True)
finally:
    os.close(fd)
    os.remove(path)
