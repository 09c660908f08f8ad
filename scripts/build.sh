#!/usr/bin/env bash
# Builds the `fooling` command in Release.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Cli/FoolingCluster.Cli.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
