#!/usr/bin/env bash
# The main job on the embedded default: set up (MNIST, build), then train the target model
# (Caffe's LeNet) and report its test accuracy. Extra arguments go to `fooling train`.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
./scripts/build.sh
./fooling train --config config/train-lenet.json "$@"
./fooling eval-model --model models/lenet.safetensors
