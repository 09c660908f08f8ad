#!/usr/bin/env bash
# The ABS paper's robustness table for ABS and binary ABS beside LeNet, binary LeNet and the
# FGSM-trained LeNet (where models/lenet-fgsm.safetensors exists), from a fresh clone.
#   usage: bench/robustness/abs.sh [N] [extra eval-robustness options…]
#   e.g.   bench/robustness/abs.sh 1000 --cluster 10.0.0.5:4053 --insecure --slice 5
# N is the number of test images (default 1000). ABS is reference/abs.safetensors unless
# ABS_MODEL names another (a folder made by `fooling abs train`, or a packed file). ABS is
# attacked with its gradient-free plan (Latent Descent, BIM and FGSM on estimated gradients,
# noise, Pointwise); that costs thousands of ABS inferences per image, so 1000 images need
# many workers: give --cluster (and --insecure off loopback) and start
# `fooling worker --join 10.0.0.5:4053 …` processes on other machines.
# Writes bench/results/robustness-abs-table.md (the combined table and each run's own report).
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000}"
shift || true
abs="${ABS_MODEL:-reference/abs.safetensors}"
source bench/robustness/prepare.sh
evaluate() { ./fooling eval-robustness --n "$n" --runs "$runs" "$@"; }
evaluate --model models/lenet.safetensors "$@"
evaluate --model models/lenet.safetensors --binarize "$@"
if [[ -f models/lenet-fgsm.safetensors ]]; then
  evaluate --model models/lenet-fgsm.safetensors "$@"
fi
evaluate --model "$abs" "$@"
evaluate --model "$abs" --binarize "$@"
out=bench/results/robustness-abs-table.md
{
  echo "# Robustness of LeNet, binary LeNet, ABS and binary ABS on the first $n MNIST test images"
  echo
  echo "- command: \`bench/robustness/abs.sh $n $*\` (ABS: $abs)"
  echo
  ./fooling robustness-table "$runs"/*/
  for folder in "$runs"/*/; do
    echo
    sed 's/^# /## /' "$folder/robustness.md"
  done
} > "$out"
echo "wrote $out"
