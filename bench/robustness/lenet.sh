#!/usr/bin/env bash
# The ABS paper's robustness table for the trained LeNet, from a fresh clone: set up, train
# LeNet if models/lenet.safetensors is missing, run `fooling eval-robustness` on the first
# 1000 MNIST test images and copy its report to bench/results/robustness-lenet.md.
#   usage: bench/robustness/lenet.sh [N]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000}"
./scripts/setup.sh
./scripts/build.sh
if [[ ! -f models/lenet.safetensors ]]; then
  ./fooling train --config config/train-lenet.json --out models/lenet.safetensors
fi
runs="$(mktemp -d)"
trap 'rm -rf "$runs"' EXIT
./fooling eval-robustness --model models/lenet.safetensors --n "$n" --runs "$runs"
folder="$(ls -d "$runs"/*/)"
cp "$folder/robustness.md" bench/results/robustness-lenet.md
cp "$folder/robustness.svg" bench/results/robustness-lenet.svg
cp "$folder/robustness.png" bench/results/robustness-lenet.png
echo "wrote bench/results/robustness-lenet.md (.svg, .png) from $folder"
