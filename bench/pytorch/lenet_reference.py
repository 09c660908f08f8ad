#!/usr/bin/env python3
"""PyTorch reference for `fooling bench engine`: the same LeNet, batches and figures.

Run with Debian's python3-torch (OpenBLAS, OPENBLAS_CORETYPE unset):
    env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/pytorch/lenet_reference.py [--threads 2] [--out FILE]
Prints one line per figure and writes markdown (default bench/results/pytorch-reference.md).
"""
import argparse
import datetime
import platform
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    """Caffe's LeNet: conv 20@5x5, max-pool 2, conv 50@5x5, max-pool 2, fc 500, ReLU, fc 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Linear(800, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 2)
        x = F.max_pool2d(self.conv2(x), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def best_rate(work, trials=5, min_seconds=0.5):
    """Three warm-ups, then the best of `trials` trials of at least `min_seconds` each."""
    for _ in range(3):
        work()
    best = 0.0
    for _ in range(trials):
        units = 0.0
        start = time.perf_counter()
        while True:
            units += work()
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = max(best, units / elapsed)
    return best


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="bench/results/pytorch-reference.md")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    figures = []

    def add(name, value, unit):
        figures.append((name, value, unit))
        print(f"{name}: {value:,.0f} {unit}" if unit != "s" else f"{name}: {value:.2f} {unit}", flush=True)

    net = LeNet()
    net.eval()
    for batch in (1, 64, 256, 1024):
        x = torch.rand(batch, 1, 28, 28)

        def forward():
            with torch.no_grad():
                net(x)
            return batch

        add(f"lenet forward batch={batch}", best_rate(forward), "images/s")

    net.train()
    for batch in (64, 128):
        x = torch.rand(batch, 1, 28, 28)
        y = torch.randint(0, 10, (batch,))
        sgd = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

        def step():
            sgd.zero_grad()
            F.cross_entropy(net(x), y).backward()
            sgd.step()
            return batch

        add(f"lenet training step batch={batch}", best_rate(step), "images/s")

    net.eval()
    x = torch.rand(256, 1, 28, 28)
    y = torch.randint(0, 10, (256,))

    def fgsm():
        inp = x.clone().requires_grad_(True)
        loss = F.cross_entropy(net(inp), y)
        (grad,) = torch.autograd.grad(loss, inp)
        (inp + 0.1 * grad.sign()).clamp(0, 1)
        return 256

    add("lenet input gradient (FGSM step) batch=256", best_rate(fgsm), "images/s")

    fresh = LeNet()
    fresh.train()
    sgd = torch.optim.SGD(fresh.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    images = torch.rand(60000, 1, 28, 28)
    labels = torch.randint(0, 10, (60000,))
    start = time.perf_counter()
    order = torch.randperm(60000)
    for i in range(0, 60000, 64):
        idx = order[i:i + 64]
        sgd.zero_grad()
        F.cross_entropy(fresh(images[idx]), labels[idx]).backward()
        sgd.step()
    add("lenet training epoch (60,000 images, batch 64, SGD momentum)", time.perf_counter() - start, "s")

    for n in (256, 1024):
        a = torch.rand(n, n)
        b = torch.rand(n, n)
        add(f"gemm {n}x{n}x{n}", best_rate(lambda: (torch.mm(a, b), 2.0 * n ** 3)[1]) / 1e9, "GFLOP/s")

    with open(args.out, "w") as f:
        f.write("# PyTorch reference benchmark\n\n")
        f.write(f"- measured: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n")
        f.write(f"- machine: {cpu_model()}, PyTorch {torch.__version__}, {torch.get_num_threads()} threads\n")
        f.write("- command: `env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/pytorch/lenet_reference.py"
                f" --threads {args.threads}`\n")
        f.write("- method: 3 warm-up repetitions, then the best of 5 trials of at least 0.5 s each; random inputs\n\n")
        f.write("| figure | value | unit |\n| --- | ---: | --- |\n")
        for name, value, unit in figures:
            f.write(f"| {name} | {value:,.1f} | {unit} |\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
