// Adds the API key to every request on its way to the server under test, because the conformance suite's CLI cannot
// send headers (its MCP client has no option for them, and its DNS-rebinding scenario sends raw requests). The server
// keeps its normal API-key authentication: nothing is switched off for the suite.
//
//   SOCIALMCP_API_KEY=smcp_live_… node auth-proxy.mjs http://127.0.0.1:5090
//
// Listens on a free loopback port and prints `listening <port>` once ready. Everything else passes through unchanged
// and streamed both ways (SSE included): method, path, headers — Host and Origin too, so the server's DNS-rebinding
// protection judges exactly what the suite sent — and status, headers and body of the answer. A request that already
// has an Authorization header keeps it.

import http from 'node:http';

const upstream = new URL(process.argv[2] ?? '');
const apiKey = process.env.SOCIALMCP_API_KEY;
if (!apiKey) {
  console.error('auth-proxy: set SOCIALMCP_API_KEY');
  process.exit(2);
}

const server = http.createServer((request, response) => {
  const headers = { ...request.headers };
  headers.authorization ??= `Bearer ${apiKey}`;

  const forwarded = http.request(
    { hostname: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(response);
    },
  );
  forwarded.on('error', () => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
    response.end('auth-proxy: the server did not answer');
  });
  // A client that goes away (the end of an SSE stream) ends the request to the server too.
  response.on('close', () => forwarded.destroy());
  request.pipe(forwarded);
});

server.keepAliveTimeout = 1000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
