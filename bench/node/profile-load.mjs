// Keeps one SocialMcp tool busy over stdio for a while, to profile the server under load (bench/README.md, "Profiling
// yourself"). Prints the server's pid first, so dotnet-trace can attach to it, then the calls/s at the end.
//
//   node bench/node/profile-load.mjs --socialmcp "dotnet bench/.out/fdd/socialmcp.dll" --tool create_post [--inflight 16] [--seconds 15]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchServerEnv } from "./stats.mjs";

const { values: opts } = parseArgs({
  options: {
    socialmcp: { type: "string" },
    tool: { type: "string", default: "list_platform_sets" },
    inflight: { type: "string", default: "16" },
    seconds: { type: "string", default: "15" },
  },
});
const [command, ...args] = opts.socialmcp.split(" ");
const dir = mkdtempSync(join(tmpdir(), "socialmcp-profile-"));
const transport = new StdioClientTransport({
  command, args: [...args, "serve", "--db", join(dir, "socialmcp.db")], stderr: "inherit",
  env: benchServerEnv,
});
const client = new Client({ name: "socialmcp-profile", version: "1.0.0" });
await client.connect(transport);
console.log(`pid ${transport.pid}`);
let n = 0;
const argumentsFor = () => opts.tool === "create_post" ? { content: { text: `profile ${process.pid} ${++n}` }, platforms: ["x"] } : {};
const end = Date.now() + Number(opts.seconds) * 1000;
let calls = 0;
// SIGUSR2 prints the calls made so far, so that a profiler can count the calls inside its own window (perf-profile.sh).
process.on("SIGUSR2", () => console.log(`calls so far ${calls}`));
const worker = async () => {
  while (Date.now() < end) {
    const result = await client.callTool({ name: opts.tool, arguments: argumentsFor() });
    if (result.isError) throw new Error(JSON.stringify(result.content));
    calls++;
  }
};
await Promise.all(Array.from({ length: Number(opts.inflight) }, worker));
console.log(`${opts.tool}: ${(calls / Number(opts.seconds)).toFixed(0)} calls/s at ${opts.inflight} in flight (${calls} calls)`);
await client.close();
rmSync(dir, { recursive: true, force: true });
