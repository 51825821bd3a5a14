#!/usr/bin/env python3
"""Averages a dotnet-counters CSV (System.Runtime) into the numbers that matter per postback.

Usage: counters-summary.py FILE.counters.csv [POSTBACKS_PER_S]"""
import csv
import sys
from collections import defaultdict

values = defaultdict(list)
for row in csv.DictReader(open(sys.argv[1])):
    name = row["Counter Name"]
    key = name.split("[")[0].strip()
    tags = name[len(key):]
    if key.startswith(("dotnet.gc.collections", "dotnet.process.cpu.time")):
        key += tags  # per generation, per mode (user/system)
    try:
        values[key].append(float(row["Mean/Increment"]))
    except ValueError:
        pass
rate = float(sys.argv[2]) if len(sys.argv) > 2 else None
mean = lambda k: sum(values[k]) / len(values[k]) if values[k] else float("nan")
alloc = mean("dotnet.gc.heap.total_allocated (By / 1 sec)")
print(f"allocated {alloc / 1e6:.1f} MB/s" + (f" = {alloc / rate / 1024:.1f} KB per postback" if rate else ""))
for k in sorted(values):
    if k.startswith("dotnet.gc.collections"):
        print(f"{k}: {mean(k):.2f}/s")
for k in sorted(values):
    if k.startswith("dotnet.process.cpu.time"):
        print(f"{k}: {mean(k):.3f}" + (f" = {mean(k) / rate * 1000:.3f} ms per postback" if rate else ""))
for k in ["dotnet.gc.pause.time (s / 1 sec)", "dotnet.monitor.lock_contentions ({contention} / 1 sec)",
          "dotnet.thread_pool.work_item.count ({work_item} / 1 sec)", "dotnet.thread_pool.thread.count ({thread} / 1 sec)",
          "dotnet.thread_pool.queue.length ({work_item} / 1 sec)",
          "dotnet.jit.compiled_methods ({method} / 1 sec)"]:
    m = mean(k)
    extra = f" = {m / rate:.2f} per postback" if rate and ("contention" in k or "work_item.count" in k) else ""
    print(f"{k}: {m:.3f}{extra}")
