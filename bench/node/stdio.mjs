// Tool-call round trip over stdio with the official TypeScript SDK client (StdioClientTransport), SocialMcp and the
// reference server-everything side by side, each case in turn in the same run; with --floor, also the floor
// (bench/floor: a bare server on the same C# SDK, with the reference's echo), run as `<command> stdio`.
//
//   node stdio.mjs --out results/stdio.json --socialmcp "dotnet /path/socialmcp.dll" --everything /path/dist/index.js
//                  [--floor "dotnet /path/mcp-floor.dll"] [--seconds 5] [--warmup-seconds 10] [--inflight 16] [--rounds 3]
//
// Per server: spawn, initialize, then per case --warmup-seconds of calls (half with --inflight in flight, half with one),
// long enough for the .NET servers' tiered compilation to settle (it keeps recompiling hot methods for about 20 s of
// load, bench/README.md); then per case and round, calls for a fixed time, sequentially (one in flight) and with
// --inflight calls in flight (each finished call starts the next). Latency = request written → response parsed,
// measured in this process, so it includes the client's JSON work on both sides of the pipe.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { summarize, machineInfo, median, benchServerEnv } from "./stats.mjs";
import { stdioTargets, printTargets, floorLines, printFloor } from "./targets.mjs";

const { values: opts } = parseArgs({
  options: {
    out: { type: "string" },
    socialmcp: { type: "string" },
    everything: { type: "string" },
    floor: { type: "string" },
    seconds: { type: "string", default: "5" },
    "warmup-seconds": { type: "string", default: "10" },
    inflight: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
  },
});
const seconds = Number(opts.seconds);
const warmupSeconds = Number(opts["warmup-seconds"]);
const inflight = Number(opts.inflight);
const rounds = Number(opts.rounds);
const [smCmd, ...smArgs] = opts.socialmcp.split(" ");

const dir = mkdtempSync(join(tmpdir(), "socialmcp-bench-stdio-"));
const benchEnv = benchServerEnv;

let seq = 0;
const run = `${process.pid}-${Date.now()}`;
const servers = {
  socialmcp: {
    command: smCmd,
    args: [...smArgs, "serve", "--db", join(dir, "socialmcp.db")],
    tools: {
      list_platform_sets: () => ({}),
      // Every call is a new, valid draft: unique text, one platform, the default (sandbox) platform set.
      create_post: () => ({ content: { text: `bench ${run} ${++seq}` }, platforms: ["x"] }),
    },
  },
  everything: {
    command: process.execPath,
    args: [opts.everything, "stdio"],
    tools: { echo: () => ({ message: `bench ${++seq}` }) },
  },
};
if (opts.floor) {
  const [floorCmd, ...floorArgs] = opts.floor.split(" ");
  servers.floor = {
    command: floorCmd,
    args: [...floorArgs, "stdio"],
    tools: { echo: servers.everything.tools.echo },
  };
}

async function connect(name) {
  const s = servers[name];
  const transport = new StdioClientTransport({ command: s.command, args: s.args, env: benchEnv, stderr: "ignore" });
  const client = new Client({ name: "socialmcp-bench", version: "0" });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

async function call(client, tool, args) {
  const started = process.hrtime.bigint();
  const result = await client.callTool({ name: tool, arguments: args() });
  const ns = process.hrtime.bigint() - started;
  if (result.isError) throw new Error(`${tool} answered isError: ${JSON.stringify(result.content).slice(0, 300)}`);
  return Number(ns) / 1e6;
}

async function measure(client, tool, args, concurrency, forSeconds = seconds) {
  const latencies = [];
  const deadline = performance.now() + forSeconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) latencies.push(await call(client, tool, args));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { inFlight: concurrency, calls: latencies.length, seconds: +elapsed.toFixed(3), ...summarize(latencies, elapsed) };
}

