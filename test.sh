#!/usr/bin/env bash
# Set up (MNIST) and run every test, in Release so the numerical tests run at full speed.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
dotnet test FoolingCluster.sln -c Release --nologo "$@"
