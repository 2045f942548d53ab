// Judges one conformance-suite run: reads each scenario's checks.json (written by `conformance server -o DIR`) and
// compares the outcome with the expected failures.
//
//   node evaluate.mjs <mode> <results-dir> <scenario-list-file> [expected-failure …]
//
// A scenario fails when one of its checks has status FAILURE (as in the suite's own summary); warnings are shown but
// do not fail it. Exit 1 when a scenario fails that is not expected to, an expected failure passes (the list is stale),
// or a listed scenario left no results.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const [mode, resultsDir, scenarioListFile, ...expected] = process.argv.slice(2);
if (!mode || !resultsDir || !scenarioListFile) {
  console.error('usage: node evaluate.mjs <mode> <results-dir> <scenario-list-file> [expected-failure …]');
  process.exit(2);
}

const scenarios = readFileSync(scenarioListFile, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
const expectedFailures = new Set(expected);

// Result folders are named server-<scenario>-<ISO time with : and . replaced by ->.
const checksByScenario = new Map();
for (const dir of existsSync(resultsDir) ? readdirSync(resultsDir) : []) {
  const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.exec(dir);
  const file = path.join(resultsDir, dir, 'checks.json');
  if (match && existsSync(file)) checksByScenario.set(match[1], JSON.parse(readFileSync(file, 'utf8')));
}

const counts = { passed: 0, expectedFailures: 0, unexpectedFailures: 0, stale: 0, missing: 0 };
const width = Math.max(...scenarios.map((s) => s.length));
for (const scenario of scenarios) {
  const checks = checksByScenario.get(scenario);
  const label = scenario.padEnd(width);
  if (!checks) {
    counts.missing += 1;
    console.log(`  ✗ ${label}  NO RESULTS: the scenario did not run`);
    continue;
  }
  const failures = checks.filter((c) => c.status === 'FAILURE');
  const warnings = checks.filter((c) => c.status === 'WARNING');
  const reasons = (list) => list.map((c) => c.errorMessage ?? c.description).join('; ');
  const warned = warnings.length > 0 ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''}: ${reasons(warnings)})` : '';
  if (failures.length === 0 && !expectedFailures.has(scenario)) {
    counts.passed += 1;
    console.log(`  ✓ ${label}  pass${warned}`);
  } else if (failures.length === 0) {
    counts.stale += 1;
    console.log(`  ✗ ${label}  PASSED BUT LISTED AS AN EXPECTED FAILURE: remove it from run.sh and README.md${warned}`);
  } else if (expectedFailures.has(scenario)) {
    counts.expectedFailures += 1;
    console.log(`  ~ ${label}  expected failure: ${reasons(failures)}`);
  } else {
    counts.unexpectedFailures += 1;
    console.log(`  ✗ ${label}  FAIL: ${reasons(failures)}`);
    for (const c of failures) console.log(`      ${JSON.stringify(c.details ?? {}).slice(0, 2000)}`);
  }
}
for (const scenario of expectedFailures) {
  if (!scenarios.includes(scenario)) {
    counts.stale += 1;
    console.log(`  ✗ ${scenario}  LISTED AS AN EXPECTED FAILURE BUT NOT IN THE SUITE: remove it`);
  }
}

const bad = counts.unexpectedFailures + counts.stale + counts.missing;
console.log(
  `${mode}: ${counts.passed} passed, ${counts.expectedFailures} expected failures, ${counts.unexpectedFailures} unexpected failures` +
    (counts.stale ? `, ${counts.stale} stale expected failures` : '') +
    (counts.missing ? `, ${counts.missing} without results` : ''),
);
process.exit(bad === 0 ? 0 : 1);
