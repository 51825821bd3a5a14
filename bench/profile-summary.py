#!/usr/bin/env python3
"""Summarises a speedscope file from `dotnet-trace convert --format speedscope` (cpu-sampling).

The EventPipe sample profiler samples every managed thread, running or not, so time where the leaf
frame is a wait (thread pool idle, socket epoll loop, timers, semaphores) is set aside as "waiting";
what is left approximates CPU. Prints the top frames by exclusive time (leaf) and by inclusive time
(anywhere on the stack, counted once per sample), as % of the non-waiting time, plus a few groups
(logging, auth, ...) by frame-name patterns.

Usage: profile-summary.py FILE.speedscope.json [TOP]
       perf script -i FILE.perf.data | profile-summary.py --perf-script - [TOP]   (real CPU samples)
"""
import json
import re
import sys
from collections import Counter

WAIT = re.compile(
    r"WaitHandle\.Wait|LowLevelLifoSemaphore\.Wait|LowLevelMonitor\.Wait|Monitor\.Wait|Thread\.Sleep|"
    r"WaitForSocketEvents|SocketAsyncEngine\.EventLoop|ManualResetEventSlim\.Wait|SemaphoreSlim\.Wait|"
    r"Interop\+Sys\.(Read|Poll|WaitPid)|EventPipe|DiagnosticServer|Task\.SpinThenBlockingWait|"
    r"PortableThreadPool\+GateThread|TimerQueue\.TimerThread|WaitSubsystem|"
    r"Console.*Read|Thread\.StartCallback$|^Thread \(|^Threads$")
# TraceEvent ends every thread-time stack with a pseudo-frame: CPU_TIME (running managed code) or
# UNMANAGED_CODE_TIME (in native code: a system call, native crypto, or blocked). The frame below
# it says which: blocked when that frame is a wait.
PSEUDO = {"CPU_TIME", "UNMANAGED_CODE_TIME", "BLOCKED_TIME"}

GROUPS = [
    ("Serilog (all)", r"Serilog"),
    ("  Serilog request logging middleware", r"RequestLoggingMiddleware"),
    ("  Serilog console sink / formatting", r"Serilog\.Sinks\.SystemConsole|Serilog\.Formatting"),
    ("Console stream writes", r"ConsoleStream|ConsolePal|UnixConsoleStream"),
    ("Microsoft.Extensions.Logging", r"Microsoft\.Extensions\.Logging"),
    ("Authentication/authorization", r"Authentication|Authorization"),
    ("Rate limiting", r"RateLimit"),
    ("OpenTelemetry / metrics", r"OpenTelemetry|System\.Diagnostics\.Metrics|MerchantMetrics"),
    ("Npgsql", r"Npgsql"),
    ("Postback parsing (PluginApi)", r"Paykassma\.PluginApi"),
    ("PostbackReceiver", r"PostbackReceiver"),
    ("PostbackStore", r"PostbackStore"),
    ("Kestrel", r"Server\.Kestrel"),
    ("Routing / endpoint", r"Microsoft\.AspNetCore\.Routing"),
    ("Sockets", r"System\.Net\.Sockets"),
    ("GC (managed-visible)", r"GC\.|GCHeap|gc_heap"),
    ("SHA-256 / HMAC", r"SHA256|HMAC|HashProvider|Cryptography"),
    ("JSON (System.Text.Json)", r"System\.Text\.Json"),
]


def stacks(doc):
    """Yields (stack tuple of frame indices root..leaf, weight) for every sample of every thread."""
    for profile in doc["profiles"]:
        if profile["type"] == "sampled":
            for sample, weight in zip(profile["samples"], profile["weights"]):
                yield tuple(sample), weight
        else:  # evented: open/close events; the weight of a stack is the time it stayed on top
            stack, last = [], None
            for event in profile["events"]:
                at = event["at"]
                if last is not None and stack and at > last:
                    yield tuple(stack), at - last
                last = at
                if event["type"] == "O":
                    stack.append(event["frame"])
                else:
                    # close the frame (normally the top)
                    idx = len(stack) - 1 - stack[::-1].index(event["frame"])
                    del stack[idx:]


