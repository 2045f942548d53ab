#!/usr/bin/env python3
"""A tool call's on-CPU time (over HTTP or stdio) split into parts, from a `perf record -g` of the server (perf-profile.sh).

    perf script -F comm,tid,ip,sym,dso -i perf.data > perf.txt
    python3 bench/profile/perf-breakdown.py perf.txt [REQUESTS PROCESS_CPU_MS]

With the requests served and the process CPU (from /proc) while perf recorded, it also prints µs of CPU per request.

Unlike EventPipe's sampler (breakdown.py), perf samples only threads that are on a CPU, so the total matches the process
CPU that /proc reports. JIT-compiled frames are named through the runtime's perf map (DOTNET_PerfMapEnabled=1, with
DOTNET_EnableWriteXorExecute=0 so that JIT code is not in a memfd mapping perf cannot resolve). libcoreclr.so has no
symbols here, so runtime work (allocation, GC, type checks) is counted in the part of the managed code that called it;
samples with no managed frame at all are split by thread (JIT compiler thread, GC, socket engine).

Each sample goes to the first part, in the order below, that has a frame on the sample's stack. Middlewares wrap
everything after them, so inner parts come first.
"""
import collections
import sys

PARTS = [
    ("audit row (AuditLogWriter and its SQL)", ("SocialMcp.Server.Access.AuditLogWriter",)),
    ("SQL (Microsoft.Data.Sqlite, Dapper, SQLite)", ("Microsoft.Data.Sqlite", "SQLitePCL", "Dapper", "libe_sqlite3")),
    ("tool and domain", ("SocialMcp.Server.Tools", "SocialMcp.Core", "SocialMcp.Storage", "AIFunctionFactory")),
    ("tool-call filters (ToolCallFilter, guards)", ("ToolCallFilter", "RequestParamsGuard", "RequestLimitFilter")),
    ("per-request MCP server (stateless: created and disposed)", ("StreamableHttpHandler+<CreateSessionAsync>",
        "StreamableHttpHandler+<StartNewSessionAsync>", "StreamableHttpSession+<DisposeAsync>", "McpServerImpl::.ctor",
        "McpServer::Create", "StreamableHttpServerTransport+<DisposeAsync>", "McpSessionHandler+<DisposeAsync>",
        "McpServerImpl+<DisposeAsync>")),
    ("MCP SDK (message handling, response writing)", ("ModelContextProtocol",)),
    ("stdio transport (GuardedStdioTransport, console streams)", ("GuardedStdioTransport", "ConsoleStream",
        "System.IO.Stream+ReadWriteTask", "System.IO.Stream+<>c::<BeginRead", "System.IO.Stream+<>c::<BeginWrite")),
    ("authentication and authorization", ("Microsoft.AspNetCore.Authentication", "ApiKeyAuthenticationHandler",
        "Microsoft.AspNetCore.Authorization.Policy.PolicyEvaluator", "AuthorizationHandler", "DefaultAuthorizationService")),
    ("our HTTP middlewares (body guard, admission, session guard, caller)", ("SocialMcp.Server.Http", "SocialMcp.Server.Mcp.BadInput.JsonRpcBodyGuard")),
    ("ASP.NET Core (Kestrel, routing, middleware pipeline)", ("Microsoft.AspNetCore", "System.IO.Pipelines", "System.Net.Http")),
    ("sockets (System.Net.Sockets, epoll)", ("System.Net.Sockets",)),
    ("thread pool (dispatch, waking workers)", ("ThreadPoolWorkQueue", "LowLevelLifoSemaphore", "PortableThreadPool")),
]
# Threads whose samples have no managed frame, by name (perf keeps the first 15 characters).
THREADS = [("JIT compiler (tiering)", ".NET Tiered Com"), ("GC (background or server GC threads)", ".NET BGC"),
           ("GC (background or server GC threads)", ".NET Server GC"), ("sockets (System.Net.Sockets, epoll)", ".NET Sockets")]
# libc has no frame pointers, so perf's unwinding stops at a libc function and its managed caller is lost. Such samples
# are split by the libc or kernel function they stopped in.
UNWOUND = [
    ("sockets (System.Net.Sockets, epoll)", ("__send", "__libc_recv", "epoll_wait", "__x64_sys_sendto", "__x64_sys_recvfrom")),
    ("SQLite file I/O and locks (caller not unwound)", ("fcntl", "__libc_pread", "__libc_pwrite", "fsync", "fdatasync")),
    ("thread wake-ups, locks and switches (caller not unwound)", ("lll_lock", "pthread_mutex", "futex", "pthread_cond",
        "finish_task_switch", "__schedule", "try_to_wake_up")),
]
OTHER = "other (runtime, libc, kernel with no managed caller)"


def samples(path):
    header, frames = None, []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if not line.strip():
            if header is not None:
                yield header, frames
            header, frames = None, []
        elif not line[0].isspace():
            if header is not None:
                yield header, frames
            header, frames = line, []
        else:
            text = line.strip().split(" ", 1)
            frames.append(text[1] if len(text) > 1 else "")
    if header is not None:
        yield header, frames


def part_of(header, frames):
    for part, needles in PARTS:
        if any(n in f for f in frames for n in needles):
            return part
    for part, prefix in THREADS:
        if header.startswith(prefix):
            return part
    for part, needles in UNWOUND:
        if any(n in f for f in frames for n in needles):
            return part
    return OTHER


def main():
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    cpu_ms = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    cpu_us_per_request = 1000 * cpu_ms / requests if requests and cpu_ms else 0.0
    share, json_share, leaf_kind = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for header, frames in samples(sys.argv[1]):
        total += 1
        part = part_of(header, frames)
        share[part] += 1
        if any("System.Text.Json" in f for f in frames):
            json_share[part] += 1
        leaf = frames[0] if frames else ""
        leaf_kind["kernel" if "[kernel" in leaf else "JIT code" if "[JIT]" in leaf or "OptimizedTier" in leaf or "[Tier" in leaf
                  else "libcoreclr" if "libcoreclr" in leaf else "libclrjit" if "libclrjit" in leaf
                  else "SQLite" if "libe_sqlite3" in leaf else "libc" if "libc.so" in leaf else "other"] += 1
    print(f"samples: {total}" + (f", {requests} requests" if requests else "")
          + (f", {cpu_us_per_request:.0f} µs of CPU per request" if cpu_us_per_request else ""))
    order = list(dict.fromkeys([p for p, _ in PARTS] + [p for p, _ in THREADS] + [p for p, _ in UNWOUND] + [OTHER]))
    for part in order:
        if share[part]:
            n = share[part]
            line = f"{100 * n / total:6.1f}%  {part}"
            if json_share[part]:
                line += f"  (System.Text.Json on the stack: {100 * json_share[part] / total:.1f}%)"
            if requests:
                line += f"  {cpu_us_per_request * n / total:7.1f} µs/request" if cpu_us_per_request else ""
            print(line)
    print("innermost frame: " + ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in leaf_kind.most_common()))


if __name__ == "__main__":
    main()
