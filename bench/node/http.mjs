// Streamable HTTP capacity: wrk (bench/http/tools-call.lua) posting JSON-RPC tools/call, SocialMcp (stateless, API
// key) and the reference server-everything (stateful only: one initialize here, its Mcp-Session-Id reused by every
// request) side by side, rounds interleaved; with --floor, also the floor (bench/floor: a bare server on the same C#
// SDK with the reference's echo, stateless, no auth), run as `<command> http --urls http://127.0.0.1:PORT`.
//
//   node http.mjs --out results/http.json --socialmcp "dotnet /path/socialmcp.dll" --everything /path/dist/index.js
//                 [--floor "dotnet /path/mcp-floor.dll"] [--seconds 10] [--warmup 15] [--connections 16] [--threads 2]
//                 [--rounds 3]
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { machineInfo, median, benchServerEnv } from "./stats.mjs";
import { httpTargets, printTargets, floorLines, printFloor } from "./targets.mjs";

const { values: opts } = parseArgs({
  options: {
    out: { type: "string" },
    socialmcp: { type: "string" },
    everything: { type: "string" },
    floor: { type: "string" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "15" },
    connections: { type: "string", default: "16" },
    threads: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
  },
});
const seconds = Number(opts.seconds);
const connections = Number(opts.connections);
const threads = Number(opts.threads);
const rounds = Number(opts.rounds);
const lua = join(dirname(fileURLToPath(import.meta.url)), "..", "http", "tools-call.lua");
const [smCmd, ...smArgs] = opts.socialmcp.split(" ");
const dir = mkdtempSync(join(tmpdir(), "socialmcp-bench-http-"));
const run = `${process.pid}-${Date.now()}`;
const protocolVersion = "2025-11-25";
const children = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const initializeBody = JSON.stringify({
  jsonrpc: "2.0", id: 0, method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "socialmcp-bench", version: "0" } },
});

async function post(url, body, headers = {}) {
  const res = await fetch(url, {
    method: "POST", body,
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": protocolVersion, ...headers },
  });
  return { status: res.status, session: res.headers.get("mcp-session-id"), text: await res.text() };
}

async function waitForInitialize(url, headers, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const r = await post(url, initializeBody, headers);
      if (r.status === 200) return r;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer initialize within ${seconds} s`);
    await sleep(50);
  }
}

export function procStatus(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMiB: +(kb("VmRSS") / 1024).toFixed(1), peakRssMiB: +(kb("VmHWM") / 1024).toFixed(1) };
}

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// --- SocialMcp: stateless (the default), one API key, limits raised so that they are not what is measured.
const db = join(dir, "socialmcp.db");
const env = {
  ...benchServerEnv,
  // wrk replays one 2025-11-25 tools/call without a session: the stateless mode (the default is hybrid, which would
  // want an initialize first from a 2025-11-25 client).
  SOCIALMCP_Http__SessionMode: "Stateless",
};
const key = execFileSync(smCmd, [...smArgs, "keys", "create", "--workspace", "local", "--name", "bench", "--db", db], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
const smPort = await freePort();
const sm = spawn(smCmd, [...smArgs, "serve", "--http", "--urls", `http://127.0.0.1:${smPort}`, "--db", db], { env, stdio: "ignore" });
children.push(sm);
const smUrl = `http://127.0.0.1:${smPort}/mcp`;
await waitForInitialize(smUrl, { authorization: `Bearer ${key}` });

// --- Reference: streamableHttp mode keeps sessions and has no stateless switch; it logs each request to stdout.
const refPort = await freePort();
const ref = spawn(process.execPath, [opts.everything, "streamableHttp"], { env: { ...process.env, PORT: String(refPort) }, stdio: "ignore" });
children.push(ref);
const refUrl = `http://127.0.0.1:${refPort}/mcp`;
const init = await waitForInitialize(refUrl, {});
if (!init.session) throw new Error("the reference server answered initialize without an Mcp-Session-Id");
const initialized = await post(refUrl, JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }), { "mcp-session-id": init.session });
if (initialized.status !== 202) throw new Error(`notifications/initialized → ${initialized.status}`);

// --- The floor: the SDK's stateless streamable HTTP as its README shows it, no auth, so no header beyond wrk's own.
let floor = null;
let floorUrl = null;
if (opts.floor) {
  const [floorCmd, ...floorArgs] = opts.floor.split(" ");
  const port = await freePort();
  floor = spawn(floorCmd, [...floorArgs, "http", "--urls", `http://127.0.0.1:${port}`], { env: process.env, stdio: "ignore" });
  children.push(floor);
  floorUrl = `http://127.0.0.1:${port}/mcp`;
  await waitForInitialize(floorUrl, {});
}

await sleep(1000);
const memoryNow = () => ({ socialmcp: procStatus(sm.pid), everything: procStatus(ref.pid), ...(floor ? { floor: procStatus(floor.pid) } : {}) });
const idle = memoryNow();

const cases = [
  { server: "socialmcp", tool: "list_platform_sets", url: smUrl, bearer: key, session: "-", pid: sm.pid },
  { server: "socialmcp", tool: "create_post", url: smUrl, bearer: key, session: "-", pid: sm.pid },
  { server: "everything", tool: "echo", url: refUrl, bearer: "-", session: init.session, pid: ref.pid },
  ...(floor ? [{ server: "floor", tool: "echo", url: floorUrl, bearer: "-", session: "-", pid: floor.pid }] : []),
];

