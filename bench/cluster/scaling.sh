#!/usr/bin/env bash
# Cluster scaling on this machine: evaluations per second of the MNIST CPPN search run
# embedded (one in-process worker) and as a coordinator with 1, 2 and 4 worker processes
# joined to its Akka.NET cluster on 127.0.0.1 (port CLUSTER_PORT, default 4053).
# Prints a markdown table; bench/results/cluster.md records one sitting.
#   usage: bench/cluster/scaling.sh [GENERATIONS]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
generations="${1:-100}"
cluster="127.0.0.1:${CLUSTER_PORT:-4053}"
scratch="$(mktemp -d)"
workers_started=()
stop_workers() {
  for pid in "${workers_started[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${workers_started[@]}"; do wait "$pid" 2>/dev/null || true; done
  workers_started=()
}
trap 'stop_workers; rm -rf "$scratch"' EXIT
./scripts/build.sh

rate() { grep -o '([0-9,]*/s)' "$1" | tail -1 | tr -d '(),/s'; }
seconds() { grep -o 'evaluations in [0-9.]* s' "$1" | tail -1 | awk '{print $3}'; }
# Evaluations per second of generations 1 to the last, from the newest run's history.csv:
# the steady state, without generation 0, which on a cluster includes the workers' fetching
# the model.
steady() {
  local history; history="$(ls -td "$scratch"/runs/*/ | head -1)history.csv"
  awk -F, 'NR == 2 { e0 = $2; s0 = $3 } END { printf "%.0f", ($2 - e0) / ($3 - s0) }' "$history"
}

echo "| setup | workers × threads | search time (s) | evaluations/s | evaluations/s after generation 0 |"
echo "| --- | --- | ---: | ---: | ---: |"
./fooling run config/mnist-cppn.json --generations "$generations" --runs "$scratch/runs" > "$scratch/embedded.log" 2>&1
echo "| embedded (\`fooling run\`) | 1 × $(nproc) | $(seconds "$scratch/embedded.log") | $(rate "$scratch/embedded.log") | $(steady) |"
for workers in 1 2 4; do
  threads=$(( $(nproc) / workers )); (( threads >= 1 )) || threads=1
  # Workers keep trying their seed until the coordinator is up; the coordinator holds
  # generation 0 until all of them have joined, so the search time counts no joining.
  for i in $(seq 1 "$workers"); do
    ./fooling worker --join "$cluster" --threads "$threads" --cache "$scratch/cache-$i" --id "bench-$i" > "$scratch/worker-$i.log" 2>&1 &
    workers_started+=($!)
  done
  sleep 2
  ./fooling coordinator config/mnist-cppn.json --generations "$generations" --cluster "$cluster" --listen 127.0.0.1:0 --wait-for-workers "$workers" --runs "$scratch/runs" > "$scratch/coordinator-$workers.log" 2>&1
  stop_workers
  echo "| coordinator + worker processes in an Akka.NET cluster | $workers × $threads | $(seconds "$scratch/coordinator-$workers.log") | $(rate "$scratch/coordinator-$workers.log") | $(steady) |"
done
