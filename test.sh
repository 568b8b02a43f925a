#!/usr/bin/env bash
# Sets up what the tests need and runs every test. Works on a fresh Debian 12 machine with the .NET 10 SDK.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Comparison]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK (dotnet) is required and was not found on PATH." >&2
  exit 1
fi

# Debian packages the tests use: Fashion-MNIST (IDX files) for the real-data checks. Tests make their own small data
# otherwise, so a machine that cannot install it still runs everything else (those checks then say they were skipped).
need_apt=()
[ -d /usr/share/datasets/fashion-mnist ] || need_apt+=(dataset-fashion-mnist)
# PostgreSQL server binaries: the database tests run against a real, throw-away server on 127.0.0.1.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need_apt+=(postgresql)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
  if ! { "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_apt[@]}"; }; then
    echo "test.sh: could not install ${need_apt[*]}; the tests that need them will report they were skipped." >&2
  fi
fi

# A throw-away PostgreSQL cluster on 127.0.0.1 for the database tests (stopped and deleted on exit). Without it those
# tests report they were skipped.
pg_dir=""
stop_postgres() {
  if [ -n "$pg_dir" ]; then
    "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
start_postgres() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pg_bin" ] || return 1
  pg_dir=$(mktemp -d /tmp/imguard-pg.XXXXXX)
  pg_run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || return 1
    chown postgres "$pg_dir"
    pg_run=(runuser -u postgres --)
  fi
  local port=$(( 20000 + RANDOM % 20000 ))
  "${pg_run[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U imguard --auth=trust -E UTF8 >/dev/null || return 1
  "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -t 30 -l "$pg_dir/server.log" \
    -o "-h 127.0.0.1 -p $port -k $pg_dir -c fsync=off" start >/dev/null || return 1
  export IMGUARD_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=imguard;Database=postgres"
  echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for the database tests"
}
trap stop_postgres EXIT
if ! start_postgres; then
  echo "test.sh: could not start a PostgreSQL server; the PostgreSQL tests will report they were skipped." >&2
  stop_postgres
  pg_dir=""
fi

echo "== restore and build (Release)"
dotnet restore Imguard.slnx
dotnet build Imguard.slnx -c Release --no-restore

echo "== tests"
log=$(mktemp)
trap 'rm -f "$log"; stop_postgres' EXIT
set +e
dotnet test Imguard.slnx -c Release --no-build "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# One plain summary line over every test assembly.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
