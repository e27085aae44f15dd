#!/usr/bin/env python3
"""Runs MergeLab and the PyTorch peer (peer.py) side by side on this machine
and prints every figure of docs/performance.md's comparison with its ratio.

  scripts/bench/run.sh [--reps N]

Measurements alternate between the two programs so that load on the machine
affects both alike; medians are reported.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("MERGELAB_BUILD_DIR", os.path.join(ROOT, "build"))
CLI = os.path.join(BUILD, "app", "mergelab-cli")
GUI = os.path.join(BUILD, "app", "mergelab")
BENCH = os.path.join(BUILD, "app", "mergelab-bench")
PEER = [sys.executable if sys.executable.startswith("/usr/bin") else "/usr/bin/python3", os.path.join(HERE, "peer.py")]


def run(cmd, env=None, check=True):
    """Runs a whole process; returns (stdout, wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    return out.decode(), wall


def peak_rss_of(cmd, env=None):
    """Peak RSS in MB of one process, measured by a fresh helper process
    (RUSAGE_CHILDREN there covers that one child only)."""
    code = ("import resource,subprocess,sys;p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,"
            "stderr=subprocess.DEVNULL);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024);"
            "sys.exit(p.returncode)")
    out = subprocess.run([sys.executable, "-c", code] + cmd, capture_output=True, env=env, check=True)
    return float(out.stdout)


def median(values):
    return statistics.median(values)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="skip the slow paper-round and scaling figures")
    args = p.parse_args()
    rows = []

    def row(name, ours, peer=None, unit="", better="higher", note=""):
        ratio = ""
        if peer:
            ratio = f"{(ours / peer if better == 'higher' else peer / ours):.2f}x"
        rows.append((name, ours, peer, unit, ratio, note))
        print(f"  {name}: {ours:.4g} {unit}" + (f" vs peer {peer:.4g} ({ratio})" if peer else ""), file=sys.stderr)

    # 1, 2, 5: throughput and the machine's peak, in process.
    ours_runs, peer_runs = [], []
    for _ in range(args.reps):
        ours_runs.append(json.loads(run([BENCH, "--threads", "2", "--reps", "1", "--images", "6000"])[0]))
        peer_runs.append(json.loads(run(PEER + ["micro", "--threads", "2", "--reps", "1", "--images", "6000"])[0]))
    m = {k: median([r[k] for r in ours_runs]) for k in ours_runs[0]}
    pm = {k: median([r[k] for r in peer_runs]) for k in peer_runs[0]}
    row("training throughput (engine: 2 environments side by side)", m["train_engine_images_per_s"],
        pm["train_images_per_s"], "images/s")
    row("training throughput (one model on 2 threads)", m["train_one_model_images_per_s"], pm["train_images_per_s"],
        "images/s")
    row("evaluation throughput, 10,000 test images", m["eval_images_per_s"], pm["eval_images_per_s"], "images/s")
    flops = m["train_flops_per_image"]
    row("practical peak (2048x2048 float32 matmul)", m["matmul_gflops"], None, "GFLOP/s")
    row("share of peak while training (engine)", 100 * flops * m["train_engine_images_per_s"] / 1e9 / m["matmul_gflops"],
        None, "%", note=f"{flops / 1e6:.1f} MFLOP per training image")
    row("share of peak while training (peer)", 100 * flops * pm["train_images_per_s"] / 1e9 / m["matmul_gflops"],
        None, "%")
    row("full data set load", 1000 * m["load_seconds"], None, "ms")

    # 3: one whole V round, as whole processes.
    ours_wall, peer_wall = [], []
    cli_round = [CLI, "run", "--split", "V", "--envs", "2", "--rounds", "1", "--local-epochs", "1", "--method", "avg",
                 "--compare", "avg", "--threads", "2"]
    for _ in range(args.reps):
        ours_wall.append(run(cli_round)[1])
        peer_wall.append(run(PEER + ["round", "--threads", "2"])[1])
    row("one whole V round (process wall time)", median(ours_wall), median(peer_wall), "s", better="lower")

    if not args.quick:
        # 4 and 6 (CLI memory): a paper V round with every method compared.
        with tempfile.TemporaryDirectory() as out:
            # The paper V preset's settings for one round (its peak is reached in
            # the first round; later rounds reuse the same buffers).
            rss = peak_rss_of([CLI, "run", "--split", "V", "--rounds", "1", "--local-epochs", "3", "--baseline",
                               "--compare", "avg,max,absmax", "--out", out])
            with open(os.path.join(out, "run.json")) as f:
                r = json.load(f)["rounds"][0]
            share = 100 * (1 - r["training_seconds"] / r["seconds"])
            row("non-training share of a paper V round (avg, max, absmax, baseline, saving)", share, None, "%",
                note=f"round {r['seconds']:.1f} s, training {r['training_seconds']:.1f} s")
            row("peak memory, CLI, paper V preset (one round)", rss, None, "MB")

        # 6: the app: start-up, responsiveness while training, memory.
        xvfb = shutil.which("Xvfb")
        if xvfb and os.path.exists(GUI):
            display = ":91"
            server = subprocess.Popen([xvfb, display, "-screen", "0", "1600x1000x24"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            try:
                env = dict(os.environ, DISPLAY=display)
                env.pop("QT_QPA_PLATFORM", None)
                starts = []
                for _ in range(args.reps):
                    with tempfile.NamedTemporaryFile(suffix=".json") as rep:
                        t0 = time.time()
                        # Opening nothing quits right after the first paint.
                        run([GUI, "--open", "/nonexistent", "--quit-when-done", "--report", rep.name], env, check=False)
                        starts.append(json.load(open(rep.name))["first_paint_epoch_ms"] / 1000 - t0)
                row("start-up to first window", 1000 * median(starts), None, "ms")
                with tempfile.NamedTemporaryFile(suffix=".json") as rep:
                    rss = peak_rss_of([GUI, "--preset", "paper-v", "--rounds", "1", "--autostart",
                                       "--quit-when-done", "--report", rep.name], env)
                    late = json.load(open(rep.name))["timer_lateness_ms"]
                row("app: 10 ms timer lateness while training, p99", late["p99"], None, "ms",
                    note=f"max {late['max']:.1f} ms over {late['samples']} ticks")
                row("app: 10 ms timer lateness while training, max", late["max"], None, "ms")
                row("peak memory, app, paper V preset (one round)", rss, None, "MB")
            finally:
                server.terminate()

        # 7: scaling.
        for envs in (2, 4, 8, 10):
            with tempfile.TemporaryDirectory() as out:
                run([CLI, "run", "--split", "V", "--envs", str(envs), "--rounds", "1", "--compare", "avg,max,absmax",
                     "--threads", "2", "--out", out])
                r = json.load(open(os.path.join(out, "run.json")))["rounds"][0]
            row(f"round time, {envs} environments (same 54,000 images split among them)", r["seconds"], None, "s",
                note=f"training {r['training_seconds']:.1f} s")
        for fraction in (0.25, 0.5, 1.0):
            with tempfile.TemporaryDirectory() as out:
                run([CLI, "run", "--split", "V", "--envs", "2", "--rounds", "1", "--compare", "avg,max,absmax",
                     "--train-fraction", str(fraction), "--threads", "2", "--out", out])
                r = json.load(open(os.path.join(out, "run.json")))["rounds"][0]
            row(f"round time, 2 environments, {int(fraction * 100)} % of the training data", r["seconds"], None, "s",
                note=f"training {r['training_seconds']:.1f} s")

    print(f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}; "
          f"{args.reps} repetitions, medians\n")
    print("| figure | MergeLab | PyTorch peer | ratio | note |")
    print("|---|---|---|---|---|")
    for name, ours, peer, unit, ratio, note in rows:
        print(f"| {name} | {ours:.4g} {unit} | {'' if peer is None else f'{peer:.4g} {unit}'} | {ratio} | {note} |")


if __name__ == "__main__":
    main()
