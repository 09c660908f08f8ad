#!/usr/bin/env python3
"""Trains PyTorchLeNet (net.py) on MNIST on the CPU and exports it with torch.onnx.export.

Run from the repository root with Debian's python3-torch:
    /usr/bin/python3 tools/pytorch/train_lenet.py [--epochs 1] [--data data/mnist]
        [--onnx tests/ModelsOnnx/Data/pytorch-lenet.onnx] [--state-dict ~/.cache/foolingcluster/pytorch-lenet.pt]

Writes
  - the ONNX file (opset 17, input "input" [batch,1,28,28] in [0,1], output "logits" [batch,10]);
  - next to it, <name>-probes.bin: PyTorch's own logits for fixed probe inputs, all little-endian:
        int32 N, int32 P (= 784), int32 K (= 10),
        float32 images [N,1,28,28] in [0,1]   (the first 32 MNIST test images, then 8 seeded uniform-noise images),
        int32 labels [N]                       (the MNIST label; -1 for a noise image),
        float32 logits [N,K]                   (the trained network in eval mode);
  - the state_dict, outside the repository, for tools/pytorch/score.py.
Prints the test accuracy it reached. Seeds and thread count are fixed, so a rerun on the same
machine writes the same files.
"""
import argparse
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net import PyTorchLeNet  # noqa: E402

DEFAULT_STATE_DICT = os.path.expanduser("~/.cache/foolingcluster/pytorch-lenet.pt")
MNIST_PROBES = 32
NOISE_PROBES = 8


def read_idx(path):
    """An idx file (big-endian header, unsigned bytes) as a numpy array of its declared shape."""
    with open(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte idx file")
    shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def load_mnist(folder, split):
    """Images [N,1,28,28] as float32 byte/255 (as the project's loader reads them) and int64 labels."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)


def accuracy(net, images, labels):
    with torch.no_grad():
        correct = sum(int((net(images[i:i + 1000]).argmax(1) == labels[i:i + 1000]).sum()) for i in range(0, len(labels), 1000))
    return correct / len(labels)


def write_probes(path, net, test_images, test_labels):
    rng = np.random.default_rng(20261201)
    noise = torch.from_numpy(rng.random((NOISE_PROBES, 1, 28, 28), dtype=np.float32))
    images = torch.cat([test_images[:MNIST_PROBES], noise])
    labels = np.concatenate([test_labels[:MNIST_PROBES].numpy(), -np.ones(NOISE_PROBES, dtype=np.int64)]).astype("<i4")
    with torch.no_grad():
        logits = net(images)
    with open(path, "wb") as f:
        f.write(struct.pack("<iii", images.shape[0], 28 * 28, logits.shape[1]))
        f.write(images.numpy().astype("<f4").tobytes())
        f.write(labels.tobytes())
        f.write(logits.numpy().astype("<f4").tobytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--onnx", default="tests/ModelsOnnx/Data/pytorch-lenet.onnx")
    parser.add_argument("--state-dict", default=DEFAULT_STATE_DICT)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    order_rng = np.random.default_rng(args.seed)
    train_images, train_labels = load_mnist(args.data, "train")
    test_images, test_labels = load_mnist(args.data, "test")

    net = PyTorchLeNet()
    optimiser = torch.optim.Adam(net.parameters(), lr=args.lr)
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        net.train()
        order = torch.from_numpy(order_rng.permutation(len(train_labels)))
        for i in range(0, len(order), args.batch_size):
            batch = order[i:i + args.batch_size]
            loss = F.cross_entropy(net(train_images[batch]), train_labels[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        net.eval()
        print(f"epoch {epoch}: loss {loss.item():.4f}, test accuracy {accuracy(net, test_images, test_labels):.2%} ({time.time() - start:.0f} s)", flush=True)

    net.eval()
    os.makedirs(os.path.dirname(os.path.abspath(args.state_dict)), exist_ok=True)
    torch.save(net.state_dict(), args.state_dict)
    os.makedirs(os.path.dirname(os.path.abspath(args.onnx)), exist_ok=True)
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), args.onnx, opset_version=17,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    probes = os.path.splitext(args.onnx)[0] + "-probes.bin"
    write_probes(probes, net, test_images, test_labels)
    print(f"test accuracy {accuracy(net, test_images, test_labels):.2%}; wrote {args.onnx} ({os.path.getsize(args.onnx)} bytes), {probes} and {args.state_dict}")


if __name__ == "__main__":
    main()
