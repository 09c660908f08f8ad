#!/usr/bin/env bash
# The ABS paper's robustness table for the trained LeNet, from a fresh clone: set up, train
# LeNet if models/lenet.safetensors is missing, run `fooling eval-robustness` on the first
# 1000 MNIST test images and copy its report to bench/results/robustness-lenet.md.
#   usage: bench/robustness/lenet.sh [N]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000}"
source bench/robustness/prepare.sh
./fooling eval-robustness --model models/lenet.safetensors --n "$n" --runs "$runs"
folder="$(ls -d "$runs"/*/)"
{
  cat "$folder/robustness.md"
  cat <<'NOTES'

## Notes

- Reproduce from a fresh clone with `bench/robustness/lenet.sh` (it sets up MNIST, builds, trains LeNet with `config/train-lenet.json` if `models/lenet.safetensors` is missing, and runs the command above on the first 1000 test images).
- L∞ lands on the paper's figure: no image survives 0.3, and the median is 0.12 against their 0.08.
- L2 and L0 do not: this LeNet keeps 43 % of the images at L2 = 1.5 (paper's CNN: 8 %) and 73 % at L0 = 12 (19 %). The attacks are not the gap as far as we can measure: Carlini–Wagner with Foolbox's settings, the strongest L2 attack here, has a median of 1.39 on the same 1000 images (`bench/results/attacks-minimization.md`) against 1.44 for the smallest of the five attacks above, and five Pointwise restarts lower the L0 accuracy at 12 to 59.5 % on 200 images (`bench/results/attacks-decision.md`), still far above 19 %. Caffe's LeNet (two 5×5 convolutions, max-pooling, 500 hidden units) is a different network from the paper's CNN, and its accuracy-against-distance curve sits further right in L2 and L0.
- C&W, L-BFGS and the Boundary attack are left out of the default plan for time (C&W alone takes about 15 minutes on these images); add them with `--attacks`.
NOTES
} > bench/results/robustness-lenet.md
cp "$folder/robustness.svg" bench/results/robustness-lenet.svg
cp "$folder/robustness.png" bench/results/robustness-lenet.png
echo "wrote bench/results/robustness-lenet.md (.svg, .png) from $folder"
