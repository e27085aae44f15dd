#!/usr/bin/env python3
"""The PyTorch script a user would write instead of MergeLab: the paper's V
round (2 environments, 10 % held out, 1 local epoch of Adam 1e-3 with batch
64, average merge, test evaluation) with PyTorch's defaults on 2 threads.

  peer.py round            one whole round; prints its timings as JSON
  peer.py micro            training and evaluation throughput only
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

DATA = os.environ.get("MERGELAB_DATA", "/usr/share/datasets/fashion-mnist")


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "python"))
from reference_model import Cnn  # noqa: E402
from reference_model import load as load_from  # noqa: E402


def load(prefix):
    x, y = load_from(DATA, prefix)
    return x, y


def train_epoch(model, x, y):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for xb, yb in DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True):
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()


def accuracy(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in DataLoader(TensorDataset(x, y), batch_size=1000):
            correct += (model(xb).argmax(1) == yb).sum().item()
    return correct / len(y)


def round_(args):
    start = time.perf_counter()
    torch.manual_seed(1)
    x, y = load("train")
    xt, yt = load("t10k")
    perm = torch.randperm(len(y))
    envs = []
    for part in perm.chunk(2):
        n_val = len(part) // 10
        envs.append((part[n_val:], part[:n_val]))
    init = Cnn().state_dict()
    models, local_acc = [], []
    t_train = time.perf_counter()
    for train_idx, val_idx in envs:
        m = Cnn()
        m.load_state_dict(init)
        train_epoch(m, x[train_idx], y[train_idx])
        local_acc.append(accuracy(m, x[val_idx], y[val_idx]))
        models.append(m)
    train_seconds = time.perf_counter() - t_train
    merged = Cnn()
    merged.load_state_dict({k: sum(m.state_dict()[k] for m in models) / len(models) for k in init})
    test_acc = accuracy(merged, xt, yt)
    print(json.dumps({"local_acc": local_acc, "test_acc": test_acc, "train_seconds": train_seconds,
                      "seconds": time.perf_counter() - start}))


def micro(args):
    x, y = load("train")
    xt, yt = load("t10k")
    train_ips, eval_ips = [], []
    for _ in range(args.reps):
        m = Cnn()
        t = time.perf_counter()
        train_epoch(m, x[:args.images], y[:args.images])
        train_ips.append(args.images / (time.perf_counter() - t))
        accuracy(m, xt, yt)  # warm-up
        t = time.perf_counter()
        for _ in range(3):
            accuracy(m, xt, yt)
        eval_ips.append(3 * len(yt) / (time.perf_counter() - t))
    print(json.dumps({"train_images_per_s": float(np.median(train_ips)),
                      "eval_images_per_s": float(np.median(eval_ips))}))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["round", "micro"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--images", type=int, default=6000)
    p.add_argument("--reps", type=int, default=3)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    {"round": round_, "micro": micro}[args.mode](args)


if __name__ == "__main__":
    main()
