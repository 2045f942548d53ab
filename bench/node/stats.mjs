import { cpus, totalmem, release } from "node:os";
import { readFileSync } from "node:fs";

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (values) => percentile([...values].sort((a, b) => a - b), 50);

/** Calls per second and latency percentiles (ms) of one measured run. */
export function summarize(latenciesMs, elapsedSeconds) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const r = (x) => +x.toFixed(3);
  return {
    perSecond: r(sorted.length / elapsedSeconds),
    p50Ms: r(percentile(sorted, 50)),
    p90Ms: r(percentile(sorted, 90)),
    p99Ms: r(percentile(sorted, 99)),
    maxMs: r(sorted[sorted.length - 1]),
  };
}

export function machineInfo() {
  let os = release();
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))[1] + ` (kernel ${release()})`;
  } catch {}
  return { cores: cpus().length, cpu: cpus()[0]?.model, ramGiB: +(totalmem() / 2 ** 30).toFixed(1), os, node: process.version };
}

/**
 * The environment a SocialMcp server runs under in the benchmarks: the rate limits and the monthly quota meant for
 * agents lifted (a stdio caller is limited per workspace like an HTTP key), and only warnings logged.
 */
export const benchServerEnv = {
  ...process.env,
  SOCIALMCP_RateLimits__ReadPerWindow: "100000000",
  SOCIALMCP_RateLimits__CreatePerWindow: "100000000",
  SOCIALMCP_RateLimits__RequestsPerWindow: "100000000",
  SOCIALMCP_Quotas__PostsPerMonth: "100000000",
  SOCIALMCP_Logging__LogLevel__Default: "Warning",
};
