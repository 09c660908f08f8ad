#!/usr/bin/env bash
# Builds the `fooling` command in Release; quiet unless the build fails.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! dotnet build src/Cli/FoolingCluster.Cli.csproj -c Release --nologo > "$log" 2>&1; then
  cat "$log" >&2
  echo "error: build failed" >&2
  exit 1
fi
# Lets ./fooling tell whether any source changed since this build.
touch src/Cli/bin/Release/net10.0/.built
