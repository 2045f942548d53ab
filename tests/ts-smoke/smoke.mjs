// Smoke test: drive the socialmcp stdio server with the official TypeScript MCP SDK client.
//
//   node smoke.mjs <path-to-socialmcp.dll>
//
// Spawns `dotnet <dll> serve --db <fresh temp dir>/smoke.db`, then: initialize, tools/list,
// one successful create_post and one failing create_post. Prints one line per step and a
// closing `N passed, M failed` line; exits 1 on any failure or after a hard overall timeout.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { isDeepStrictEqual, inspect } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OVERALL_TIMEOUT_MS = Number(process.env.SMOKE_TIMEOUT_MS ?? 60_000);
const REQUEST_TIMEOUT_MS = 20_000;

const EXPECTED_SERVER_NAME = 'socialmcp';
const EXPECTED_TOOLS = [
  'create_post',
  'get_post',
  'list_posts',
  'update_post',
  'cancel_post',
  'validate_post',
  'publish_post',
  'schedule_post',
  'withdraw_post',
  'retry_post',
  'list_accounts',
  'list_platform_sets',
];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TOTAL_STEPS = 5;
let passed = 0;
let failed = 0;

/** Thrown by a step's assertion: what was checked, what was expected, what came back. */
class CheckFailed extends Error {
  constructor(what, expected, got) {
    super(what);
    this.expected = expected;
    this.got = got;
  }
}

const show = (value) => inspect(value, { depth: 8, breakLength: 120, maxStringLength: 2000 });

function check(condition, what, expected, got) {
  if (!condition) throw new CheckFailed(what, expected, got);
}

function summary() {
  return `${passed} passed, ${failed} failed`;
}

// ---------------------------------------------------------------------------------------------
// Arguments and set-up

const dllArg = process.argv[2] ?? process.env.SOCIALMCP_DLL;
if (!dllArg) {
  console.error('usage: node smoke.mjs <path-to-socialmcp.dll>   (or set SOCIALMCP_DLL)');
  process.exit(2);
}
const dllPath = path.resolve(dllArg);
if (!existsSync(dllPath)) {
  console.log(`FAIL setup: server dll not found at ${dllPath} (build src/SocialMcp.Server first)`);
  console.log(`0 passed, ${TOTAL_STEPS} failed`);
  process.exit(1);
}
const dotnet = process.env.DOTNET ?? 'dotnet';

const tempDir = await mkdtemp(path.join(tmpdir(), 'socialmcp-ts-smoke-'));
const dbPath = path.join(tempDir, 'smoke.db');

let client;
let transport;

async function cleanup() {
  try {
    await client?.close();
  } catch {
    /* already closed */
  }
  await rm(tempDir, { recursive: true, force: true }).catch(() => {});
}