function wrk(c, durationSeconds, wrkThreads) {
  const serverCpu = cpuSeconds(c.pid);
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %U %S %e", "wrk", `-t${wrkThreads}`, `-c${connections}`, `-d${durationSeconds}s`, "--timeout", "10s", "--latency",
    "-s", lua, c.url, "--", c.tool, c.bearer, c.session, protocolVersion, run], { encoding: "utf8" });
  const serverCpuSeconds = cpuSeconds(c.pid) - serverCpu;
  const line = /^WRKJSON (.*)$/m.exec(r.stdout);
  if (!line) throw new Error(`wrk printed no result: ${r.stdout}\n${r.stderr}`);
  const w = JSON.parse(line[1]);
  const [, user, sys, wall] = /TIME (\S+) (\S+) (\S+)/.exec(r.stderr).map(Number);
  const errors = Object.values(w.errors).reduce((a, b) => a + b, 0) + w.bad;
  return {
    server: c.server, tool: c.tool, wrkThreads, connections,
    requestsPerSecond: +(w.requests / (w.durationUs / 1e6)).toFixed(1),
    p50Ms: w.p50Us / 1000, p90Ms: w.p90Us / 1000, p99Ms: w.p99Us / 1000, maxMs: w.maxUs / 1000,
    requests: w.requests, errors, errorDetail: { ...w.errors, badResults: w.bad, sample: w.badSample },
    wrkCpuPercent: +((100 * (user + sys)) / wall).toFixed(1),
    serverCpuPercent: +((100 * serverCpuSeconds) / (w.durationUs / 1e6)).toFixed(1),
  };
}

const show = (r, label = "") =>
  console.log(`${label}${r.server.padEnd(10)} ${r.tool.padEnd(18)} -t${r.wrkThreads} -c${r.connections}: ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}  wrk CPU ${r.wrkCpuPercent}%  server CPU ${r.serverCpuPercent}%`);

let failures = 0;
for (const c of cases) {
  const w = wrk(c, Number(opts.warmup), threads);
  show(w, "warm-up ");
  if (w.errors > 0) { console.error(`warm-up errors: ${JSON.stringify(w.errorDetail)}`); failures++; }
}
const runs = [];
for (let round = 1; round <= rounds; round++) {
  for (const c of cases) {
    const r = { round, ...wrk(c, seconds, threads) };
    show(r, `round ${round} `);
    if (r.errors > 0) { console.error(`errors: ${JSON.stringify(r.errorDetail)}`); failures++; }
    runs.push(r);
  }
}
// Is wrk the bottleneck? The same read load with one wrk thread instead of two: if req/s barely moves, it is not.
const oneThread = cases.map((c) => wrk(c, seconds, 1));
oneThread.forEach((r) => show(r, "1 thread "));

await sleep(1000);
const loaded = memoryNow();
sm.kill("SIGTERM");
ref.kill("SIGTERM");
floor?.kill("SIGTERM");

const summary = cases.map(({ server, tool }) => {
  const mine = runs.filter((r) => r.server === server && r.tool === tool);
  const med = (k) => median(mine.map((r) => r[k]));
  const t1 = oneThread.find((r) => r.server === server && r.tool === tool);
  return {
    server, tool, connections, wrkThreads: threads, rounds: mine.length,
    requestsPerSecond: med("requestsPerSecond"), p50Ms: med("p50Ms"), p99Ms: med("p99Ms"),
    errors: mine.reduce((a, r) => a + r.errors, 0), wrkCpuPercent: med("wrkCpuPercent"), serverCpuPercent: med("serverCpuPercent"),
    oneWrkThreadRequestsPerSecond: t1.requestsPerSecond,
  };
});
console.table(summary);
const rps = (s, t) => summary.find((x) => x.server === s && x.tool === t);
const ratios = {
  list_platform_sets_vs_echo: +(rps("socialmcp", "list_platform_sets").requestsPerSecond / rps("everything", "echo").requestsPerSecond).toFixed(2),
  create_post_vs_echo: +(rps("socialmcp", "create_post").requestsPerSecond / rps("everything", "echo").requestsPerSecond).toFixed(2),
  ...(floor ? { floor_echo_vs_echo: +(rps("floor", "echo").requestsPerSecond / rps("everything", "echo").requestsPerSecond).toFixed(2) } : {}),
};
// Issue 18's HTTP targets (bench/node/targets.mjs), and where the floor stands.
const targets = httpTargets({ summary });
printTargets(targets);
printFloor(floorLines({ http: { summary } }));

writeFileSync(opts.out, JSON.stringify({
  benchmark: "http", date: new Date().toISOString(), seconds, warmupSeconds: Number(opts.warmup), rounds, protocolVersion,
  referenceMode: "stateful: one initialize, its Mcp-Session-Id on every request (the reference has no stateless mode)",
  socialmcpMode: "stateless (Http:SessionMode=Stateless), Authorization: Bearer API key",
  ...(floor ? { floorMode: "stateless (HttpServerTransportOptions.Stateless), no auth" } : {}),
  machine: machineInfo(), summary, ratios, targets, memory: { idleAfterInitialize: idle, afterLoad: loaded }, runs, oneWrkThread: oneThread,
}, null, 2) + "\n");
rmSync(dir, { recursive: true, force: true });
if (failures > 0) {
  console.error(`http: ${failures} run(s) had errors (non-2xx, socket errors, or tool results with isError)`);
  process.exit(1);
}
