#!/usr/bin/env bash
# Where the two cores go during a search's steady state: samples every process on the machine
# with perf for 10 s once generation 0 is merged, then prints the shares of the embedded run
# (or of the coordinator and its one worker) and of idle cores, and the coordinator's hottest
# functions. Needs perf (Debian's linux-perf).
#   usage: bench/cluster/profile.sh embedded|cluster [GENERATIONS]   (default 500)
set -euo pipefail
cd "$(dirname "$0")/../.."
mode="${1:?embedded or cluster}"
generations="${2:-500}"
cluster="127.0.0.1:${CLUSTER_PORT:-4053}"
scratch="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT
command -v perf > /dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 2; }
./scripts/build.sh
fooling=(dotnet src/Cli/bin/Release/net10.0/fooling.dll)
# JIT-compiled code named in the profile.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
if [[ "$mode" == cluster ]]; then
  "${fooling[@]}" worker --join "$cluster" --threads "$(nproc)" --cache "$scratch/cache" --id profiled > "$scratch/worker.log" 2>&1 &
  worker=$!
  "${fooling[@]}" coordinator config/mnist-cppn.json --generations "$generations" --cluster "$cluster" --listen 127.0.0.1:0 --wait-for-workers 1 --runs "$scratch/runs" > "$scratch/search.log" 2>&1 &
else
  "${fooling[@]}" run config/mnist-cppn.json --generations "$generations" --runs "$scratch/runs" > "$scratch/search.log" 2>&1 &
fi
search=$!
until grep -q "generation 0/" "$scratch"/runs/*/log.txt 2> /dev/null; do
  kill -0 "$search" 2> /dev/null || { cat "$scratch/search.log" >&2; exit 1; }
  sleep 0.5
done
sleep 5
perf record -a -F 499 -o "$scratch/perf.data" -- sleep 10 2> /dev/null
wait "$search"
total=$(perf script -i "$scratch/perf.data" -F pid 2> /dev/null | wc -l)
share() { awk -v n="$1" -v t="$total" 'BEGIN { printf "%.0f %%", 100 * n / t }'; }
count() { perf script -i "$scratch/perf.data" -F pid 2> /dev/null | awk -v p="$1" '$1 == p' | wc -l; }
echo "samples: $total (499 Hz × 10 s × $(nproc) cores)"
echo "idle: $(share "$(count 0)")"
echo "$( [[ "$mode" == cluster ]] && echo coordinator || echo "embedded run"): $(share "$(count "$search")")"
[[ "$mode" == cluster ]] && echo "worker: $(share "$(count "$worker")")"
echo "hottest functions of $( [[ "$mode" == cluster ]] && echo "the coordinator" || echo "the run"):"
perf report -i "$scratch/perf.data" --no-children --pid "$search" --sort sym --stdio 2> /dev/null | grep '%' | head -15 | cut -c1-160
