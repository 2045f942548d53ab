// The official TypeScript SDK client through the whole MCP authorization flow against `socialmcp serve --http`:
// 401 with resource_metadata → protected-resource metadata → authorization-server metadata → dynamic client
// registration → authorization request with S256 PKCE, state and the resource → the consent page, driven headlessly
// (consent-driver.mjs) → token exchange → create_post and publish_post on the sandbox accounts with the access token.
// Then: the token is bound to this resource, a refresh gives a new one, revocation ends it.
//
//   node oauth-clients.mjs http://127.0.0.1:5090 <operator-password>
//
// Run by run.sh. Prints one line per step and a `N passed, M failed` line; exits 1 on any failure.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { approve } from './consent-driver.mjs';

const [base, password] = process.argv.slice(2);
if (!base || !password) {
  console.error('usage: node oauth-clients.mjs <http://host:port> <operator-password>');
  process.exit(2);
}
const mcpUrl = new URL('/mcp', base);
const REDIRECT_URI = 'http://127.0.0.1:1/oauth/callback';
const TIMEOUT = 20_000;
const PLATFORMS = ['x', 'linkedin'];

let passed = 0;
let failed = 0;
async function step(label, fn) {
  try {
    const note = await fn();
    passed += 1;
    console.log(`ok   oauth: ${label}${note ? ` — ${note}` : ''}`);
  } catch (err) {
    failed += 1;
    console.log(`FAIL oauth: ${label}`);
    console.log(`     ${err?.stack ?? inspect(err)}`);
  }
}
function check(condition, what, got) {
  if (!condition) throw new Error(`${what}; got ${inspect(got, { depth: 6, breakLength: 120 })}`);
}

/** The SDK's OAuthClientProvider, in memory; redirectToAuthorization hands the URL to the consent driver. */
class InMemoryProvider {
  state_ = randomBytes(16).toString('base64url');
  authorizationUrl;
  #client;
  #tokens;
  #verifier;

  get redirectUrl() { return REDIRECT_URI; }
  get clientMetadata() {
    return { client_name: 'SocialMcp OAuth E2E (TypeScript SDK)', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  state() { return this.state_; }
  clientInformation() { return this.#client; }
  saveClientInformation(info) { this.#client = info; }
  tokens() { return this.#tokens; }
  saveTokens(tokens) { this.#tokens = tokens; }
  redirectToAuthorization(url) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier) { this.#verifier = verifier; }
  codeVerifier() { return this.#verifier; }
}

async function call(client, name, args) {
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: TIMEOUT });
  check(!result.isError, `${name} succeeds`, result);
  return result.structuredContent;
}

async function rawCall(token, name, args) {
  const response = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }),
  });
  await response.body?.cancel();
  return response;
}

const provider = new InMemoryProvider();
let client;
let postId;

await step('connect without a token → the SDK discovers the authorization server, registers and asks for authorization', async () => {
  const first = new Client({ name: 'socialmcp-oauth-e2e', version: '0.0.0' });
  let error;
  try {
    await first.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }), { timeout: TIMEOUT });
  } catch (e) {
    error = e;
  }
  await first.close().catch(() => {});
  check(error instanceof UnauthorizedError, 'connect ends in UnauthorizedError (a redirect to authorize)', error);
  const url = provider.authorizationUrl;
  check(url, 'an authorization URL', url);
  check(url.searchParams.get('code_challenge_method') === 'S256', 'S256 PKCE', url.search);
  check(url.searchParams.get('resource') === mcpUrl.href, 'the resource parameter names /mcp', url.search);
  check(url.searchParams.get('state') === provider.state_, 'the state is sent', url.search);
  check(provider.clientInformation()?.client_id?.startsWith('client_'), 'a dynamically registered client id', provider.clientInformation());
  return `client ${provider.clientInformation().client_id}, scope "${url.searchParams.get('scope')}"`;
});

let code;
await step('the consent page: sign in as the operator and approve (no browser)', async () => {
  const redirect = await approve(provider.authorizationUrl.href, { name: 'conformance', password });
  check(`${redirect.origin}${redirect.pathname}` === REDIRECT_URI, 'redirected to the registered redirect URI', redirect.href);
  check(redirect.searchParams.get('state') === provider.state_, 'the state comes back unchanged', redirect.href);
  code = redirect.searchParams.get('code');
  check(code, 'an authorization code', redirect.href);
  return 'approved';
});

await step('finishAuth exchanges the code (with the PKCE verifier) for tokens', async () => {
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  await transport.finishAuth(code);
  const tokens = provider.tokens();
  check(tokens?.access_token && tokens.refresh_token, 'an access token and a refresh token', Object.keys(tokens ?? {}));
  check(!tokens.access_token.startsWith('smcp_live_'), 'not an API key', 'smcp_live_…');
  return `token_type ${tokens.token_type}, expires_in ${tokens.expires_in}, scope "${tokens.scope}"`;
});

await step('connect with the token', async () => {
  client = new Client({ name: 'socialmcp-oauth-e2e', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }), { timeout: TIMEOUT });
  const info = client.getServerVersion();
  check(info?.name === 'socialmcp', 'serverInfo.name', info);
  return `${info.name} ${info.version}`;
});

await step('create_post with the token', async () => {
  const post = await call(client, 'create_post', { content: { text: 'Hello from a hosted client over OAuth' }, platforms: PLATFORMS });
  check(post?.status === 'draft' && post.id, 'a draft', post);
  postId = post.id;
  return `post ${post.id} draft`;
});

await step('publish_post with the token', async () => {
  const post = await call(client, 'publish_post', { postId });
  check(post?.status === 'published', 'status published', post);
  check((post.targets ?? []).length === PLATFORMS.length && post.targets.every((t) => t.status === 'published' && t.url), 'every sandbox target published', post.targets);
  return `published on ${post.targets.map((t) => t.platform).join(', ')}`;
});
await client?.close().catch(() => {});

await step('the token is refused at another resource (localhost instead of 127.0.0.1)', async () => {
  const other = new URL(mcpUrl);
  other.hostname = 'localhost';
  const response = await fetch(other, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${provider.tokens().access_token}`, 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }),
  });
  await response.body?.cancel();
  check(response.status === 401, 'HTTP 401', response.status);
  check(/invalid_token/.test(response.headers.get('www-authenticate') ?? ''), 'error="invalid_token"', response.headers.get('www-authenticate'));
  return '401 invalid_token';
});

await step('refresh gives a new access token; revoking it ends it', async () => {
  const metadata = await (await fetch(new URL('/.well-known/oauth-authorization-server', base))).json();
  const refreshed = await refreshAuthorization(new URL(metadata.issuer), {
    metadata,
    clientInformation: provider.clientInformation(),
    refreshToken: provider.tokens().refresh_token,
    resource: mcpUrl,
  });
  check(refreshed.access_token && refreshed.access_token !== provider.tokens().access_token, 'a new access token', refreshed);
  check((await rawCall(refreshed.access_token)).status === 200, 'the new token works', 'HTTP 200');
  const revoked = await fetch(metadata.revocation_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: refreshed.access_token, token_type_hint: 'access_token', client_id: provider.clientInformation().client_id }),
  });
  check(revoked.status === 200, 'revocation answers 200', revoked.status);
  check((await rawCall(refreshed.access_token)).status === 401, 'the revoked token is refused', 'HTTP 401');
  return 'refreshed, revoked';
});

console.log(`oauth: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