let currentStep = 'setup';
const hardTimeout = setTimeout(() => {
  // Synchronous on purpose: nothing else may print or run once the deadline has passed.
  console.log(`FAIL ${currentStep}`);
  console.log(`     timeout: the smoke test did not finish within ${OVERALL_TIMEOUT_MS} ms`);
  const stderr = globalThis.__serverStderr?.().trim();
  if (stderr) {
    console.log('     server stderr (tail):');
    for (const line of stderr.split('\n').slice(-40)) console.log(`       ${line}`);
  }
  console.log(`${passed} passed, ${TOTAL_STEPS - passed} failed`);
  try {
    // Make sure the server does not outlive us.
    const pid = transport?.pid;
    if (pid) process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  rmSync(tempDir, { recursive: true, force: true });
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
hardTimeout.unref();

// ---------------------------------------------------------------------------------------------
// Steps

const steps = [];
const step = (name, fn) => steps.push({ name, fn });

let tools = [];

step('initialize', async () => {
  transport = new StdioClientTransport({
    command: dotnet,
    args: [dllPath, 'serve', '--db', dbPath],
    // dotnet needs more than the SDK's minimal default environment (DOTNET_ROOT, HOME, ...).
    env: {
      ...process.env,
      DOTNET_NOLOGO: '1',
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    },
    stderr: 'pipe',
    cwd: tempDir,
  });
  // Keep the server's stderr (logs) for the failure report instead of interleaving it.
  const stderrChunks = [];
  transport.stderr?.on('data', (chunk) => {
    stderrChunks.push(chunk);
    if (stderrChunks.length > 200) stderrChunks.shift();
  });
  globalThis.__serverStderr = () => Buffer.concat(stderrChunks).toString('utf8');

  client = new Client({ name: 'socialmcp-ts-smoke', version: '0.0.0' }, { capabilities: {} });
  await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });

  const info = client.getServerVersion();
  check(info?.name === EXPECTED_SERVER_NAME, 'serverInfo.name', EXPECTED_SERVER_NAME, info);
  const caps = client.getServerCapabilities();
  check(caps?.tools !== undefined, 'server capabilities include tools', '{ tools: {...} }', caps);
  return `server ${info.name} ${info.version ?? ''}`.trim();
});

step('tools/list', async () => {
  const result = await client.listTools({}, { timeout: REQUEST_TIMEOUT_MS });
  tools = result.tools ?? [];
  const names = tools.map((t) => t.name);
  const missing = EXPECTED_TOOLS.filter((n) => !names.includes(n));
  check(missing.length === 0, 'tools/list contains every expected tool', EXPECTED_TOOLS, {
    missing,
    got: names,
  });

  const create = tools.find((t) => t.name === 'create_post');
  const schema = create.inputSchema;
  check(schema?.type === 'object', 'create_post.inputSchema.type', 'object', schema);
  check(
    schema.additionalProperties === false,
    'create_post.inputSchema.additionalProperties',
    false,
    schema.additionalProperties,
  );
  const required = schema.required ?? [];
  check(
    Array.isArray(required) && required.includes('content') && required.includes('platforms'),
    'create_post.inputSchema.required contains content and platforms',
    ['content', 'platforms'],
    schema.required,
  );
  return `${names.length} tools`;
});

step('create_post (valid)', async () => {
  const args = { content: { text: 'Hello from the TypeScript SDK' }, platforms: ['x', 'linkedin'] };
  const result = await client.callTool({ name: 'create_post', arguments: args }, undefined, {
    timeout: REQUEST_TIMEOUT_MS,
  });
  const ctx = { request: args, response: result };
  check(!result.isError, 'isError is falsy', 'isError: false/undefined', ctx);
  const sc = result.structuredContent;
  check(sc && typeof sc === 'object', 'structuredContent is an object', 'object', ctx);
  check(sc.status === 'draft', 'structuredContent.status', 'draft', sc.status);
  check(typeof sc.id === 'string' && UUID_RE.test(sc.id), 'structuredContent.id is a UUID', 'UUID string', sc.id);
  const first = result.content?.[0];
  check(first?.type === 'text', 'content[0].type', 'text', first);
  let parsed;
  try {
    parsed = JSON.parse(first.text);
  } catch (e) {
    throw new CheckFailed('content[0].text is JSON', 'valid JSON', `${e.message}: ${first.text}`);
  }
  check(isDeepStrictEqual(parsed, sc), 'JSON.parse(content[0].text) deep-equals structuredContent', sc, parsed);
  return `post ${sc.id} status=${sc.status}`;
});

step('create_post (neither text nor thread)', async () => {
  const args = { content: {}, platforms: ['x'] };
  const result = await client.callTool({ name: 'create_post', arguments: args }, undefined, {
    timeout: REQUEST_TIMEOUT_MS,
  });
  const ctx = { request: args, response: result };
  check(result.isError === true, 'isError', true, ctx);
  const error = result.structuredContent?.error;
  check(error && typeof error === 'object', 'structuredContent.error is an object', 'object', ctx);
  check(error.code === 'VALIDATION_FAILED', 'structuredContent.error.code', 'VALIDATION_FAILED', error);
  // content is text or a thread (a oneOf): with neither, the error is at $.content and names both members.
  check(error.path === '$.content', 'structuredContent.error.path', '$.content', error);
  check(/'text'/.test(error.message) && /'thread'/.test(error.message), 'structuredContent.error.message names text and thread', "'text' … 'thread'", error);
  return `${error.code} at ${error.path}`;
});

step('close', async () => {
  const pid = transport.pid;
  const started = Date.now();
  // Ends the server's stdin, then (SDK behaviour) SIGTERM after 2 s and SIGKILL after 4 s.
  await client.close();
  client = undefined;
  const ms = Date.now() - started;
  const isAlive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  let alive = Boolean(pid) && isAlive();
  for (let i = 0; alive && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 50));
    alive = isAlive();
  }
  check(!alive, 'server process has exited after close', 'no process', `pid ${pid} still running`);
  return `server exited (${ms} ms after close)`;
});

// ---------------------------------------------------------------------------------------------
// Run

for (const [i, { name, fn }] of steps.entries()) {
  const label = `[${i + 1}/${steps.length}] ${name}`;
  currentStep = label;
  try {
    const note = await fn();
    passed += 1;
    console.log(`ok   ${label}${note ? ` — ${note}` : ''}`);
  } catch (err) {
    failed += 1;
    console.log(`FAIL ${label}`);
    if (err instanceof CheckFailed) {
      console.log(`     check:    ${err.message}`);
      console.log(`     expected: ${show(err.expected)}`);
      console.log(`     got:      ${show(err.got)}`);
    } else {
      console.log(`     error:    ${err?.stack ?? err}`);
    }
    const stderr = globalThis.__serverStderr?.().trim();
    if (stderr) {
      console.log('     server stderr (tail):');
      for (const line of stderr.split('\n').slice(-40)) console.log(`       ${line}`);
    }
    // Without a connection nothing else can run: count the rest as failed. Otherwise go on, so
    // one run reports every broken step.
    if (i === 0) {
      const skipped = steps.length - 1;
      console.log(`     (${skipped} later step(s) not run)`);
      failed += skipped;
      break;
    }
  }
}

await cleanup();
clearTimeout(hardTimeout);
console.log(summary());
process.exit(failed === 0 && passed === TOTAL_STEPS ? 0 : 1);