function cpuSeconds(pid) {
  try {
    const stat = execFileSync("cat", [`/proc/${pid}/stat`], { encoding: "utf8" });
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks of 1/100 s
  } catch {
    return null;
  }
}

// Every server stays up for the whole run; rounds interleave the cases so that noise from other work on the machine
// falls on all of them alike. Reported: the median over rounds of calls/s, p50 and p99 of each case.
const caseList = [["socialmcp", "list_platform_sets"], ["socialmcp", "create_post"], ["everything", "echo"],
  ...(servers.floor ? [["floor", "echo"]] : [])];
const clients = {};
for (const [server, tool] of caseList) {
  clients[server] ??= await connect(server);
  const { client } = clients[server];
  const args = servers[server].tools[tool];
  const w = await measure(client, tool, args, inflight, warmupSeconds / 2);
  await measure(client, tool, args, 1, warmupSeconds / 2);
  console.log(`warm-up ${server.padEnd(10)} ${tool.padEnd(18)} ${warmupSeconds} s (${inflight} in flight: ${w.perSecond.toFixed(0)} calls/s)`);
}
const runs = [];
for (let round = 1; round <= rounds; round++) {
  for (const [server, tool] of caseList) {
    const { client, pid } = clients[server];
    for (const concurrency of [1, inflight]) {
      const cpuBefore = cpuSeconds(pid);
      const r = await measure(client, tool, servers[server].tools[tool], concurrency);
      const cpuAfter = cpuSeconds(pid);
      r.serverCpuPercent = cpuBefore == null || cpuAfter == null ? null : +((100 * (cpuAfter - cpuBefore)) / r.seconds).toFixed(1);
      runs.push({ round, server, tool, ...r });
      console.log(`round ${round} ${server.padEnd(10)} ${tool.padEnd(18)} in flight ${String(concurrency).padStart(2)}: ${r.perSecond.toFixed(0).padStart(6)} calls/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  server CPU ${r.serverCpuPercent}%`);
    }
  }
}
for (const { client } of Object.values(clients)) await client.close();

const cases = [];
for (const [server, tool] of caseList) {
  for (const concurrency of [1, inflight]) {
    const mine = runs.filter((r) => r.server === server && r.tool === tool && r.inFlight === concurrency);
    const med = (key) => median(mine.map((r) => r[key]));
    cases.push({ server, tool, inFlight: concurrency, rounds: mine.length, perSecond: med("perSecond"), p50Ms: med("p50Ms"),
      p99Ms: med("p99Ms"), serverCpuPercent: med("serverCpuPercent") });
  }
}
console.table(cases);

const rate = (server, tool, n) => cases.find((c) => c.server === server && c.tool === tool && c.inFlight === n).perSecond;
const ratios = {};
for (const n of [1, inflight]) {
  ratios[`list_platform_sets_vs_echo_inflight${n}`] = +(rate("socialmcp", "list_platform_sets", n) / rate("everything", "echo", n)).toFixed(2);
  ratios[`create_post_vs_echo_inflight${n}`] = +(rate("socialmcp", "create_post", n) / rate("everything", "echo", n)).toFixed(2);
  if (servers.floor) ratios[`floor_echo_vs_echo_inflight${n}`] = +(rate("floor", "echo", n) / rate("everything", "echo", n)).toFixed(2);
}
console.log("ratios", JSON.stringify(ratios));
// Issue 18's stdio targets (bench/node/targets.mjs), and where the floor stands.
const targets = stdioTargets({ cases, inFlight: inflight });
printTargets(targets);
printFloor(floorLines({ stdio: { cases, inFlight: inflight } }));

writeFileSync(opts.out, JSON.stringify({ benchmark: "stdio", date: new Date().toISOString(), seconds, warmupSeconds, rounds, inFlight: inflight, machine: machineInfo(), cases, ratios, targets, runs }, null, 2) + "\n");
rmSync(dir, { recursive: true, force: true });
