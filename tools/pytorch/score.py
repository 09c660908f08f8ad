#!/usr/bin/env python3
"""Scores a `fooling run` folder's elites or a `fooling attack` folder's adversarials with the PyTorch network.

Run from the repository root with Debian's python3-torch (and python3-pil for the elites' PNGs):
    /usr/bin/python3 tools/pytorch/score.py FOLDER [--state-dict ~/.cache/foolingcluster/pytorch-lenet.pt]

FOLDER is either
  - a run folder (runs/<id>/ with elites/<class>.png and history.csv): each elite PNG is read as
    the project saved it (8-bit grey, byte/255 in [0,1]) and PyTorch's softmax confidence for its
    cell's class is printed beside the confidence the run reported for that cell (history.csv's
    last row, confidence_<class>); or
  - an attack folder (adversarial-images.idx3, original-images.idx3, labels.idx1, summary.md):
    the float32 images are scored as they are, and PyTorch's clean accuracy and accuracy on the
    adversarials are printed beside summary.md's, with predictions.csv's per-image classes when
    the folder has one.
The network is PyTorchLeNet (net.py) with the state_dict train_lenet.py saved; the weights the
committed .onnx file holds are those same weights.
"""
import argparse
import csv
import os
import re
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net import load_state_dict  # noqa: E402
from train_lenet import DEFAULT_STATE_DICT  # noqa: E402


def read_idx(path):
    """An idx file (big-endian; unsigned bytes or float32) as a numpy array of its declared shape."""
    with open(path, "rb") as f:
        data = f.read()
    _, code, rank = struct.unpack(">HBB", data[:4])
    shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    dtype = {0x08: np.uint8, 0x0D: np.dtype(">f4")}[code]
    return np.frombuffer(data, dtype=dtype, offset=4 + 4 * rank).reshape(shape)


def softmax(net, images):
    """[N,10] probabilities for images [N,1,28,28] in [0,1]."""
    with torch.no_grad():
        return torch.softmax(net(torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32))), dim=1).numpy()


def score_run(net, folder):
    from PIL import Image

    with open(os.path.join(folder, "history.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    last = rows[-1]
    print(f"run {folder}: generation {last['generation']}, {last['filled']} cells filled")
    print(f"{'class':>5} {'reported':>12} {'pytorch':>12} {'|diff|':>10}  pytorch top class")
    worst = 0.0
    elites = sorted(int(name[:-4]) for name in os.listdir(os.path.join(folder, "elites")) if name.endswith(".png"))
    for cell in elites:
        image = Image.open(os.path.join(folder, "elites", f"{cell}.png"))
        if image.mode != "L":
            raise SystemExit(f"elites/{cell}.png is {image.mode}; this network takes 8-bit grey images")
        pixels = np.asarray(image, dtype=np.float32) / 255.0
        probabilities = softmax(net, pixels[None, None])[0]
        reported = float(last[f"confidence_{cell}"])
        diff = abs(reported - float(probabilities[cell]))
        worst = max(worst, diff)
        print(f"{cell:>5} {reported:>12.8f} {probabilities[cell]:>12.8f} {diff:>10.2e}  {int(probabilities.argmax())}")
    print(f"largest |reported - pytorch| over {len(elites)} elites: {worst:.2e}")


def summary_fraction(summary, row):
    match = re.search(rf"\| {row} \| [0-9.]+ % \((\d+)/(\d+)\) \|", summary)
    return (int(match.group(1)), int(match.group(2))) if match else None


def score_attack(net, folder):
    labels = read_idx(os.path.join(folder, "labels.idx1")).astype(np.int64)
    n = len(labels)
    originals = read_idx(os.path.join(folder, "original-images.idx3")).reshape(n, 1, 28, 28)
    adversarials = read_idx(os.path.join(folder, "adversarial-images.idx3")).reshape(n, 1, 28, 28)
    clean = softmax(net, originals).argmax(1)
    attacked = softmax(net, adversarials).argmax(1)
    with open(os.path.join(folder, "summary.md")) as f:
        summary = f.read()
    print(f"attack {folder}: {summary.splitlines()[0].lstrip('# ')}, {n} images")
    for name, correct in (("clean accuracy", int((clean == labels).sum())), ("accuracy on adversarials", int((attacked == labels).sum()))):
        reported = summary_fraction(summary, name)
        shown = f"{reported[0]}/{reported[1]}" if reported else "not in summary.md"
        print(f"{name:>25}: reported {shown}, pytorch {correct}/{n}")
    predictions = os.path.join(folder, "predictions.csv")
    if os.path.exists(predictions):
        with open(predictions, newline="") as f:
            rows = list(csv.DictReader(f))
        differ = [int(r["index"]) for r in rows if int(r["adversarial_prediction"]) != attacked[int(r["index"])] or int(r["clean_prediction"]) != clean[int(r["index"])]]
        print(f"per image: pytorch's class differs from the reported one for {len(differ)} of {len(rows)} images {differ[:20]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--state-dict", default=DEFAULT_STATE_DICT)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if not os.path.exists(args.state_dict):
        raise SystemExit(f"{args.state_dict} does not exist; /usr/bin/python3 tools/pytorch/train_lenet.py writes it")
    net = load_state_dict(args.state_dict)
    if os.path.exists(os.path.join(args.folder, "history.csv")):
        score_run(net, args.folder)
    elif os.path.exists(os.path.join(args.folder, "adversarial-images.idx3")):
        score_attack(net, args.folder)
    else:
        raise SystemExit(f"{args.folder} holds neither history.csv (a run) nor adversarial-images.idx3 (an attack)")


if __name__ == "__main__":
    main()
