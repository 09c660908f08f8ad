# Sourced by the robustness scripts, from the repository root: fetches MNIST, builds, trains
# LeNet with config/train-lenet.json if models/lenet.safetensors is missing, and sets $runs to
# a scratch folder for the run folders, removed when the script ends.
./scripts/setup.sh
./scripts/build.sh
if [[ ! -f models/lenet.safetensors ]]; then
  ./fooling train --config config/train-lenet.json --out models/lenet.safetensors
fi
runs="$(mktemp -d)"
trap 'rm -rf "$runs"' EXIT
