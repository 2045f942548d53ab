#!/usr/bin/env bash
# Smoke test of the stdio MCP server with the official TypeScript SDK client.
#   bash tests/ts-smoke/run.sh            # builds the server (Release) first
#   SOCIALMCP_SKIP_BUILD=1 bash run.sh    # uses an existing build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

if [[ "${SOCIALMCP_SKIP_BUILD:-}" != "1" ]]; then
  dotnet build ../../src/SocialMcp.Server -c Release -v q
fi

exec node smoke.mjs ../../src/SocialMcp.Server/bin/Release/net10.0/socialmcp.dll
