// Issue 18's targets (`issues show 18`), read from the benchmarks' results: every target is a ratio to the reference
// server measured in the same run (or an absolute p99 / RSS), with medians over rounds. Used by stdio.mjs, http.mjs and
// coldstart.mjs (each stores its own targets in its JSON), by latest.mjs for bench/run's summary, and by table.mjs.
//
// Each target: { issue: 18, target, figure (text), value, need, met } — met is null when the benchmark was not run.

const r2 = (x) => +x.toFixed(2);

function target(text, value, need, compare, figure) {
  if (value == null || Number.isNaN(value)) return { issue: 18, target: text, figure: "not run", value: null, need, met: null };
  return { issue: 18, target: text, figure, value: r2(value), need, met: compare === "≤" ? value <= need : compare === "<" ? value < need : value >= need };
}

export function stdioTargets(stdio) {
  const c = (server, tool, n) => stdio?.cases?.find((x) => x.server === server && x.tool === tool && x.inFlight === n);
  const n = stdio?.inFlight ?? 16;
  const echo1 = c("everything", "echo", 1), echoN = c("everything", "echo", n);
  const read1 = c("socialmcp", "list_platform_sets", 1), readN = c("socialmcp", "list_platform_sets", n);
  const createN = c("socialmcp", "create_post", n);
  const ratio = (a, b, k) => (a && b ? a[k] / b[k] : null);
  return [
    target("stdio, 1 in flight: read tool p50 ≤ 2× the reference echo's p50", ratio(read1, echo1, "p50Ms"), 2, "≤",
      read1 && echo1 ? `${read1.p50Ms} vs ${echo1.p50Ms} ms (${r2(read1.p50Ms / echo1.p50Ms)}×)` : ""),
    target(`stdio, ${n} in flight: read tool ≥ 1× the reference echo's calls/s`, ratio(readN, echoN, "perSecond"), 1, "≥",
      readN && echoN ? `${Math.round(readN.perSecond)} vs ${Math.round(echoN.perSecond)} calls/s (${r2(readN.perSecond / echoN.perSecond)}×)` : ""),
    target(`stdio, ${n} in flight: create_post ≥ 0.4× the reference echo's calls/s`, ratio(createN, echoN, "perSecond"), 0.4, "≥",
      createN && echoN ? `${Math.round(createN.perSecond)} vs ${Math.round(echoN.perSecond)} calls/s (${r2(createN.perSecond / echoN.perSecond)}×)` : ""),
  ];
}

export function httpTargets(http) {
  const s = (server, tool) => http?.summary?.find((x) => x.server === server && x.tool === tool);
  const echo = s("everything", "echo"), read = s("socialmcp", "list_platform_sets"), create = s("socialmcp", "create_post");
  const c = http?.summary?.[0]?.connections ?? 16;
  const vs = (a) => (a && echo ? `${Math.round(a.requestsPerSecond)} vs ${Math.round(echo.requestsPerSecond)} req/s (${r2(a.requestsPerSecond / echo.requestsPerSecond)}×)` : "");
  return [
    target("HTTP create_post ≥ 2× the reference echo's req/s", create && echo ? create.requestsPerSecond / echo.requestsPerSecond : null, 2, "≥", vs(create)),
    target(`HTTP create_post p99 < 10 ms at ${c} connections`, create?.p99Ms, 10, "<", create ? `${create.p99Ms} ms` : ""),
    target("HTTP read tool ≥ 5× the reference echo's req/s", read && echo ? read.requestsPerSecond / echo.requestsPerSecond : null, 5, "≥", vs(read)),
    target(`HTTP read tool p99 < 10 ms at ${c} connections`, read?.p99Ms, 10, "<", read ? `${read.p99Ms} ms` : ""),
  ];
}

export function coldstartTargets(coldstart) {
  const results = coldstart?.results ?? [];
  const ref = (transport) => results.find((r) => r.server === "everything" && r.transport === transport);
  const out = [];
  for (const transport of ["stdio", "http"]) {
    for (const server of ["socialmcp", "socialmcp-r2r"]) {
      const r = results.find((x) => x.server === server && x.transport === transport);
      const reference = ref(transport);
      const name = server === "socialmcp" ? "" : " (ReadyToRun)";
      out.push(target(`cold start over ${transport}${name} ≤ 1× the reference's`, r && reference ? r.medianMs / reference.medianMs : null, 1, "≤",
        r && reference ? `${r.medianMs} vs ${reference.medianMs} ms (${r2(r.medianMs / reference.medianMs)}×)` : ""));
    }
  }
  for (const transport of ["stdio", "http"]) {
    const r = results.find((x) => x.server === "socialmcp" && x.transport === transport);
    out.push(target(`idle RSS over ${transport} < 80 MiB`, r?.idleRssMiB, 80, "<", r ? `${r.idleRssMiB} MiB` : ""));
  }
  return out;
}

