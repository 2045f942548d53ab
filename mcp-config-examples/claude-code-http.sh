#!/usr/bin/env bash
# Registers a running SocialMcp HTTP server with Claude Code for the current user (streamable HTTP transport).
# Start the server first:      socialmcp serve --http        (listens on http://127.0.0.1:5080)
# and create a key for it:     socialmcp keys create --workspace local --name claude-code
# then:  SOCIALMCP_API_KEY=smcp_live_… bash claude-code-http.sh
set -euo pipefail
: "${SOCIALMCP_API_KEY:?set SOCIALMCP_API_KEY to a key printed by: socialmcp keys create --workspace local --name claude-code}"
url="${SOCIALMCP_URL:-http://127.0.0.1:5080/mcp}"
# Claude Code stores the header, key included, in ~/.claude.json.
claude mcp add --transport http --scope user socialmcp "$url" --header "Authorization: Bearer $SOCIALMCP_API_KEY"
