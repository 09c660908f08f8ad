#!/usr/bin/env bash
# Transfer matrices (Szegedy et al. 2014, Table 2) across three LeNets that differ only in
# seed and training length and a perceptron: FGSM and PGD-40 under L∞ at two radii each, on
# the first 1,000 MNIST test images. Trains any of the four models that is missing first
# (about a minute each on 2 cores, three minutes for the 15-epoch LeNet).
# Each matrix lands in runs/transfer/<attack>-<eps>/; bench/results/transfer-matrix.md records one sitting.
#   usage: bench/transfer/matrix.sh [N]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000}"
./scripts/setup.sh
./scripts/build.sh

train() { # weights, then the options that differ from config/train-lenet.json
  local weights="$1"; shift
  [[ -f "$weights" ]] || ./fooling train --config config/train-lenet.json --out "$weights" "$@"
}
train models/lenet.safetensors
train models/lenet-seed2.safetensors --epochs 5 --seed 2
train models/lenet-seed3.safetensors --epochs 5 --seed 3
train models/mlp.safetensors --model mlp --epochs 5 --seed 1

models=models/lenet.safetensors,models/lenet-seed2.safetensors,models/lenet-seed3.safetensors,models/mlp.safetensors
for run in "fgsm 0.1" "fgsm 0.25" "pgd 0.1" "pgd 0.3"; do
  read -r attack eps <<< "$run"
  ./fooling transfer-attack --models "$models" --attack "$attack" --eps "$eps" --n "$n" --out "runs/transfer/$attack-$eps"
done
