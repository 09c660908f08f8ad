#!/usr/bin/env python3
"""Checks that weights move between FoolingCluster and PyTorch in both directions.

1. Loads a FoolingCluster LeNet (safetensors, read here with the format's own spec: an
   8-byte little-endian header length, a JSON header, raw little-endian float32 data) into
   torch's LeNet and compares its test accuracy with the one the sidecar records.
2. Writes a torch-initialised LeNet as safetensors, for `fooling eval-model` to load.

    env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/pytorch/check_interop.py models/lenet.safetensors OUT_DIR
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

from lenet_reference import LeNet


def read_safetensors(path):
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        blob = tensors[name].detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def mnist_test(directory):
    with open(f"{directory}/t10k-images-idx3-ubyte", "rb") as f:
        images = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 1, 28, 28)
    with open(f"{directory}/t10k-labels-idx1-ubyte", "rb") as f:
        labels = np.frombuffer(f.read()[8:], dtype=np.uint8)
    return torch.from_numpy(images.astype(np.float32) / 255.0), torch.from_numpy(labels.astype(np.int64))


def main():
    weights, out_dir = sys.argv[1], sys.argv[2]
    net = LeNet()
    net.load_state_dict(read_safetensors(weights), strict=True)
    net.eval()
    images, labels = mnist_test("data/mnist")
    with torch.no_grad():
        predicted = torch.cat([net(images[i:i + 1000]).argmax(1) for i in range(0, 10000, 1000)])
    accuracy = (predicted == labels).float().mean().item()
    sidecar = json.load(open(weights.replace(".safetensors", ".json")))
    print(f"torch accuracy of {weights}: {accuracy:.4%}; sidecar records {sidecar['test_accuracy']:.4%}")

    torch.manual_seed(0)
    fresh = LeNet()
    opt = torch.optim.SGD(fresh.parameters(), lr=0.05, momentum=0.9)
    train_images, train_labels = images[:5000], labels[:5000]
    for epoch in range(2):
        for i in range(0, 5000, 50):
            opt.zero_grad()
            F.cross_entropy(fresh(train_images[i:i + 50]), train_labels[i:i + 50]).backward()
            opt.step()
    fresh.eval()
    with torch.no_grad():
        torch_accuracy = (torch.cat([fresh(images[i:i + 1000]).argmax(1) for i in range(0, 10000, 1000)]) == labels).float().mean().item()
    path = f"{out_dir}/torch-lenet.safetensors"
    write_safetensors(path, fresh.state_dict())
    json.dump({"architecture": "lenet", "dataset": "mnist", "input_shape": [1, 28, 28], "input_range": [0, 1],
               "classes": 10, "test_accuracy": torch_accuracy, "created_utc": "2026-01-01T00:00:00Z",
               "engine": "PyTorch"}, open(path.replace(".safetensors", ".json"), "w"))
    print(f"wrote {path}: a torch-trained LeNet with torch test accuracy {torch_accuracy:.4%}")


if __name__ == "__main__":
    main()
