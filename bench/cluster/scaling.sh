#!/usr/bin/env bash
# Cluster scaling on this machine: evaluations per second of the MNIST CPPN search run as a
# coordinator with 1, 2 and 4 worker processes joined to its Akka.NET cluster on 127.0.0.1
# (port CLUSTER_PORT, default 4053), each against an embedded run (`fooling run`, in-process
# workers) made just before it. A shared machine's speed drifts by a factor of two within
# minutes, so only a cluster run's ratio to its own embedded neighbour means anything; ROUNDS
# (default 3) repeats every pair and the median ratio is reported.
# Prints markdown tables; bench/results/cluster.md records one sitting.
#   usage: [ROUNDS=3] [CLUSTER_PORT=4053] bench/cluster/scaling.sh [GENERATIONS]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
generations="${1:-100}"
rounds="${ROUNDS:-3}"
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

# Evaluations per second of generations 1 to the last, from the newest run's history.csv:
# the steady state, without generation 0, which on a cluster includes the workers' fetching
# the model.
steady() {
  local history; history="$(ls -td "$scratch"/runs/*/ | head -1)history.csv"
  awk -F, 'NR == 2 { e0 = $2; s0 = $3 } END { printf "%.0f", ($2 - e0) / ($3 - s0) }' "$history"
}

embedded() {
  ./fooling run config/mnist-cppn.json --generations "$generations" --runs "$scratch/runs" > "$scratch/embedded.log" 2>&1
  steady
}

cluster_run() {
  local workers="$1" threads="$2"
  # Workers keep trying their seed until the coordinator is up; the coordinator holds
  # generation 0 until all of them have joined, so the search time counts no joining.
  for i in $(seq 1 "$workers"); do
    ./fooling worker --join "$cluster" --threads "$threads" --cache "$scratch/cache-$i" --id "bench-$i" > "$scratch/worker-$i.log" 2>&1 &
    workers_started+=($!)
  done
  sleep 2
  ./fooling coordinator config/mnist-cppn.json --generations "$generations" --cluster "$cluster" --listen 127.0.0.1:0 --wait-for-workers "$workers" --runs "$scratch/runs" > "$scratch/coordinator-$workers.log" 2>&1
  stop_workers
  steady
}

declare -A ratios
echo "Evaluations/s after generation 0, each cluster run next to the embedded run made just before it:"
echo
echo "| round | workers × threads | embedded | cluster | cluster / embedded |"
echo "| ---: | --- | ---: | ---: | ---: |"
for round in $(seq 1 "$rounds"); do
  for workers in 1 2 4; do
    threads=$(( $(nproc) / workers )); (( threads >= 1 )) || threads=1
    alone="$(embedded)"
    together="$(cluster_run "$workers" "$threads")"
    ratio="$(awk -v c="$together" -v e="$alone" 'BEGIN { printf "%.2f", c / e }')"
    ratios[$workers]+="$ratio "
    echo "| $round | $workers × $threads | $alone | $together | $ratio |"
  done
done
echo
echo "| workers × threads | median cluster / embedded over $rounds rounds |"
echo "| --- | ---: |"
for workers in 1 2 4; do
  threads=$(( $(nproc) / workers )); (( threads >= 1 )) || threads=1
  median="$(tr ' ' '\n' <<< "${ratios[$workers]}" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
  echo "| $workers × $threads | $median |"
done
