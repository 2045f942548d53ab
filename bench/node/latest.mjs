// Writes bench/results/latest.json for bench/run: the machine, the versions, every result file present, and issue 18's
// targets read from them (bench/node/targets.mjs), then prints the targets as met / missed / not run, and the floor's
// figures when the floor was measured (informational: not targets).
//
//   node bench/node/latest.mjs RESULTS_DIR NAMES ELAPSED_SECONDS      (NAMES: comma-separated result file names)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem, release, loadavg } from "node:os";
import { execSync } from "node:child_process";
import { issue18Targets, printTargets, floorLines, printFloor } from "./targets.mjs";

const [dir, names, elapsed] = process.argv.slice(2);
const sh = (c) => { try { return execSync(c, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(); } catch { return null; } };
const osName = (/PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8")) || [])[1];
const results = {};
for (const name of names.split(",")) {
  const file = `${dir}/${name}.json`;
  if (existsSync(file)) results[name] = JSON.parse(readFileSync(file, "utf8"));
}
const machine = {
  cores: cpus().length, cpu: cpus()[0]?.model, ramGiB: +(totalmem() / 2 ** 30).toFixed(1),
  os: `${osName} (kernel ${release()})`, dotnet: sh("dotnet --version"), dotnetRuntime: sh("dotnet --list-runtimes | grep NETCore.App | tail -1 | cut -d\" \" -f1-2"),
  node: process.version, wrk: sh("wrk -v 2>&1 | head -1"),
  commit: sh("git rev-parse --short HEAD") + (sh("git status --porcelain -- src") ? " with uncommitted changes in src/" : ""),
  loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
};
const targets = issue18Targets(results);
const floor = floorLines(results);
writeFileSync(`${dir}/latest.json`, JSON.stringify({ date: new Date().toISOString(), elapsedSeconds: +elapsed, machine, targets, floor, results }, null, 2) + "\n");
console.log("\n=== issue 18 targets (results/latest.json; each results file carries its own date)");
printTargets(targets);
const count = (m) => targets.filter((t) => t.met === m).length;
console.log(`${count(true)} met, ${count(false)} missed, ${count(null)} not run`);
if (floor.length > 0) {
  console.log("\n=== the floor (bench/floor: a bare server on the same C# SDK; informational, not targets)");
  printFloor(floor);
}
