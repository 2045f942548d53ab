#!/usr/bin/env python3
"""A tool call's on-CPU time split into the parts of issue 18's breakdown, from a dotnet-trace sample profile.

    python3 bench/profile/breakdown.py x.speedscope.json [CALLS]

Each CPU_TIME sample goes to the first part (in the order below) that has a frame on the sample's stack, so SQL run by
the audit writer counts as audit, and SQL run by a tool counts as SQL, not domain. With CALLS (the tool calls made while
the trace ran) it also prints microseconds of CPU per call.
"""
import collections
import json
import sys

# EventPipe's sampler marks a thread as on-CPU whenever it is not in a managed wait, so a thread parked in native code
# (the finalizer thread between finalizations, an idle thread-pool worker on its semaphore) shows up as CPU_TIME. Checked
# against /proc/<pid>/task/*/stat under the same load: the finalizer thread used 10 ms of CPU in 5 s while the profile
# gave it half the samples. Samples whose innermost frame is such a wait are left out of the CPU total.
WAITS = ("LowLevelLifoSemaphore.WaitForSignal", "LowLevelLifoSemaphore.WaitNative", "System.GC.RunFinalizers",
         "WaitHandle.WaitOneNoCheck", "Monitor.Wait", "Thread.Sleep")

PARTS = [
    ("thread hand-offs (waking a pool worker)", ("LowLevelSpinWaiter", "LowLevelLifoSemaphore")),
    ("audit (entry + its SQL)", ("AuditLogWriter",)),
    ("SQL (Microsoft.Data.Sqlite, Dapper)", ("Microsoft.Data.Sqlite", "SQLitePCL", "Dapper")),
    ("validation (schema, arguments)", ("SocialMcp.Schema", "ToolArguments", "ToolArgumentReader")),
    ("domain and tool", ("SocialMcp.Core", "SocialMcp.Server.Tools", "SocialMcp.Storage")),
    ("serialization (System.Text.Json)", ("System.Text.Json",)),
    ("transport (stdio streams, pipes)", ("StdioServerTransport", "StreamServerTransport", "System.IO.Pipelines", "System.IO.Stream", "ConsoleStream", "SafeFileHandle")),
    ("filters (ToolCallFilter, guards)", ("ToolCallFilter", "RequestParamsGuard", "RequestLimitFilter")),
    ("MCP SDK dispatch", ("ModelContextProtocol",)),
    ("GC", ("GC", "gc_heap", "WKS::", "SVR::")),
]

data = json.load(open(sys.argv[1]))
calls = int(sys.argv[2]) if len(sys.argv) > 2 else 0
frames = [f["name"] for f in data["shared"]["frames"]]
share = collections.Counter()
total = 0.0
waiting = 0.0
for profile in data["profiles"]:
    stack, last = [], None
    for event in profile["events"]:
        at = event["at"]
        if last is not None and stack and frames[stack[-1]] == "CPU_TIME":
            names = [frames[i] for i in stack]
            innermost = names[-2] if len(names) > 1 else ""
            if any(w in innermost for w in WAITS):
                waiting += at - last
            else:
                part = next((p for p, needles in PARTS if any(n in f for f in names for n in needles)), "other (runtime, JIT, host)")
                share[part] += at - last
                total += at - last
        last = at
        if event["type"] == "O":
            stack.append(event["frame"])
        else:
            stack.pop()

print(f"on-CPU time sampled: {total:.0f} ms" + (f", {calls} calls" if calls else "")
      + f" (left out: {waiting:.0f} ms of threads parked in native waits)")
for part, _ in PARTS + [("other (runtime, JIT, host)", ())]:
    ms = share[part]
    line = f"{100 * ms / total:6.1f}%  {part}"
    if calls:
        line += f"  {1000 * ms / calls:8.1f} µs/call"
    print(line)
