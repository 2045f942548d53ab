#!/usr/bin/env bash
# Registers SocialMcp with Claude Code for the current user (stdio transport).
# Build it first from the repo root:  dotnet publish src/SocialMcp.Server -c Release -o publish
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
claude mcp add socialmcp --scope user -- "$repo/publish/socialmcp" serve
# With an explicit database file:
#   claude mcp add socialmcp --scope user -e SOCIALMCP_Storage__Path="$HOME/socialmcp.db" -- "$repo/publish/socialmcp" serve
