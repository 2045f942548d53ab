#!/usr/bin/env bash
# Registers a deployed SocialMcp server with Claude Code through OAuth: no key in any file. Claude Code discovers the
# server's authorization server from its 401, registers itself, and opens the consent page in your browser when you run
# /mcp in a session and choose socialmcp → Authenticate. Sign in there with an operator credential from
#   socialmcp admin create --workspace local --name you
# and approve the scopes you want Claude Code to have.
#   SOCIALMCP_URL=https://social.example.com/mcp bash claude-code-oauth.sh
set -euo pipefail
: "${SOCIALMCP_URL:?set SOCIALMCP_URL to the server's public /mcp address, e.g. https://social.example.com/mcp}"
claude mcp add --transport http --scope user socialmcp "$SOCIALMCP_URL"
