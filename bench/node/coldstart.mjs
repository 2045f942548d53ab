// Cold start: process spawn → initialize answered, over stdio and over HTTP, median of --runs runs; and the idle RSS
// (VmRSS, with VmHWM as the peak so far) one second after initialize. Variants run interleaved, one spawn each in
// turn, so that noise falls on all of them alike.
//
//   node coldstart.mjs --out results/coldstart.json --everything /path/dist/index.js \
//        --variant "socialmcp=/path/fdd/socialmcp" --variant "socialmcp-r2r=/path/r2r/socialmcp" \
//        [--floor-variant "floor=/path/floor/mcp-floor"] [--runs 10]
//
// Over stdio the client writes initialize to the child's stdin at once (the pipe holds it until the server reads it)
// and stops the clock at the first line on stdout. Over HTTP it polls POST /mcp with initialize every 5 ms until a
// 200 comes back. Each SocialMcp variant starts on a database whose migrations are already applied (the usual case;
// the first start of a new install also creates the file), with an API key made beforehand for HTTP. A floor variant
// (bench/floor: a bare server on the same C# SDK) is started as `<command> stdio` / `<command> http --urls …`, no auth.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { machineInfo, median } from "./stats.mjs";
import { coldstartTargets, printTargets, floorLines, printFloor } from "./targets.mjs";

const { values: opts } = parseArgs({
  options: {
    out: { type: "string" },
    everything: { type: "string" },
    variant: { type: "string", multiple: true, default: [] },
    "floor-variant": { type: "string", multiple: true, default: [] },
    runs: { type: "string", default: "10" },
    "idle-wait": { type: "string", default: "1000" },
  },
});
const runs = Number(opts.runs);
const idleWait = Number(opts["idle-wait"]);
const dir = mkdtempSync(join(tmpdir(), "socialmcp-bench-cold-"));
const protocolVersion = "2025-11-25";
const env = { ...process.env, SOCIALMCP_Logging__LogLevel__Default: "Warning" };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const initialize = (id) => JSON.stringify({
  jsonrpc: "2.0", id, method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "socialmcp-bench", version: "0" } },
});
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMiB: +(kb("VmRSS") / 1024).toFixed(1), peakRssMiB: +(kb("VmHWM") / 1024).toFixed(1) };
}
async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

const variants = [];
for (const v of opts.variant) {
  const [name, command] = v.split("=");
  const db = join(dir, `${name}.db`);
  const key = execFileSync(command, ["keys", "create", "--workspace", "local", "--name", "bench", "--db", db], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  variants.push({
    name,
    stdio: () => [command, ["serve", "--db", db], env],
    http: (port) => [command, ["serve", "--http", "--urls", `http://127.0.0.1:${port}`, "--db", db], env],
    headers: { authorization: `Bearer ${key}` },
  });
}
for (const v of opts["floor-variant"]) {
  const [name, command] = v.split("=");
  variants.push({
    name,
    stdio: () => [command, ["stdio"], process.env],
    http: (port) => [command, ["http", "--urls", `http://127.0.0.1:${port}`], process.env],
    headers: {},
  });
}
variants.push({
  name: "everything",
  stdio: () => [process.execPath, [opts.everything, "stdio"], process.env],
  http: (port) => [process.execPath, [opts.everything, "streamableHttp"], { ...process.env, PORT: String(port) }],
  headers: {},
});

async function stdioStart(v) {
  const [command, args, childEnv] = v.stdio();
  const started = performance.now();
  const child = spawn(command, args, { env: childEnv, stdio: ["pipe", "pipe", "ignore"] });
  child.stdin.write(initialize(1) + "\n");
  const answered = await new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      if (buffer.includes("\n")) {
        if (buffer.includes('"result"')) resolve(performance.now());
        else reject(new Error(`${v.name} answered initialize with: ${buffer.slice(0, 300)}`));
      }
    });
    child.once("exit", (code) => reject(new Error(`${v.name} exited (${code}) before answering initialize`)));
  });
  await sleep(idleWait);
  const mem = memory(child.pid);
  await stop(child);
  return { ms: answered - started, ...mem };
}

async function httpStart(v) {
  const port = await freePort();
  const [command, args, childEnv] = v.http(port);
  const started = performance.now();
  const child = spawn(command, args, { env: childEnv, stdio: "ignore" });
  let exited = false;
  child.once("exit", () => { exited = true; });
  let answered;
  for (;;) {
    if (exited) throw new Error(`${v.name} exited before answering initialize over HTTP`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: "POST", body: initialize(1),
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": protocolVersion, ...v.headers },
      });
      const text = await res.text();
      if (res.status === 200 && text.includes('"result"')) { answered = performance.now(); break; }
    } catch {}
    await sleep(5);
  }
  await sleep(idleWait);
  const mem = memory(child.pid);
  await stop(child);
  return { ms: answered - started, ...mem };
}

const samples = {};
for (let i = 0; i < runs; i++) {
  for (const transport of ["stdio", "http"]) {
    for (const v of variants) {
      const r = transport === "stdio" ? await stdioStart(v) : await httpStart(v);
      (samples[`${v.name}/${transport}`] ??= []).push(r);
    }
  }
  process.stdout.write(`run ${i + 1}/${runs} `);
}
console.log();

const results = Object.entries(samples).map(([key, list]) => {
  const [server, transport] = key.split("/");
  return {
    server, transport, runs: list.length,
    medianMs: +median(list.map((r) => r.ms)).toFixed(1),
    minMs: +Math.min(...list.map((r) => r.ms)).toFixed(1),
    maxMs: +Math.max(...list.map((r) => r.ms)).toFixed(1),
    idleRssMiB: median(list.map((r) => r.rssMiB)),
    peakRssMiB: median(list.map((r) => r.peakRssMiB)),
    samplesMs: list.map((r) => +r.ms.toFixed(1)),
  };
});
console.table(results.map(({ samplesMs, ...r }) => r));
// Issue 18's cold-start targets (bench/node/targets.mjs).
const targets = coldstartTargets({ results });
printTargets(targets);
printFloor(floorLines({ coldstart: { results } }));
writeFileSync(opts.out, JSON.stringify({ benchmark: "coldstart", date: new Date().toISOString(), runs, idleWaitMs: idleWait, protocolVersion, machine: machineInfo(), results, targets }, null, 2) + "\n");
rmSync(dir, { recursive: true, force: true });
