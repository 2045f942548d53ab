// The conformance suite's authorization-server scenarios (conformance-next `authorization`) against SocialMcp's
// authorization server: authorization-server-metadata-endpoint and authorization-code-grant. The second prints an
// authorization URL and waits for a person to complete it in a browser; here consent-driver.mjs signs in and approves,
// and the redirect is delivered to the suite's callback listener. The suite's exit code is the verdict.
//
//   node oauth-conformance.mjs http://127.0.0.1:5090 <operator-password> <results-dir>

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { approve } from './consent-driver.mjs';

const [base, password, resultsDir] = process.argv.slice(2);
if (!base || !password || !resultsDir) {
  console.error('usage: node oauth-conformance.mjs <http://host:port> <operator-password> <results-dir>');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const suite = path.join(here, 'node_modules/conformance-next/dist/index.js');

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

// The suite's client must be registered with its callback address; dynamic registration does that.
const callbackPort = await freePort();
const registered = await fetch(new URL('/auth/register', base), {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ client_name: 'MCP conformance suite', redirect_uris: [`http://127.0.0.1:${callbackPort}/callback`], token_endpoint_auth_method: 'none' }),
});
if (registered.status !== 201) {
  console.error(`registration failed: HTTP ${registered.status} ${await registered.text()}`);
  process.exit(1);
}
const { client_id: clientId } = await registered.json();

const issuer = new URL('/', base).href; // OpenIddict's issuer: the origin and a slash
const child = spawn(process.execPath, [
  suite, 'authorization', '--url', issuer, '--client-id', clientId, '--resource', new URL('/mcp', base).href,
  '--port', String(callbackPort), '--output-dir', resultsDir,
], { stdio: ['ignore', 'pipe', 'inherit'] });

let driven = false;
let buffered = '';
child.stdout.on('data', async (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk.toString();
  const match = /(https?:\/\/\S+\/auth\/authorize\?\S+)/.exec(buffered);
  if (match && !driven) {
    driven = true;
    try {
      const redirect = await approve(match[1], { name: 'conformance', password });
      // The browser would now load the redirect: deliver it to the suite's callback listener.
      await fetch(redirect).then((r) => r.text());
      console.log(`(consent-driver: approved and delivered ${redirect.origin}${redirect.pathname})`);
    } catch (err) {
      console.log(`(consent-driver failed: ${err?.stack ?? err})`);
    }
  }
});

const code = await new Promise((resolve) => child.on('exit', (exitCode) => resolve(exitCode ?? 1)));
const verdict = code === 0 ? 'passed' : 'FAILED';
console.log(`authorization scenarios (conformance-next): ${verdict}${driven ? '' : ' (no authorization URL was printed)'}`);
process.exit(code === 0 && driven ? 0 : 1);
