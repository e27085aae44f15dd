#!/usr/bin/env python3
"""Plain-PyTorch side of MergeLab's cross-checks (run by the Qt tests).

  train OUT.pt --data DIR [--limit N]   train the CNN the everyday way, save
                                        model.state_dict(), print test metrics
  eval MODEL.pt --data DIR              print PyTorch's test metrics of a file
  merge-check METHOD OUT.pt IN.pt... [--base B.pt] [--sizes n1,n2] [--param k=v]
                                        exit 0 iff OUT equals the float64
                                        reference (merge_reference.py) rounded
                                        to float32, bit for bit
  server-check METHOD RUNDIR [--rounds 3] recompute a server optimizer from a
                                        --save-all run's model files
  serve                                 answer many of the above over one
                                        process: a JSON list of arguments per
                                        line in, a JSON object {"exit", "out",
                                        "err"} per line out. Importing torch
                                        takes seconds; a test with forty
                                        checks pays it once.
"""
import argparse
import contextlib
import io
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


from merge_reference import SERVER, STATELESS, parse_params  # noqa: E402
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
    """Exit 0 iff OUT equals the float64 reference rounded to float32, bit for bit."""
    inputs = [torch.load(p) for p in args.inputs]
    base = torch.load(args.base) if args.base else None
    sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else None
    params = parse_params(args.param)
    merged = torch.load(args.out)
    if set(merged) != set(inputs[0]):
        raise SystemExit("tensor names differ")
    for name, out in merged.items():
        ws = [d[name].double() for d in inputs]
        b = base[name].double() if base is not None else None
        ref = STATELESS[args.method](ws, b, sizes, params).float()
        if not torch.equal(ref.view(torch.int32), out.contiguous().view(torch.int32)):
            diff = (ref != out).sum().item()
            raise SystemExit(f"{name}: {diff} elements differ from the reference")
    print("exact")


def server_check(args):
    """Recompute a server optimizer's rounds from a --save-all run folder:
    round 1 starts from round-000-init.pt, round r from round r-1's merged
    model; print the largest difference and exit 0 iff it is <= --tol."""
    models = os.path.join(args.dir, "models")
    params = parse_params(args.param)
    sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else None
    opt = SERVER[args.method](params)
    base = torch.load(os.path.join(models, "round-000-init.pt"))
    worst = 0.0
    for r in range(1, args.rounds + 1):
        envs = [torch.load(os.path.join(models, f"round-{r:03d}-env-{k}.pt")) for k in range(1, args.envs + 1)]
        saved = torch.load(os.path.join(models, f"round-{r:03d}-{args.file_method or args.method}.pt"))
        for name in base:
            ref = opt.step(name, [e[name].double() for e in envs], base[name].double(), sizes)
            worst = max(worst, (ref - saved[name].double()).abs().max().item())
        base = saved
    print(json.dumps({"max_abs_diff": worst, "rounds": args.rounds}))
    if worst > args.tol:
        raise SystemExit(f"largest difference {worst} exceeds {args.tol}")


def serve():
    for line in sys.stdin:
        out, err, code = io.StringIO(), io.StringIO(), 0
        try:
            argv = json.loads(line)
            if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
                raise ValueError("expected a JSON list of strings")
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main(argv)
        except SystemExit as e:
            if isinstance(e.code, str):
                err.write(e.code + "\n")
                code = 1
            else:
                code = e.code or 0
        except Exception as e:  # a failed check must not end the other checks
            err.write(f"{type(e).__name__}: {e}\n")
            code = 1
        sys.stdout.write(json.dumps({"exit": code, "out": out.getvalue(), "err": err.getvalue()}) + "\n")
        sys.stdout.flush()


def main(argv=None):
    if argv is None and sys.argv[1:] == ["serve"]:
        return serve()
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
    m.add_argument("--base")
    m.add_argument("--sizes")
    m.add_argument("--param", action="append")
    s = sub.add_parser("server-check")
    s.add_argument("method", choices=sorted(SERVER))
    s.add_argument("dir")
    s.add_argument("--rounds", type=int, default=3)
    s.add_argument("--envs", type=int, default=2)
    s.add_argument("--sizes")
    s.add_argument("--param", action="append")
    s.add_argument("--file-method", help="the name in round-NNN-NAME.pt if not the method's")
    s.add_argument("--tol", type=float, default=1e-6)
    args = p.parse_args(argv)
    {"train": train, "eval": evaluate, "merge-check": merge_check, "server-check": server_check}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
