#!/usr/bin/env python3
"""What calibrating every round costs in a paper-V round, side by side.

Runs the paper's V experiment (2 environments with all classes, 3 local
epochs, avg/max/absmax compared, the central baseline) for a few rounds,
once with avg as the primary and once with avg@ccvr, alternating, and reads
each round's time and its training time from run.json. The non-training
share of a round is 1 - training / round; the calibration's cost is the
difference of the two runs' round times over the calibrated round's time.

Usage: scripts/bench/calibration_cost.py [--cli build/app/mergelab-cli]
       [--rounds 2] [--pairs 2] [--threads 2] [--strategy avg@ccvr]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile


def run(cli, method, rounds, threads, out):
    subprocess.run([cli, "run", "--split", "V", "--envs", "2", "--local-epochs", "3", "--rounds", str(rounds),
                    "--method", method, "--compare", f"{method},max,absmax", "--baseline",
                    "--threads", str(threads), "--out", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(out, "run.json")) as f:
        rounds = json.load(f)["rounds"]
    return [(r["seconds"], r["training_seconds"]) for r in rounds]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", default="build/app/mergelab-cli")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--pairs", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--strategy", default="avg@ccvr")
    a = p.parse_args()
    times = {"avg": [], a.strategy: []}
    with tempfile.TemporaryDirectory() as work:
        for pair in range(a.pairs):
            for method in times:
                out = os.path.join(work, f"{method.replace(':', '_')}-{pair}")
                times[method] += run(a.cli, method, a.rounds, a.threads, out)
    for method, rows in times.items():
        shares = [1 - t / s for s, t in rows]
        print(f"{method:>20}: round {statistics.mean(s for s, _ in rows):6.1f} s "
              f"(training {statistics.mean(t for _, t in rows):6.1f} s), non-training share "
              f"{100 * statistics.mean(shares):4.1f} % (range {100 * min(shares):.1f}-{100 * max(shares):.1f} %), "
              f"{len(rows)} rounds")
    plain = statistics.mean(s for s, _ in times["avg"])
    calibrated = statistics.mean(s for s, _ in times[a.strategy])
    print(f"{a.strategy} adds {calibrated - plain:.1f} s a round: {100 * (calibrated - plain) / calibrated:.1f} % "
          f"of its round")


if __name__ == "__main__":
    main()
