#!/usr/bin/env bash
# The main job on the embedded default: set up (MNIST, build), then evolve fooling images
# for every MNIST digit with the CPPN encoding (config/mnist-cppn.json). The target model,
# Caffe's LeNet, is trained first if models/lenet.safetensors does not exist yet.
# Extra arguments go to `fooling run` (e.g. --generations 400, --seed 2).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
./scripts/build.sh
./fooling run config/mnist-cppn.json "$@"
