// Prints the markdown results tables of bench/README.md from bench/results/latest.json.
//   node bench/node/table.mjs [bench/results/latest.json]
import { readFileSync } from "node:fs";

const latest = JSON.parse(readFileSync(process.argv[2] ?? new URL("../results/latest.json", import.meta.url), "utf8"));
const { machine, results } = latest;
const f = (x, d = 1) => (x == null || Number.isNaN(x) ? "–" : Number(x).toFixed(d));
const out = [];
// bench/floor is a bare server on the same C# SDK as SocialMcp, with the reference's echo (bench/README.md).
const serverName = (server) => ({
  socialmcp: "SocialMcp", "socialmcp-r2r": "SocialMcp ReadyToRun", everything: "server-everything",
  floor: "floor, bare C# SDK server", "floor-r2r": "floor ReadyToRun",
})[server] ?? server;

out.push(`Run of ${latest.date.slice(0, 16).replace("T", " ")} UTC: ${machine.cores} cores (${machine.cpu}), ${machine.ramGiB} GiB, ${machine.os}; ` +
  `.NET SDK ${machine.dotnet} (${machine.dotnetRuntime}), Node ${machine.node} (reference server and clients), ${(machine.wrk ?? "").split(" [")[0]}; ` +
  `load average at the end ${machine.loadAverageAtEnd.join(" / ")} (the machine is shared with other builds)${machine.commit ? `; server built from ${machine.commit}` : ""}.`);
out.push("");

if (results.stdio) {
  const s = results.stdio;
  const echo = (n) => s.cases.find((c) => c.server === "everything" && c.inFlight === n);
  out.push(`**stdio** (TypeScript SDK client, ${s.seconds} s per case and round, median of ${s.rounds} rounds)`);
  out.push("");
  out.push("| server | tool | in flight | calls/s | p50 ms | p99 ms | server CPU % | × reference echo |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const c of s.cases) {
    const ratio = c.server === "everything" ? "1" : f(c.perSecond / echo(c.inFlight).perSecond, 2);
    out.push(`| ${serverName(c.server)} | ${c.tool} | ${c.inFlight} | ${f(c.perSecond, 0)} | ${f(c.p50Ms, 2)} | ${f(c.p99Ms, 2)} | ${f(c.serverCpuPercent, 0)} | ${ratio} |`);
  }
  out.push("");
}

if (results.http) {
  const h = results.http;
  const echo = h.summary.find((c) => c.server === "everything");
  out.push(`**Streamable HTTP** (wrk -t${h.summary[0].wrkThreads} -c${h.summary[0].connections}, ${h.seconds} s per run, median of ${h.rounds} rounds)`);
  out.push("");
  out.push("| server | tool | req/s | p50 ms | p99 ms | errors | wrk CPU % | server CPU % | req/s with 1 wrk thread | × reference echo |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const c of h.summary) {
    const ratio = c.server === "everything" ? "1" : f(c.requestsPerSecond / echo.requestsPerSecond, 2);
    out.push(`| ${serverName(c.server)} (${c.server === "everything" ? "stateful" : "stateless"}) | ${c.tool} | ${f(c.requestsPerSecond, 0)} | ${f(c.p50Ms, 2)} | ${f(c.p99Ms, 2)} | ${c.errors} | ${f(c.wrkCpuPercent, 0)} | ${f(c.serverCpuPercent, 0)} | ${f(c.oneWrkThreadRequestsPerSecond, 0)} | ${ratio} |`);
  }
  const m = h.memory;
  out.push("");
  out.push(`RSS over HTTP (VmRSS, MiB): SocialMcp ${m.idleAfterInitialize.socialmcp.rssMiB} idle → ${m.afterLoad.socialmcp.rssMiB} after the load runs (peak VmHWM ${m.afterLoad.socialmcp.peakRssMiB}); ` +
    `server-everything ${m.idleAfterInitialize.everything.rssMiB} → ${m.afterLoad.everything.rssMiB} (peak ${m.afterLoad.everything.peakRssMiB})` +
    (m.idleAfterInitialize.floor ? `; floor ${m.idleAfterInitialize.floor.rssMiB} → ${m.afterLoad.floor.rssMiB} (peak ${m.afterLoad.floor.peakRssMiB}).` : "."));
  out.push("");
}

if (results.coldstart) {
  const c = results.coldstart;
  const ref = (t) => c.results.find((r) => r.server === "everything" && r.transport === t);
  out.push(`**Cold start** (spawn → initialize answered, median of ${c.runs} runs; RSS ${c.idleWaitMs / 1000} s after initialize)`);
  out.push("");
  out.push("| server | transport | median ms | min–max ms | × reference | idle RSS MiB | publish size |");
  out.push("|---|---|---:|---:|---:|---:|---|");
  for (const r of c.results) {
    const size = c.publishSize?.[r.server];
    const sizeText = size ? `${f(size.totalBytes / 2 ** 20)} MiB folder, ${f(size.dllBytes / 2 ** 20)} MiB of .dll` : r.server === "everything" ? "node_modules" : "–";
    out.push(`| ${serverName(r.server)} | ${r.transport} | ${f(r.medianMs, 0)} | ${f(r.minMs, 0)}–${f(r.maxMs, 0)} | ${r.server === "everything" ? "1" : f(r.medianMs / ref(r.transport).medianMs, 2)} | ${f(r.idleRssMiB)} | ${sizeText} |`);
  }
  out.push("");
}

out.push("**Issue 18 targets**");
out.push("");
out.push("| target | figure | met |");
out.push("|---|---|---|");
for (const t of latest.targets) {
  const figure = t.figure != null ? t.figure : t.ratio != null ? `${t.ratio}×${t.medianMs != null ? ` (${t.medianMs} vs ${t.referenceMs} ms)` : ""}` : t.p99Ms != null ? `${t.p99Ms} ms` : t.rssMiB != null ? `${t.rssMiB} MiB` : "";
  out.push(`| ${t.target} | ${figure} | ${t.met == null ? "not run" : t.met ? "met" : "**missed**"} |`);
}
if (latest.floor?.length) {
  out.push("");
  out.push("**The floor** (bench/floor, a bare server on the same C# SDK; informational, not targets)");
  out.push("");
  for (const line of latest.floor) out.push(`- ${line}`);
}
console.log(out.join("\n"));
