#!/usr/bin/env python3
"""Plain-PyTorch side of MergeLab's cross-checks (run by the Qt tests).

  train OUT.pt --data DIR [--limit N]   train the CNN the everyday way, save
                                        model.state_dict(), print test metrics
  eval MODEL.pt --data DIR              print PyTorch's test metrics of a file
  merge-check METHOD OUT.pt IN.pt...    exit 0 iff OUT equals the element-wise
                                        merge of the inputs bit for bit
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


from reference_model import Cnn, find, load, read_idx  # noqa: E402,F401


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
