// A/B of two SocialMcp builds or settings over stdio, interleaved in one run: both servers stay up, and every round
// runs each case on A and then on B, so the noise of a shared machine falls on both alike. Prints and writes the median
// over rounds of calls/s, p50 and p99 per server, case and in-flight count, with the ratio B / A.
//
//   node bench/node/ab.mjs --a "dotnet bench/.out/before/socialmcp.dll" --b "dotnet bench/.out/fdd/socialmcp.dll" \
//        [--a-env KEY=VALUE ...] [--b-env KEY=VALUE ...] [--tools list_platform_sets,create_post] [--inflight 1,16] \
//        [--seconds 5] [--rounds 3] [--warmup 300] [--prefill 0] [--out results/ab.json]
//
// --a-env/--b-env set environment variables of one server only (e.g. --b-env DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70),
// so one build can be compared with itself under two settings.
// --prefill N stores N posts on each server through create_post (16 in flight) before the warm-up, for costs that grow
// with the posts already stored (the monthly quota counted them until it read a counter row). They are this month's posts:
// a run that crosses midnight UTC at a month's end starts counting again.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { summarize, machineInfo, median, benchServerEnv } from "./stats.mjs";

const { values: opts } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    "a-env": { type: "string", multiple: true, default: [] },
    "b-env": { type: "string", multiple: true, default: [] },
    tools: { type: "string", default: "list_platform_sets,create_post" },
    inflight: { type: "string", default: "1,16" },
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "300" },
    prefill: { type: "string", default: "0" },
    out: { type: "string" },
  },
});
if (!opts.a || !opts.b) {
  console.error("usage: node ab.mjs --a \"COMMAND\" --b \"COMMAND\" [options] (see the top of this file)");
  process.exit(2);
}
const seconds = Number(opts.seconds);
const rounds = Number(opts.rounds);
const warmup = Number(opts.warmup);
const prefill = Number(opts.prefill);
const tools = opts.tools.split(",");
const inflights = opts.inflight.split(",").map(Number);

const dir = mkdtempSync(join(tmpdir(), "socialmcp-bench-ab-"));
const envPairs = (list) => Object.fromEntries(list.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
const baseEnv = benchServerEnv;

let seq = 0;
const run = `${process.pid}-${Date.now()}`;
const argsOf = {
  list_platform_sets: () => ({}),
  create_post: () => ({ content: { text: `ab ${run} ${++seq}` }, platforms: ["x"] }),
};

async function connect(name, commandLine, env) {
  const [command, ...args] = commandLine.split(" ");
  const transport = new StdioClientTransport({
    command, args: [...args, "serve", "--db", join(dir, `${name}.db`)], env: { ...baseEnv, ...env }, stderr: "ignore",
  });
  const client = new Client({ name: "socialmcp-ab", version: "0" });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

async function call(client, tool) {
  const started = process.hrtime.bigint();
  const result = await client.callTool({ name: tool, arguments: (argsOf[tool] ?? (() => ({})))() });
  const ns = process.hrtime.bigint() - started;
  if (result.isError) throw new Error(`${tool} answered isError: ${JSON.stringify(result.content).slice(0, 300)}`);
  return Number(ns) / 1e6;
}

function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function measure({ client, pid }, tool, concurrency) {
  const latencies = [];
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) latencies.push(await call(client, tool));
  }));
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds(pid);
  const serverCpuPercent = cpuBefore == null || cpuAfter == null ? null : +((100 * (cpuAfter - cpuBefore)) / elapsed).toFixed(1);
  // Server CPU time per call: steadier than wall-clock figures on a loaded machine.
  const cpuMsPerCall = serverCpuPercent == null ? null : +((10 * serverCpuPercent) / (latencies.length / elapsed)).toFixed(3);
  return { calls: latencies.length, ...summarize(latencies, elapsed), serverCpuPercent, cpuMsPerCall };
}

async function fill(client, count) {
  let started = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (started < count) {
      started++;
      await call(client, "create_post");
    }
  }));
}

const servers = {
  A: await connect("a", opts.a, envPairs(opts["a-env"])),
  B: await connect("b", opts.b, envPairs(opts["b-env"])),
};
for (const [name, s] of Object.entries(servers)) {
  if (prefill <= 0) break;
  const started = performance.now();
  await fill(s.client, prefill);
  console.log(`prefill ${name}: ${prefill} posts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
for (const s of Object.values(servers)) {
  for (const tool of tools) {
    for (let i = 0; i < warmup; i++) await call(s.client, tool);
  }
}

const loadBefore = loadavg();
const runs = [];
for (let round = 1; round <= rounds; round++) {
  for (const tool of tools) {
    for (const n of inflights) {
      // Alternate which one goes first, so neither always runs right after the other's burst.
      const order = round % 2 === 1 ? ["A", "B"] : ["B", "A"];
      for (const name of order) {
        const r = await measure(servers[name], tool, n);
        runs.push({ round, server: name, tool, inFlight: n, ...r });
        console.log(`round ${round} ${name} ${tool.padEnd(18)} in flight ${String(n).padStart(2)}: ${r.perSecond.toFixed(0).padStart(6)} calls/s  p50 ${r.p50Ms.toFixed(3)} ms  p99 ${r.p99Ms.toFixed(2)} ms  server CPU ${r.serverCpuPercent}% (${r.cpuMsPerCall} ms/call)`);
      }
    }
  }
}
const loadAfter = loadavg();
for (const s of Object.values(servers)) await s.client.close();
rmSync(dir, { recursive: true, force: true });

const summary = [];
for (const tool of tools) {
  for (const n of inflights) {
    const row = { tool, inFlight: n };
    for (const name of ["A", "B"]) {
      const mine = runs.filter((r) => r.server === name && r.tool === tool && r.inFlight === n);
      row[`${name} calls/s`] = median(mine.map((r) => r.perSecond));
      row[`${name} p50 ms`] = median(mine.map((r) => r.p50Ms));
      row[`${name} p99 ms`] = median(mine.map((r) => r.p99Ms));
      row[`${name} CPU %`] = median(mine.map((r) => r.serverCpuPercent ?? 0));
      row[`${name} CPU ms/call`] = median(mine.map((r) => r.cpuMsPerCall ?? 0));
    }
    row["B/A calls/s"] = +(row["B calls/s"] / row["A calls/s"]).toFixed(2);
    row["B/A p50"] = +(row["B p50 ms"] / row["A p50 ms"]).toFixed(2);
    row["B/A CPU/call"] = +(row["B CPU ms/call"] / row["A CPU ms/call"]).toFixed(2);
    summary.push(row);
  }
}
console.table(summary);
console.log(`load average: before ${loadBefore.map((x) => x.toFixed(2)).join(" / ")}, after ${loadAfter.map((x) => x.toFixed(2)).join(" / ")}`);
if (opts.out) {
  writeFileSync(opts.out, JSON.stringify({
    benchmark: "ab", date: new Date().toISOString(), a: { command: opts.a, env: opts["a-env"] }, b: { command: opts.b, env: opts["b-env"] },
    seconds, rounds, warmup, prefill, machine: machineInfo(), loadAverage: { before: loadBefore, after: loadAfter }, summary, runs,
  }, null, 2) + "\n");
}
