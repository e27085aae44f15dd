#!/usr/bin/env python3
"""`mergelab-cli interpolate --full` against PyTorch evaluating the same
interpolated models, and its ends against `mergelab-cli eval`.

  test_interpolate.py --cli PATH            on small synthetic data it writes
  test_interpolate.py --cli PATH --real DIR on the real test set instead

Exit 0: agreement within 1e-4 and exact ends; 77: PyTorch is missing (ctest
counts that as skipped); anything else: a failure, with the numbers.
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError:
    print("PyTorch is not installed: skipped")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_model import Cnn, load  # noqa: E402

TOLERANCE = 1e-4


def write_idx(path, array):
    kind = 0x08  # unsigned byte
    header = struct.pack(">HBB", 0, kind, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def write_synthetic(directory, per_class, seed, prefix):
    """Each class lights its own block of the grid, with noise: learnable in
    a few steps, so the two models below disagree in interesting ways."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(10), per_class)
    rng.shuffle(labels)
    images = rng.integers(0, 60, size=(len(labels), 28, 28))
    for i, c in enumerate(labels):
        row, col = divmod(int(c), 4)
        images[i, 2 + row * 8:8 + row * 8, 1 + col * 7:6 + col * 7] += 150
    write_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"), images)
    write_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"), labels)


def trained_model(data_dir, seed, steps):
    torch.manual_seed(seed)
    x, y = load(data_dir, "train")
    model = Cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for s in range(steps):
        i = (s * 32) % max(1, len(x) - 32)
        opt.zero_grad()
        F.cross_entropy(model(x[i:i + 32]), y[i:i + 32]).backward()
        opt.step()
    return model.state_dict()


def torch_point(a, b, t, x, y):
    # The same rounding as MergeLab: the mix in double, rounded once to float.
    mixed = {k: ((1 - t) * a[k].double() + t * b[k].double()).float() for k in a}
    model = Cnn()
    model.load_state_dict(mixed)
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + 500]) for i in range(0, len(x), 500)])
    acc = int((logits.argmax(1) == y).sum()) / len(y)
    loss = float(F.cross_entropy(logits.double(), y, reduction="sum")) / len(y)
    return acc, loss


def cli_json(cli, args):
    r = subprocess.run([cli] + args, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"mergelab-cli {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)


def check(cli, data_dir, a_path, b_path, points):
    a, b = torch.load(a_path), torch.load(b_path)
    got = cli_json(cli, ["interpolate", a_path, b_path, "--full", "--points", str(points), "--json",
                         "--data", data_dir])
    if set(got) != {"points", "barrier"} or len(got["points"]) != points:
        raise SystemExit(f"unexpected JSON shape: {sorted(got)} with {len(got.get('points', []))} points")
    x, y = load(data_dir, "t10k")
    worst = 0.0
    for i, p in enumerate(got["points"]):
        t = i / (points - 1)
        if set(p) != {"t", "test_acc", "test_loss"} or abs(p["t"] - t) > 1e-12:
            raise SystemExit(f"point {i}: {p}")
        acc, loss = torch_point(a, b, t, x, y)
        worst = max(worst, abs(acc - p["test_acc"]), abs(loss - p["test_loss"]))
        print(f"t={t:.3f}  mergelab acc {p['test_acc']:.6f} loss {p['test_loss']:.6f}   "
              f"pytorch acc {acc:.6f} loss {loss:.6f}")
    if worst > TOLERANCE:
        raise SystemExit(f"MergeLab and PyTorch differ by {worst:g} (> {TOLERANCE})")
    accs = [p["test_acc"] for p in got["points"]]
    barrier = (accs[0] + accs[-1]) / 2 - min(accs)
    if abs(barrier - got["barrier"]) > 1e-12:
        raise SystemExit(f"barrier {got['barrier']} is not the mean of the ends minus the lowest ({barrier})")
    for end, path in ((got["points"][0], a_path), (got["points"][-1], b_path)):
        ev = cli_json(cli, ["eval", path, "--json", "--data", data_dir])
        if ev["test_acc"] != end["test_acc"] or ev["test_loss"] != end["test_loss"]:
            raise SystemExit(f"the end at {path} is {end}, but eval says {ev['test_acc']}, {ev['test_loss']}")
    print(f"agree within {worst:.2g}; ends equal eval exactly; barrier {got['barrier']:.4f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--real", help="check on the real Fashion-MNIST directory rather than synthetic data")
    args = p.parse_args()
    torch.set_num_threads(1)  # the test shares the cores (CMakeLists.txt)
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, "a.pt"), os.path.join(tmp, "b.pt")
        # The synthetic check, or the real one: the real variant need not
        # repeat what the synthetic one checks.
        if not args.real:
            data = os.path.join(tmp, "data")
            os.makedirs(data)
            write_synthetic(data, 40, 1, "train")
            write_synthetic(data, 30, 2, "t10k")
            torch.save(trained_model(data, 1, 12), a)
            torch.save(trained_model(data, 2, 4), b)
            check(args.cli, data, a, b, 11)
        else:
            if not os.path.isdir(args.real):
                print(f"{args.real} is missing: skipped the real-data check")
                return 77
            torch.save(trained_model(args.real, 1, 60), a)
            torch.save(trained_model(args.real, 2, 60), b)
            check(args.cli, args.real, a, b, 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
