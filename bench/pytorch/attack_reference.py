#!/usr/bin/env python3
"""PyTorch reference for `fooling bench attacks`: the same L-inf PGD, batches and figures.

Run with Debian's python3-torch (OpenBLAS, OPENBLAS_CORETYPE unset), from the repository root:
    env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/pytorch/attack_reference.py models/lenet.safetensors [--threads 2] [--out FILE]
Prints one line per figure and writes markdown (default bench/results/pytorch-attacks.md).

PGD follows Foolbox's LinfPGD (Madry et al. 2018): uniform start in the eps-box, then steps of
x <- clip01(clip_eps(x + step * sign(grad CE))), with the loss summed over the batch.
"""
import argparse
import datetime
import time

import torch
import torch.nn.functional as F

from check_interop import mnist_test, read_safetensors
from lenet_reference import LeNet, best_rate, cpu_model


def pgd(net, x0, labels, eps, steps, step, random_start):
    x = x0.clone()
    if random_start:
        x = (x0 + torch.empty_like(x0).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        x.requires_grad_(True)
        loss = F.cross_entropy(net(x), labels, reduction="sum")
        (grad,) = torch.autograd.grad(loss, x)
        with torch.no_grad():
            x = x + step * grad.sign()
            x = torch.min(torch.max(x, x0 - eps), x0 + eps).clamp(0, 1)
    return x.detach()


def exact_fgsm(net, x0, labels, eps):
    """FGSM with the cross-entropy gradient of the logits computed as `fooling` does: softmax in
    double, the label's entry as minus the sum of the other probabilities (not p - 1, which is
    0 or float noise on images classified with near certainty)."""
    x = x0.clone().requires_grad_(True)
    logits = net(x)
    p = torch.softmax(logits.detach().double(), 1)
    onehot = F.one_hot(labels, p.shape[1]).bool()
    seed = p.masked_scatter(onehot, -p.masked_fill(onehot, 0).sum(1)).float()
    (grad,) = torch.autograd.grad(logits, x, seed)
    return (x0 + eps * grad.sign()).clamp(0, 1)


def accuracy(net, images, labels, batch=500):
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            correct += (net(images[i:i + batch]).argmax(1) == labels[i:i + batch]).sum().item()
    return correct / len(labels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="bench/results/pytorch-attacks.md")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    figures = []

    def add(name, value, unit):
        figures.append((name, value, unit))
        print(f"{name}: {value:,.2f} {unit}" if unit in ("s", "%") else f"{name}: {value:,.0f} {unit}", flush=True)

    net = LeNet()
    net.load_state_dict(read_safetensors(args.model))
    net.eval()
    for p in net.parameters():
        p.requires_grad_(False)

    for batch in (64, 256, 1024):
        x = torch.rand(batch, 1, 28, 28)
        y = torch.randint(0, 10, (batch,))

        def run():
            adv = pgd(net, x, y, 0.3, 20, 0.01, random_start=False)
            with torch.no_grad():
                net(adv).argmax(1)
            return batch * 20

        add(f"pgd step batch={batch}", best_rate(run), "images/s")

    images, labels = mnist_test(args.data)
    add("clean accuracy", 100 * accuracy(net, images, labels), "%")
    fgsm = torch.cat([pgd(net, images[i:i + 256], labels[i:i + 256], 0.25, 1, 0.25, False) for i in range(0, len(labels), 256)])
    add("accuracy under fgsm eps=0.25", 100 * accuracy(net, fgsm, labels), "%")
    exact = torch.cat([exact_fgsm(net, images[i:i + 256], labels[i:i + 256], 0.25) for i in range(0, len(labels), 256)])
    add("accuracy under fgsm eps=0.25, exact gradient", 100 * accuracy(net, exact, labels), "%")
    start = time.perf_counter()
    adv = torch.cat([pgd(net, images[i:i + 256], labels[i:i + 256], 0.3, 40, 0.01, True) for i in range(0, len(labels), 256)])
    seconds = time.perf_counter() - start
    add("accuracy under pgd-40 linf eps=0.3", 100 * accuracy(net, adv, labels), "%")
    add("pgd-40 linf eps=0.3 time", seconds, "s")
    add("pgd-40 linf eps=0.3 over the test set", len(labels) * 40 / seconds, "images/s")

    with open(args.out, "w") as f:
        f.write("# PyTorch reference: gradient attacks\n\n")
        f.write(f"- measured: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n")
        f.write(f"- machine: {cpu_model()}, PyTorch {torch.__version__}, {torch.get_num_threads()} threads\n")
        f.write(f"- command: `env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/pytorch/attack_reference.py {args.model}"
                f" --threads {args.threads}`\n")
        f.write("- method: step figures are the best of 5 trials of at least 0.5 s after 3 warm-ups, on random images;"
                " test-set figures are one run each, in batches of 256\n\n")
        f.write("| figure | value | unit |\n| --- | ---: | --- |\n")
        for name, value, unit in figures:
            f.write(f"| {name} | {value:,.2f} | {unit} |\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
