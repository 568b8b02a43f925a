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
# Chromium for the web UI's browser tests (driven by @playwright/test from npm; no browser download).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
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

# web/node_modules before the .NET tests: one of them runs the browser's share writer under Node
# (tests/Imguard.Learning.Tests/Storage/BrowserShareWriterPropertyTests.cs) and is skipped without it.
web_installed=0
if command -v npm >/dev/null 2>&1; then
  export NO_COLOR=1 FORCE_COLOR=0 npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
  echo "== web: npm ci"
  if (cd web && npm ci --no-audit --no-fund); then web_installed=1; fi
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

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
dotnet_summary="$passed passed, $failed failed, $skipped skipped"

# The web UI (web/): install from the lock file, type-check and build, unit tests (Vitest), then the browser tests
# in headless Chromium against the real system (imguard up on free 127.0.0.1 ports, the build above).
web_rc=0
vitest_passed=0
vitest_failed=0
browser_passed=0
browser_failed=0
browser_skipped=0
web_start=$SECONDS
if ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: Node.js/npm was not found on PATH; the web UI's tests cannot run." >&2
  web_rc=1
else
  if [ "$web_installed" -eq 1 ]; then
    # The UI's API types are generated from the platform's OpenAPI document (web/src/api/openapi.json, kept equal to
    # what the platform serves by tests/Imguard.Platform.Tests/Api/OpenApiDocumentTests.cs): fail when the checked-in
    # web/src/api/schema.d.ts is not what openapi-typescript makes of it.
    echo "== web: generated API types are current (npm run check:api)"
    if ! (cd web && npm run check:api); then
      echo "test.sh: web/src/api/schema.d.ts is out of date: run \`cd web && npm run generate:api\` and commit it." >&2
      web_rc=1
    fi
    echo "== web: build (tsc + vite)"
    if (cd web && npm run build); then
      echo "== web: unit tests (Vitest)"
      set +e
      (cd web && npm test 2>&1) | tee "$log"
      vitest_rc=${PIPESTATUS[0]}
      set -e
      vitest_passed=$({ grep -E '^ *Tests ' "$log" || true; } | { grep -Eo '[0-9]+ passed' || true; } | awk '{s += $1} END {print s + 0}')
      vitest_failed=$({ grep -E '^ *Tests ' "$log" || true; } | { grep -Eo '[0-9]+ failed' || true; } | awk '{s += $1} END {print s + 0}')
      if [ "$vitest_rc" -ne 0 ] || [ "$vitest_passed" -eq 0 ]; then web_rc=1; [ "$vitest_failed" -gt 0 ] || vitest_failed=1; fi
      # The browser tests (Playwright, web/e2e/*.spec.ts): its global setup starts `imguard up` from the build above on
      # free 127.0.0.1 ports; the specs drive headless Chromium through every area of the UI, then the newcomer's first
      # hour (5,000 + 1,000 Fashion-MNIST images, trained with the form's defaults, its accuracy against
      # docs/accuracy.jsonl; it prints "first hour: ... s total"). A failed test leaves its trace and a screenshot in
      # web/test-results/. SIGINT first, so that Playwright's teardown stops `imguard up`.
      echo "== web: browser tests in headless Chromium (Playwright; traces and screenshots of failures in web/test-results/)"
      browser_start=$SECONDS
      browser_results=web/test-results/results.json
      rm -f "$browser_results"
      set +e
      (cd web && timeout -s INT -k 60 1500 npx playwright test)
      browser_rc=$?
      set -e
      # Counted from the JSON reporter: expected = passed, unexpected + flaky = failed, skipped (Fashion-MNIST missing).
      read -r browser_passed browser_failed browser_skipped < <(node -e '
        try {
          const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stats;
          console.log(`${s.expected} ${s.unexpected + s.flaky} ${s.skipped}`);
        } catch { console.log("0 0 0"); }' "$browser_results")
      if [ "$browser_rc" -ne 0 ] || [ "$browser_passed" -eq 0 ]; then
        web_rc=1
        [ "$browser_failed" -gt 0 ] || browser_failed=1
      fi
      echo "web: browser tests took $((SECONDS - browser_start)) s"
    else
      echo "test.sh: the web UI did not build." >&2
      web_rc=1
    fi
  else
    echo "test.sh: npm ci failed in web/." >&2
    web_rc=1
  fi
fi
echo "web: $((SECONDS - web_start)) s in all (npm ci, build, Vitest, browser)"

# One plain summary line over every test: the .NET assemblies, Vitest and the browser tests.
total_passed=$((passed + vitest_passed + browser_passed))
total_failed=$((failed + vitest_failed + browser_failed))
total_skipped=$((skipped + browser_skipped))
echo "tests: $total_passed passed, $total_failed failed, $total_skipped skipped (.NET: $dotnet_summary; Vitest: $vitest_passed passed, $vitest_failed failed; browser: $browser_passed passed, $browser_failed failed, $browser_skipped skipped)"
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ] || [ "$web_rc" -ne 0 ]; then
  exit 1
fi
