#!/usr/bin/env python3
"""Plain-PyTorch side of MergeLab's cross-checks (run by the Qt tests).

  train OUT.pt --data DIR [--limit N]   train the CNN the everyday way, save
                                        model.state_dict(), print test metrics
  eval MODEL.pt --data DIR              print PyTorch's test metrics of a file
  merge-check METHOD OUT.pt IN.pt...    exit 0 iff OUT equals the element-wise
                                        merge of the inputs bit for bit
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(1600, 128)
        self.fc2 = nn.Linear(128, 10)
        self.dropout = nn.Dropout(0.25)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(self.dropout(x))


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(data_dir, stem):
    for name in (stem + ".gz", stem):
        if os.path.exists(os.path.join(data_dir, name)):
            return os.path.join(data_dir, name)
    raise SystemExit(f"{stem} not found in {data_dir}")


def load(data_dir, prefix):
    images = read_idx(find(data_dir, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(data_dir, f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return x, torch.from_numpy(labels.astype(np.int64))


def test_metrics(model, data_dir):
    x, y = load(data_dir, "t10k")
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    correct = int((logits.argmax(1) == y).sum())
    return {"test_acc": correct / len(y), "correct": correct,
            "test_loss": float(F.cross_entropy(logits, y))}


def train(args):
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x, y = load(args.data, "train")
    x, y = x[:args.limit], y[:args.limit]
    model = Cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for i in range(0, len(x), 64):
        opt.zero_grad()
        F.cross_entropy(model(x[i:i + 64]), y[i:i + 64]).backward()
        opt.step()
    torch.save(model.state_dict(), args.out)
    print(json.dumps(test_metrics(model, args.data)))


def evaluate(args):
    model = Cnn()
    model.load_state_dict(torch.load(args.model))
    print(json.dumps(test_metrics(model, args.data)))


def merge_check(args):
    inputs = [torch.load(p) for p in args.inputs]
    merged = torch.load(args.out)
    for name, out in merged.items():
        stack = torch.stack([d[name] for d in inputs]).double()
        if args.method == "avg":
            ref = (stack.sum(0) / len(inputs)).float()
        elif args.method == "max":
            ref = stack.max(0).values.float()
        elif args.method == "absmax":
            # argmax returns the first index of the largest magnitude: ties go
            # to the lowest-numbered environment.
            idx = stack.abs().argmax(0, keepdim=True)
            ref = stack.gather(0, idx).squeeze(0).float()
        else:
            raise SystemExit("unknown method")
        if not torch.equal(ref.view(torch.int32), out.contiguous().view(torch.int32)):
            diff = (ref != out).sum().item()
            raise SystemExit(f"{name}: {diff} elements differ from the reference")
    if set(merged) != set(inputs[0]):
        raise SystemExit("tensor names differ")
    print("exact")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("out")
    t.add_argument("--data", required=True)
    t.add_argument("--limit", type=int, default=6000)
    e = sub.add_parser("eval")
    e.add_argument("model")
    e.add_argument("--data", required=True)
    m = sub.add_parser("merge-check")
    m.add_argument("method")
    m.add_argument("out")
    m.add_argument("inputs", nargs="+")
    args = p.parse_args()
    {"train": train, "eval": evaluate, "merge-check": merge_check}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
