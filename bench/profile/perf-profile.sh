#!/usr/bin/env bash
# A steady-state CPU profile of one HTTP case with Linux perf, split into parts by perf-breakdown.py.
#
#   bash bench/profile/perf-http.sh PUBLISH_DIR [TOOL] [WARMUP_SECONDS] [RECORD_SECONDS]
#   bash bench/profile/perf-http.sh --floor FLOOR_PUBLISH_DIR
#
# Starts the published server (stateless HTTP, API key, limits raised as bench/run raises them), loads it with wrk at 16
# connections for WARMUP_SECONDS (40: tiered compilation keeps rewriting methods for about 20 s under load, and a
# profile taken then is mostly the JIT), then records RECORD_SECONDS (10) of perf samples while wrk keeps the load on.
# Prints the requests served, the process CPU from /proc over the same window and the breakdown per request.
# --floor profiles bench/floor's echo (no auth, stateless) the same way. Needs perf (apt-get install linux-perf) and
# wrk; writes into a temporary directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
floor=0
[[ ${1:-} == --floor ]] && { floor=1; shift; }
publish=${1:?publish directory}
tool=${2:-list_platform_sets}
warmup=${3:-40}
record=${4:-10}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
if [[ $floor == 1 ]]; then
  dotnet "$publish/mcp-floor.dll" http --urls "http://127.0.0.1:$port" > "$work/server.log" 2>&1 &
  key=- tool=echo
else
  export SOCIALMCP_RateLimits__ReadPerWindow=100000000 SOCIALMCP_RateLimits__CreatePerWindow=100000000 \
    SOCIALMCP_RateLimits__RequestsPerWindow=100000000 SOCIALMCP_Quotas__PostsPerMonth=100000000 \
    SOCIALMCP_Logging__LogLevel__Default=Warning SOCIALMCP_Http__SessionMode=Stateless
  key=$(dotnet "$publish/socialmcp.dll" keys create --workspace local --name perf --db "$work/db.sqlite" 2>/dev/null | tr -d '\n')
  dotnet "$publish/socialmcp.dll" serve --http --urls "http://127.0.0.1:$port" --db "$work/db.sqlite" > "$work/server.log" 2>&1 &
fi
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$port/mcp" && break; sleep 0.1; done
load() { wrk -t2 -c16 -d"$1"s -s bench/http/tools-call.lua "http://127.0.0.1:$port/mcp" -- "$tool" "$key" - 2025-11-25 perf; }
load "$warmup" > /dev/null
load $((record + 4)) > "$work/wrk.txt" &
wrk_pid=$!
sleep 2
cpu_ticks() { sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'; }
ticks_before=$(cpu_ticks)
perf record -F 997 -g -p "$pid" -o "$work/perf.data" -- sleep "$record" > "$work/perf.log" 2>&1
ticks_after=$(cpu_ticks)
wait $wrk_pid
cpu_ms=$(( (ticks_after - ticks_before) * 1000 / $(getconf CLK_TCK) ))
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
requests=$(python3 -c "print(round($rps * $record))")
perf script -F comm,tid,ip,sym,dso -i "$work/perf.data" 2> /dev/null > "$work/perf.txt"
echo "wrk: $rps req/s at 16 connections; server CPU while recording: $cpu_ms ms in ${record} s"
python3 bench/profile/perf-breakdown.py "$work/perf.txt" "$requests" "$cpu_ms"
echo "perf data: $work/perf.data (script output: $work/perf.txt)"