export function fanoutTargets(fanout) {
  const at32 = fanout?.scaling?.find((s) => s.maxConcurrentPerPlatform === 32);
  return [target("fan-out at 32 per platform ≥ 0.9 of the concurrency bound", at32?.measuredOverBound, 0.9, "≥",
    at32 ? `${at32.measuredOverBound} of the mean-slot-time bound (${at32.publishedPerSecondSteady} vs ${at32.boundPerSecond} targets/s); `
      + `${at32.measuredOverMedianBound} of issue 6's median-slot-time bound, ${at32.measuredOverLatencyBound} of the fixed platform-latency bound` : "")];
}

/** Every issue-18 target from the results of one bench/run (missing benchmarks give targets with met null). */
export function issue18Targets(results) {
  return [
    ...stdioTargets(results.stdio),
    ...httpTargets(results.http),
    ...coldstartTargets(results.coldstart),
    ...fanoutTargets(results.fanout),
  ];
}

/**
 * Not targets, and not counted as met or missed: where the floor (bench/floor, a bare server on the same C# SDK with
 * the reference's echo) stands against the reference on the targets' measures, and SocialMcp against the floor. What
 * the floor misses by is the runtime and the SDK; what SocialMcp adds beyond the floor is SocialMcp's. One line of text
 * per measure; none when the floor was not measured.
 */
export function floorLines(results) {
  const lines = [];
  const x = (a, b) => (a != null && b != null ? `${r2(a / b)}×` : "–");
  const round = (v) => (v == null ? "–" : Math.round(v));

  const stdio = results?.stdio;
  const c = (server, tool, n) => stdio?.cases?.find((k) => k.server === server && k.tool === tool && k.inFlight === n);
  if (c("floor", "echo", 1)) {
    const n = stdio.inFlight ?? 16;
    const [f1, e1, r1] = [c("floor", "echo", 1), c("everything", "echo", 1), c("socialmcp", "list_platform_sets", 1)];
    lines.push(`stdio, 1 in flight: floor echo p50 ${f1.p50Ms} vs the reference echo's ${e1?.p50Ms} ms (${x(f1.p50Ms, e1?.p50Ms)}); ` +
      `SocialMcp's read tool ${r1?.p50Ms} ms, ${x(r1?.p50Ms, f1.p50Ms)} the floor's`);
    const [fN, eN, rN, wN] = [c("floor", "echo", n), c("everything", "echo", n), c("socialmcp", "list_platform_sets", n), c("socialmcp", "create_post", n)];
    lines.push(`stdio, ${n} in flight: floor echo ${round(fN?.perSecond)} vs the reference echo's ${round(eN?.perSecond)} calls/s ` +
      `(${x(fN?.perSecond, eN?.perSecond)}); SocialMcp's read tool ${x(rN?.perSecond, fN?.perSecond)} the floor's, create_post ${x(wN?.perSecond, fN?.perSecond)}`);
  }

  const s = (server, tool) => results?.http?.summary?.find((k) => k.server === server && k.tool === tool);
  const fh = s("floor", "echo");
  if (fh) {
    const [eh, rh, wh] = [s("everything", "echo"), s("socialmcp", "list_platform_sets"), s("socialmcp", "create_post")];
    lines.push(`HTTP: floor echo (stateless) ${round(fh.requestsPerSecond)} vs the reference echo's ${round(eh?.requestsPerSecond)} req/s ` +
      `(${x(fh.requestsPerSecond, eh?.requestsPerSecond)}), p99 ${fh.p99Ms} ms; SocialMcp's read tool ${x(rh?.requestsPerSecond, fh.requestsPerSecond)} ` +
      `the floor's, create_post ${x(wh?.requestsPerSecond, fh.requestsPerSecond)}`);
  }

  const cold = results?.coldstart?.results ?? [];
  const r = (server, transport) => cold.find((k) => k.server === server && k.transport === transport);
  for (const transport of ["stdio", "http"]) {
    const [f, fr, ref, sm, smr] = ["floor", "floor-r2r", "everything", "socialmcp", "socialmcp-r2r"].map((n) => r(n, transport));
    if (!f && !fr) continue;
    lines.push(`cold start over ${transport}: floor ${f?.medianMs} ms (${x(f?.medianMs, ref?.medianMs)} the reference's ${ref?.medianMs} ms), ` +
      `ReadyToRun ${fr?.medianMs} ms (${x(fr?.medianMs, ref?.medianMs)}); SocialMcp ${x(sm?.medianMs, f?.medianMs)} the floor's, ` +
      `ReadyToRun ${x(smr?.medianMs, fr?.medianMs)} the floor's ReadyToRun`);
    lines.push(`idle RSS over ${transport}: floor ${f?.idleRssMiB} MiB (ReadyToRun ${fr?.idleRssMiB}), SocialMcp ${sm?.idleRssMiB}, ` +
      `the reference ${ref?.idleRssMiB}`);
  }
  return lines;
}

export const printFloor = (lines) => {
  for (const line of lines) console.log(`FLOOR   ${line}`);
};

export const printTargets = (targets) => {
  for (const t of targets) console.log(`${t.met == null ? "NOT RUN" : t.met ? "MET    " : "MISSED "} ${t.target}${t.figure && t.met != null ? `: ${t.figure}` : ""}`);
};
