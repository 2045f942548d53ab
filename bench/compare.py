#!/usr/bin/env python3
"""Side-by-side table of two bench/run results (latest.json of each): python3 bench/compare.py BEFORE AFTER [--out FILE].

Each figure is the median over rounds of one run; the reference server's figure of the same run is shown with it, so
the ratio (ours / reference) is what to compare across runs on this shared, noisy machine.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def stdio_rows(r):
    rows = {}
    cases = r["stdio"]["cases"]
    # The reference is "everything" by name: a run may also hold the floor (bench/floor), which is not the reference.
    ref = {(c["tool"], c["inFlight"]): c for c in cases if c["server"] == "everything"}
    for c in cases:
        if c["server"] != "socialmcp":
            continue
        echo = next((v for (t, n), v in ref.items() if n == c["inFlight"]), None)
        rows[f"stdio {c['tool']}, {c['inFlight']} in flight, calls/s"] = (c["perSecond"], echo and echo["perSecond"])
        rows[f"stdio {c['tool']}, {c['inFlight']} in flight, p50 ms"] = (c["p50Ms"], echo and echo["p50Ms"])
    return rows


def http_rows(r):
    rows = {}
    summary = r["http"]["summary"]
    echo = next((s for s in summary if s["server"] == "everything"), None)
    for s in summary:
        if s["server"] != "socialmcp":
            continue
        rows[f"HTTP {s['tool']}, req/s"] = (s["requestsPerSecond"], echo and echo["requestsPerSecond"])
        rows[f"HTTP {s['tool']}, p99 ms"] = (s["p99Ms"], echo and echo["p99Ms"])
    return rows


def coldstart_rows(r):
    rows = {}
    results = r["coldstart"]["results"]
    for c in results:
        if not c["server"].startswith("socialmcp"):
            continue
        ref = next((x for x in results if x["server"] == "everything" and x["transport"] == c["transport"]), None)
        rows[f"cold start {c['server']} {c['transport']}, ms"] = (c["medianMs"], ref and ref["medianMs"])
        rows[f"idle RSS {c['server']} {c['transport']}, MiB"] = (c["idleRssMiB"], ref and ref["idleRssMiB"])
    return rows


def micro_rows(r):
    return {f"micro {m['description']}, µs": (m["medianUs"], None) for m in r["micro"]["results"]}


def fanout_rows(r):
    rows = {}
    for run in r["fanout"]["scaling"]:
        n = run["maxConcurrentPerPlatform"]
        rows[f"fan-out at {n} per platform, published/s (steady)"] = (run["publishedPerSecondSteady"], None)
        rows[f"fan-out at {n} per platform, share of the latency bound"] = (run["measuredOverLatencyBound"], None)
    return rows


def table(before, after):
    parts = [stdio_rows, http_rows, coldstart_rows, micro_rows, fanout_rows]
    lines = ["| figure | before | before ref | after | after ref | after/before |", "|---|---:|---:|---:|---:|---:|"]
    for part in parts:
        try:
            b, a = part(before["results"]), part(after["results"])
        except (KeyError, TypeError):
            continue
        for name in b.keys() | a.keys():
            (bv, bref), (av, aref) = b.get(name, (None, None)), a.get(name, (None, None))
            ratio = f"{av / bv:.2f}" if av and bv else ""
            fmt = lambda v: "" if v is None else (f"{v:.2f}" if isinstance(v, float) and abs(v) < 10 else f"{v:,.1f}" if isinstance(v, float) else f"{v:,}")
            lines.append(f"| {name} | {fmt(bv)} | {fmt(bref)} | {fmt(av)} | {fmt(aref)} | {ratio} |")
    return "\n".join(lines[:2] + sorted(lines[2:])) + "\n"


if __name__ == "__main__":
    args = sys.argv[1:]
    out = None
    if "--out" in args:
        out = args[args.index("--out") + 1]
        args = args[: args.index("--out")]
    before, after = load(args[0]), load(args[1])
    text = f"before: {before['date']} · after: {after['date']}\n\n" + table(before, after)
    if out:
        with open(out, "w") as f:
            f.write(text)
    print(text)
