#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `cluster.sh start DIR PORT` creates one in DIR (which must not exist
# or be empty) listening on 127.0.0.1:PORT only, with trust authentication for the user `postgres`; `cluster.sh stop DIR`
# stops it. Installs Debian's postgresql package when no server binaries are found (as root; otherwise it says how).
# `cluster.sh install` only installs. Durability settings are off: the cluster lives for one test run and is deleted after it.
set -euo pipefail

find_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

ensure_installed() {
  if find_bindir >/dev/null; then return 0; fi
  # Test assemblies start in parallel: one installs while the others wait for it (dpkg allows one at a time).
  exec 9>/tmp/socialmcp-postgres-install.lock
  flock 9
  if find_bindir >/dev/null; then flock -u 9; return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL server binaries not found. Install them once with: sudo apt-get update && sudo apt-get install -y postgresql" >&2
    echo "(or point the tests at a server you run: SOCIALMCP_TEST_POSTGRES='Host=127.0.0.1;Port=5432;Username=postgres')" >&2
    exit 3
  fi
  echo "installing PostgreSQL (Debian package postgresql) for the tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  # The package's own cluster is not used; policy-rc.d keeps it from being started.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq postgresql >&2
  rm -f /usr/sbin/policy-rc.d
  find_bindir >/dev/null || { echo "postgresql installed but initdb/pg_ctl not found" >&2; exit 3; }
  flock -u 9
}

# initdb and postgres refuse to run as root: run them as the package's `postgres` user then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd="${1:-}"; dir="${2:-}"
if [ "$cmd" = install ]; then ensure_installed; echo "PostgreSQL server: $(find_bindir)"; exit 0; fi
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: cluster.sh install | start DIR PORT | stop DIR" >&2; exit 2; }
case "$cmd" in
  start)
    port="${3:?port}"
    ensure_installed
    bindir="$(find_bindir)"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
      chown postgres "$dir"
      # The user must be able to reach DIR through its parents (a temp dir may be 0700).
      chmod o+x "$(dirname "$dir")" 2>/dev/null || true
    fi
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 4; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=128MB" \
      >/dev/null || { cat "$dir/server.log" >&2; exit 5; }
    ;;
  stop)
    bindir="$(find_bindir)" || exit 0
    [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
