#!/usr/bin/env python3
"""Where a dotnet-trace sample profile spends its time: inclusive share of on-CPU samples per frame.

    dotnet-trace collect -p PID --profile dotnet-sampled-thread-time --duration 00:00:00:12 -o x.nettrace
    dotnet-trace convert x.nettrace --format speedscope -o x.json
    python3 bench/profile/trace-summary.py x.speedscope.json [TOP] [FILTER]

The sampled-thread-time profile marks each sample CPU_TIME or UNMANAGED_CODE_TIME (waiting, or in native code);
only CPU_TIME samples are counted here. FILTER keeps frames whose name contains it.
"""
import collections
import json
import sys

data = json.load(open(sys.argv[1]))
top = int(sys.argv[2]) if len(sys.argv) > 2 else 60
needle = sys.argv[3] if len(sys.argv) > 3 else ""
frames = [f["name"] for f in data["shared"]["frames"]]
cpu = collections.Counter()
total = 0.0
for profile in data["profiles"]:
    stack, last = [], None
    for event in profile["events"]:
        at = event["at"]
        if last is not None and stack and frames[stack[-1]] == "CPU_TIME":
            total += at - last
            for name in {frames[i] for i in stack}:
                cpu[name] += at - last
        last = at
        if event["type"] == "O":
            stack.append(event["frame"])
        else:
            stack.pop()

print(f"on-CPU time sampled: {total:.0f} ms")
shown = 0
for name, ms in cpu.most_common():
    short = name.split("!")[-1]
    if short.startswith(("Thread (", "Process64")) or short in ("CPU_TIME", "Threads", "(Non-Activities)") or needle not in name:
        continue
    print(f"{100 * ms / total:6.2f}%  {short[:140]}")
    shown += 1
    if shown >= top:
        break
