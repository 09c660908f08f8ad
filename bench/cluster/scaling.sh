#!/usr/bin/env bash
# Cluster scaling on this machine: evaluations per second of the MNIST CPPN search run
# embedded (one in-process worker) and as a coordinator with 1, 2 and 4 worker processes
# over a local RabbitMQ (the Debian service on 127.0.0.1:5672, started if needed).
# Prints a markdown table; bench/results/cluster.md records one sitting.
#   usage: bench/cluster/scaling.sh [GENERATIONS]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
generations="${1:-100}"
broker="amqp://guest:guest@127.0.0.1:5672/"
scratch="$(mktemp -d)"
trap 'pkill -f "fooling.dll worker --broker" || true; rm -rf "$scratch"' EXIT
./scripts/build.sh
if ! (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  service rabbitmq-server start >/dev/null
  sleep 3
fi

rate() { grep -o '([0-9,]*/s)' "$1" | tail -1 | tr -d '(),/s'; }
seconds() { grep -o 'evaluations in [0-9.]* s' "$1" | tail -1 | awk '{print $3}'; }

echo "| setup | workers × threads | search time (s) | evaluations/s |"
echo "| --- | --- | ---: | ---: |"
./fooling run config/mnist-cppn.json --generations "$generations" --runs "$scratch/runs" > "$scratch/embedded.log" 2>&1
echo "| embedded (\`fooling run\`) | 1 × $(nproc) | $(seconds "$scratch/embedded.log") | $(rate "$scratch/embedded.log") |"
for workers in 1 2 4; do
  threads=$(( $(nproc) / workers )); (( threads >= 1 )) || threads=1
  for i in $(seq 1 "$workers"); do
    ./fooling worker --broker "$broker" --threads "$threads" --cache "$scratch/cache-$i" --id "bench-$i" > "$scratch/worker-$i.log" 2>&1 &
  done
  sleep 2
  ./fooling coordinator config/mnist-cppn.json --generations "$generations" --broker "$broker" --listen 127.0.0.1:0 --runs "$scratch/runs" > "$scratch/coordinator-$workers.log" 2>&1
  pkill -f "fooling.dll worker --broker" || true
  sleep 1
  echo "| coordinator + worker processes over RabbitMQ | $workers × $threads | $(seconds "$scratch/coordinator-$workers.log") | $(rate "$scratch/coordinator-$workers.log") |"
done
