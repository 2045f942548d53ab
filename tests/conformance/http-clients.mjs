// Two real MCP clients against `socialmcp serve --http` with an API key: the official TypeScript SDK client
// (StreamableHTTPClientTransport) and the MCP Inspector's CLI. Each drives create_post → publish_post → get_post on the
// sandbox accounts and checks the statuses; each also checks that a call without the key is refused.
//
//   SOCIALMCP_API_KEY=smcp_live_… node http-clients.mjs http://127.0.0.1:5090/mcp
//
// Run by run.sh (with Node 22, which the Inspector needs). Prints one line per step, a `N passed, M failed` line per
// client and a total one; exits 1 on any failure.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

const url = process.argv[2];
const apiKey = process.env.SOCIALMCP_API_KEY;
if (!url || !apiKey) {
  console.error('usage: SOCIALMCP_API_KEY=… node http-clients.mjs <http://host:port/mcp>');
  process.exit(2);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const inspectorBin = path.join(here, 'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');
const REQUEST_TIMEOUT_MS = 20_000;
const PLATFORMS = ['x', 'linkedin'];

class CheckFailed extends Error {
  constructor(what, expected, got) {
    super(what);
    this.expected = expected;
    this.got = got;
  }
}

function check(condition, what, expected, got) {
  if (!condition) throw new CheckFailed(what, expected, got);
}

const show = (value) => inspect(value, { depth: 8, breakLength: 120, maxStringLength: 2000 });

/** Runs the steps in order; a failed step is reported and the rest still run (they fail too if they need its result). */
async function runClient(name, steps) {
  let passed = 0;
  let failed = 0;
  for (const [label, fn] of steps) {
    try {
      const note = await fn();
      passed += 1;
      console.log(`ok   ${name}: ${label}${note ? ` — ${note}` : ''}`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${name}: ${label}`);
      if (err instanceof CheckFailed) {
        console.log(`     check:    ${err.message}`);
        console.log(`     expected: ${show(err.expected)}`);
        console.log(`     got:      ${show(err.got)}`);
      } else {
        console.log(`     error:    ${err?.stack ?? err}`);
      }
    }
  }
  console.log(`${name}: ${passed} passed, ${failed} failed`);
  return { passed, failed };
}

// The same three checks for both clients, on the tool result's structuredContent.
function checkDraft(post) {
  check(post?.status === 'draft', 'create_post → status', 'draft', post);
  check(typeof post.id === 'string' && post.id.length > 0, 'create_post → id', 'a post id', post.id);
  return `post ${post.id} draft`;
}

function checkPublished(post, tool) {
  check(post?.status === 'published', `${tool} → status`, 'published', post);
  const targets = post.targets ?? [];
  check(
    targets.length === PLATFORMS.length && targets.every((t) => t.status === 'published' && t.url && t.platformPostId),
    `${tool} → every target published with a URL and a platform post id`,
    PLATFORMS.map((platform) => ({ platform, status: 'published' })),
    targets,
  );
  return `${post.status} on ${targets.map((t) => t.platform).join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// The TypeScript SDK client

function sdkTransport(headers) {
  return new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
}

async function sdkCall(client, name, args) {
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: REQUEST_TIMEOUT_MS });
  check(!result.isError, `${name} → isError is falsy`, 'no error', result);
  return result.structuredContent;
}

const sdk = new Client({ name: 'socialmcp-http-clients', version: '0.0.0' }, { capabilities: {} });
let sdkPostId;
const sdkResult = await runClient('sdk', [
  [
    'initialize without a key is refused',
    async () => {
      const anonymous = new Client({ name: 'socialmcp-http-clients-anonymous', version: '0.0.0' });
      let error;
      try {
        await anonymous.connect(sdkTransport({}), { timeout: REQUEST_TIMEOUT_MS });
      } catch (e) {
        error = e;
      } finally {
        await anonymous.close().catch(() => {});
      }
      check(error !== undefined, 'connect rejects', 'an error (HTTP 401)', 'connected');
      check(/401|unauthori/i.test(`${error?.code ?? ''} ${error?.message ?? ''}`), 'the error is a 401', 'HTTP 401', error?.message);
      return 'HTTP 401';
    },
  ],
  [
    'initialize with the key',
    async () => {
      await sdk.connect(sdkTransport({ Authorization: `Bearer ${apiKey}` }), { timeout: REQUEST_TIMEOUT_MS });
      const info = sdk.getServerVersion();
      check(info?.name === 'socialmcp', 'serverInfo.name', 'socialmcp', info);
      return `${info.name} ${info.version}`;
    },
  ],
  [
    'create_post',
    async () => {
      const post = await sdkCall(sdk, 'create_post', { content: { text: 'Hello over HTTP from the TypeScript SDK' }, platforms: PLATFORMS });
      const note = checkDraft(post);
      sdkPostId = post.id;
      return note;
    },
  ],
  ['publish_post', async () => checkPublished(await sdkCall(sdk, 'publish_post', { postId: sdkPostId }), 'publish_post')],
  ['get_post', async () => checkPublished(await sdkCall(sdk, 'get_post', { postId: sdkPostId }), 'get_post')],
]);
await sdk.close().catch(() => {});

// ---------------------------------------------------------------------------------------------
// The MCP Inspector CLI: `mcp-inspector --cli <url> --transport http --header … --method tools/call …`

// Its catalog and client config default to ~/.mcp-inspector: keep them in a temporary home instead.
const inspectorHome = await mkdtemp(path.join(tmpdir(), 'socialmcp-inspector-'));

function inspector(args, { withKey = true } = {}) {
  const argv = [inspectorBin, '--cli', url, '--transport', 'http', '--format', 'json', '--stored-auth-only', '--connect-timeout', '15000'];
  if (withKey) argv.push('--header', `Authorization: Bearer ${apiKey}`);
  return new Promise((resolve) => {
    execFile(process.execPath, [...argv, ...args], { env: { ...process.env, HOME: inspectorHome }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function inspectorCall(tool, toolArgs) {
  const run = await inspector(['--method', 'tools/call', '--tool-name', tool, ...toolArgs]);
  check(run.code === 0, `${tool} → exit code`, 0, run);
  let output;
  try {
    output = JSON.parse(run.stdout);
  } catch (e) {
    throw new CheckFailed(`${tool} → stdout is one JSON object`, 'JSON', run.stdout);
  }
  check(output.result && !output.result.isError, `${tool} → result without isError`, 'a result', output);
  return output.result.structuredContent;
}

let inspectorPostId;
const inspectorResult = await runClient('inspector', [
  [
    'a call without the key is refused',
    async () => {
      const run = await inspector(['--method', 'tools/list'], { withKey: false });
      check(run.code !== 0, 'exit code', 'non-zero', run);
      check(/auth_required|401|UNAUTHORIZED/.test(run.stdout + run.stderr), 'the error is about authentication', 'auth_required / 401', run);
      return `exit ${run.code}, auth_required`;
    },
  ],
  [
    'create_post',
    async () => {
      const post = await inspectorCall('create_post', [
        '--tool-args-json',
        JSON.stringify({ content: { text: 'Hello over HTTP from the MCP Inspector CLI' }, platforms: PLATFORMS }),
      ]);
      const note = checkDraft(post);
      inspectorPostId = post.id;
      return note;
    },
  ],
  ['publish_post', async () => checkPublished(await inspectorCall('publish_post', ['--tool-arg', `postId=${inspectorPostId}`]), 'publish_post')],
  ['get_post', async () => checkPublished(await inspectorCall('get_post', ['--tool-arg', `postId=${inspectorPostId}`]), 'get_post')],
]);
await rm(inspectorHome, { recursive: true, force: true });

const passed = sdkResult.passed + inspectorResult.passed;
const failed = sdkResult.failed + inspectorResult.failed;
console.log(`http clients: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
