#!/usr/bin/env python3
"""Prints a Markdown row per merged method (compare mode) or lane of saved
MergeLab runs: final test accuracy, best test accuracy and its round, the
centralised baseline's final accuracy when the run trained one.

  table.py RUN_DIR...   (a run folder with run.json, or a lanes folder)"""
import json
import os
import sys


def runs_in(path):
    if os.path.exists(os.path.join(path, "run.json")):
        yield json.load(open(os.path.join(path, "run.json")))
        return
    lanes = json.load(open(os.path.join(path, "lanes.json")))
    for lane in lanes["lanes"]:
        yield json.load(open(os.path.join(path, lane["dir"], "run.json")))


def main():
    for path in sys.argv[1:]:
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
                      f"{'' if central is None else f'{100 * central:.2f}'} | {os.path.basename(path.rstrip('/'))} |")


if __name__ == "__main__":
    main()
