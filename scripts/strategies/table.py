#!/usr/bin/env python3
"""Prints Markdown rows for saved MergeLab runs, one per merged method
(compare mode) or lane.

A run of one seed: final test accuracy, best test accuracy and its round,
and the centralised baseline's final accuracy when the run trained one.
A run of several seeds (--repeats): the figures `mergelab-cli show` prints,
mean ± sd [95 % interval] of the final accuracy and of the mean of the
last 10 rounds, and the paired difference to the block's first strategy;
MergeLab computes them once, so they are read from its output here.

  table.py RUN_DIR...   (a run folder with run.json, or a lanes folder)
  table.py --compact TITLE LAST RUN_DIR...
                        the README's form of runs of several seeds: one row
                        per strategy (its first block), final and LAST
                        (the last-10 column's heading) as mean ± sd [95 %],
                        the centralised baseline last
  MERGELAB_CLI: the command-line program (default build/app/mergelab-cli)"""
import json
import os
import re
import subprocess
import sys


def runs_in(path):
    if os.path.exists(os.path.join(path, "run.json")):
        yield json.load(open(os.path.join(path, "run.json")))
        return
    lanes = json.load(open(os.path.join(path, "lanes.json")))
    for lane in lanes["lanes"]:
        yield json.load(open(os.path.join(path, lane["dir"], "run.json")))


def seed_rows(path):
    """Rows from the summary block of `show`: strategy, then its lines."""
    cli = os.environ.get("MERGELAB_CLI", "build/app/mergelab-cli")
    text = subprocess.run([cli, "show", path], check=True, capture_output=True, text=True).stdout
    block = text[text.index("test accuracy over "):].splitlines()[1:]
    rows, current = [], None
    for line in block:
        head = re.match(r"^(\S.*) \((\d+) seeds?\)$", line)
        if head:
            current = {"strategy": head.group(1), "seeds": head.group(2)}
            rows.append(current)
        elif current is not None and line.startswith("  "):
            key, value = re.match(r"^\s+(paired final|paired last \d+|final|last \d+)\s+(.*)$", line).groups()
            current[key.replace(" 10", "")] = value
    return rows


def compact(title, last, paths):
    print(f"| {title} | final, % | {last}, % |")
    print("|---|---|---|")
    seen, central = set(), []
    for path in paths:
        if not os.path.isdir(path):
            continue
        for r in seed_rows(path):
            if r["strategy"] not in seen:
                seen.add(r["strategy"])
                print(f"| `{r['strategy']}` | {r['final']} | {r['last']} |")
        central += central_finals(path)
    if central:
        print(f"| centralised | {mean_sd(central)} | |")


def central_finals(path):
    finals = [100 * (run["rounds"][-1].get("central") or {}).get("test_acc", float("nan"))
              for whole in runs_in(path) for run in whole.get("repeats", [whole]) if run["rounds"]]
    return [c for c in finals if c == c]


def mean_sd(values):
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / max(1, len(values) - 1)) ** 0.5
    return f"{mean:.2f} ± {sd:.2f}"


def main():
    if sys.argv[1:2] == ["--compact"]:
        compact(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    for path in sys.argv[1:]:
        if not os.path.isdir(path):  # run.sh's NAME.log beside each NAME/
            continue
        name = os.path.basename(path.rstrip("/"))
        if any("repeats" in run for run in runs_in(path)):
            for r in seed_rows(path):
                print(f"| {r['strategy']} | {r['final']} | {r['last']} | {r.get('paired final', '')} | "
                      f"{r.get('paired last', '')} | {name} |")
            central = central_finals(path)
            if central:
                print(f"| centralised baseline | {mean_sd(central)} ({len(central)} seeds) | | | | {name} |")
            continue
        for run in runs_in(path):
            rounds = run["rounds"]
            config = run["config"]
            steps = config.get("local_steps", 0)
            schedule = f"{steps} batches x {len(rounds)}" if steps else f"{config['local_epochs']} epoch x {len(rounds)}"
            central = (rounds[-1].get("central") or {}).get("test_acc")
            for method in rounds[-1]["merged"]:
                accs = [r["merged"][method]["test_acc"] for r in rounds]
                best = max(range(len(accs)), key=lambda i: accs[i])
                rule = config.get("rule", "plain")
                opt = config["optimizer"] + ("" if config["optimizer"] == "adam" else f" lr {config['lr']}")
                print(f"| {method} | {rule if '+' not in method else '(in strategy)'} | {opt} | {schedule} | "
                      f"{100 * accs[-1]:.2f} | {100 * accs[best]:.2f} (round {best + 1}) | "
                      f"{'' if central is None else f'{100 * central:.2f}'} | {name} |")


if __name__ == "__main__":
    main()
