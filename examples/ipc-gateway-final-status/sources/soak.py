#!/usr/bin/env python3
"""Soak: runs the stand-in gateway (`gateway soak SECONDS`), samples its RSS and open file
descriptors from /proc every few seconds, and writes the summary JSON the policy reads.
   soak.py GATEWAY SECONDS OUT.json"""
import json
import os
import subprocess
import sys
import time

gateway, seconds, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


start = time.monotonic()
proc = subprocess.Popen([gateway, "soak", str(seconds)], stdout=subprocess.PIPE, text=True)
time.sleep(min(1, seconds / 10))
samples = []
while proc.poll() is None:
    try:
        samples.append((rss_kib(proc.pid), fds(proc.pid)))
    except (FileNotFoundError, StopIteration, ProcessLookupError):
        break
    time.sleep(min(5, max(seconds / 100, 0.1)))
stdout, _ = proc.communicate()
elapsed = time.monotonic() - start
ops = int(stdout.strip().removeprefix("ops="))
(rss0, fd0), (rss1, fd1) = samples[0], samples[-1]
summary = {
    "duration_s": round(elapsed),
    "operations": ops,
    "throughput": {"ops_per_sec": round(ops / elapsed), "variance_pct": None},
    "rss": {"start_kib": rss0, "end_kib": rss1, "growth_pct": round(100 * (rss1 - rss0) / rss0, 2)},
    "fd": {"start": fd0, "end": fd1, "leaked": max(0, fd1 - fd0)},
    "exit_code": proc.returncode,
}
with open(out, "w") as f:
    json.dump(summary, f, indent=2)
    f.write("\n")