def perf_script(lines):
    """Yields (stack root..leaf of "symbol (dso)" names, 1) from `perf script` output (one CPU sample each)."""
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield tuple(reversed(frames)), 1
            frames = []
        elif line.startswith(("\t", " ")):
            parts = line.strip().split(" ", 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if frames:
        yield tuple(reversed(frames)), 1


def summarise_perf(lines, top):
    """Real CPU samples: no waits to set aside (a blocked thread is not sampled)."""
    inclusive, exclusive, groups = Counter(), Counter(), Counter()
    patterns = [(label, re.compile(p)) for label, p in GROUPS]
    total = 0
    for stack, weight in perf_script(lines):
        total += weight
        exclusive[stack[-1]] += weight
        seen = set(stack)
        for name in seen:
            inclusive[name] += weight
        joined = "\n".join(seen)
        for label, pattern in patterns:
            if pattern.search(joined):
                groups[label] += weight
    pct = lambda w: 100.0 * w / total if total else 0.0
    print(f"\n== perf: {total} CPU samples; groups (inclusive, where the stack could be walked) ==")
    for label, _ in GROUPS:
        print(f"{pct(groups[label]):6.1f}%  {label}")
    print(f"\n== top {top * 2} inclusive ==")
    for name, w in inclusive.most_common(top * 2):
        print(f"{pct(w):6.1f}%  {name[:200]}")


def main():
    if sys.argv[1] == "--perf-script":
        source = sys.stdin if sys.argv[2] == "-" else open(sys.argv[2])
        summarise_perf(source, int(sys.argv[3]) if len(sys.argv) > 3 else 40)
        return
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    doc = json.load(open(path))
    names = [f["name"] for f in doc["shared"]["frames"]]
    exclusive, inclusive, waits = Counter(), Counter(), Counter()
    groups = Counter()
    busy = waiting = 0.0
    patterns = [(label, re.compile(p)) for label, p in GROUPS]
    for stack, weight in stacks(doc):
        if not stack:
            continue
        kind = names[stack[-1]] if names[stack[-1]] in PSEUDO else None
        if kind:
            stack = stack[:-1]
            if not stack:
                continue
        leaf = names[stack[-1]]
        if kind == "BLOCKED_TIME" or WAIT.search(leaf):
            waiting += weight
            waits[leaf] += weight
            continue
        busy += weight
        exclusive[leaf + (" [native]" if kind == "UNMANAGED_CODE_TIME" else "")] += weight
        seen = set()
        for i in stack:
            if i not in seen:
                seen.add(i)
                inclusive[names[i]] += weight
        joined = "\n".join(names[i] for i in set(stack))
        for label, pattern in patterns:
            if pattern.search(joined):
                groups[label] += weight
    unit = doc["profiles"][0].get("unit", "?") if doc["profiles"] else "?"
    print(f"{path}: non-waiting {busy:.0f} {unit}, waiting {waiting:.0f} {unit} (set aside)")
    pct = lambda w: 100.0 * w / busy if busy else 0.0
    print("\n== groups (inclusive, % of non-waiting) ==")
    for label, _ in GROUPS:
        print(f"{pct(groups[label]):6.1f}%  {label}")
    print(f"\n== top {top} exclusive ==")
    for name, w in exclusive.most_common(top):
        print(f"{pct(w):6.1f}%  {name[:200]}")
    print(f"\n== top {top * 2} inclusive ==")
    for name, w in inclusive.most_common(top * 2):
        print(f"{pct(w):6.1f}%  {name[:200]}")
    print("\n== waits set aside (leaf) ==")
    for name, w in waits.most_common(12):
        print(f"{100.0 * w / waiting if waiting else 0:6.1f}%  {name[:200]}")


if __name__ == "__main__":
    main()
