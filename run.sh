#!/usr/bin/env bash
# Builds IMGuard and starts the whole system on this machine: the platform, party 0, party 1 and the audit server
# as child processes on 127.0.0.1 (mutual TLS between them, certificates from a CA made on first start), data under
# ./.imguard. Builds the web UI (web/dist, served by the platform) when npm is there. Prints the platform URL (open
# it in a browser; trust .imguard/pki/ca.crt, the deployment's own CA); Ctrl-C stops everything.
# Usage: ./run.sh                 (imguard up)
#        ./run.sh ARGS...         (any imguard command, e.g. ./run.sh bench mpc)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! command -v dotnet >/dev/null 2>&1; then
  echo "run.sh: the .NET 10 SDK (dotnet) is required and was not found on PATH." >&2
  exit 1
fi
# Fashion-MNIST for training on real data (optional: the system runs without it).
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo -n); fi
  "${sudo_cmd[@]}" apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 ||
    echo "run.sh: could not install dataset-fashion-mnist (optional; Fashion-MNIST training needs it)." >&2
fi
echo "building..."
# The web UI (web/ → web/dist, which the platform serves). Without npm the system still runs: the API works and the
# platform's / says the UI is not built.
if command -v npm >/dev/null 2>&1; then
  if ! (cd web && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run build --silent >/dev/null); then
    echo "run.sh: building the web UI failed (see: cd web && npm ci && npm run build); starting without it." >&2
  fi
else
  echo "run.sh: npm not found; starting without the web UI (install Node.js to get it)." >&2
fi
dotnet build src/Imguard.Cli -c Release -o artifacts/imguard >/dev/null
if [ "$#" -eq 0 ]; then
  set -- up --data-dir .imguard
fi
exec artifacts/imguard/imguard "$@"
