#!/usr/bin/env bash
# Builds IMGuard and runs it. Today the system is the 2PC engine: this runs the engine's benchmark
# (two party processes over mutual TLS 1.3 on 127.0.0.1, the dealer's offline phase, the online phase).
# Usage: ./run.sh [imguard arguments]   (default: bench mpc)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! command -v dotnet >/dev/null 2>&1; then
  echo "run.sh: the .NET 10 SDK (dotnet) is required and was not found on PATH." >&2
  exit 1
fi
dotnet build src/Imguard.Cli -c Release -o artifacts/imguard >/dev/null
if [ "$#" -eq 0 ]; then
  set -- bench mpc
fi
exec artifacts/imguard/imguard "$@"
