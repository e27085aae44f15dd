#!/usr/bin/env bash
# Distributed runs against in-process runs on this machine: the same
# numbers (V and H, 2 rounds) and the round time for 2 and 10 environments.
# Usage: scripts/bench/distributed.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
BUILD="${1:-build}"
WORK="${2:-$(mktemp -d)}"
CLI="$BUILD/app/mergelab-cli"
DATA="${MERGELAB_DATA:-/usr/share/datasets/fashion-mnist}"
PORT="${PORT:-29561}"

# The coordinator gets only the test files, each environment only the training files.
mkdir -p "$WORK/test-only" "$WORK/train-only"
ln -sf "$DATA"/t10k-* "$WORK/test-only/"
ln -sf "$DATA"/train-* "$WORK/train-only/"

# distributed NAME ENVS SETTINGS...: coordinate + ENVS env processes, 1 thread each.
distributed() {
  local name=$1 envs=$2
  shift 2
  local start=$(date +%s.%N)
  "$CLI" coordinate --listen "127.0.0.1:$PORT" --token bench --data "$WORK/test-only" --threads 2 \
    --envs "$envs" --out "$WORK/$name" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  local coordinator=$!
  sleep 1
  for k in $(seq 1 "$envs"); do
    "$CLI" env --connect "127.0.0.1:$PORT" --rank "$k" --token bench --data "$WORK/train-only" --threads 1 \
      >"$WORK/$name-env$k.log" 2>&1 &
  done
  wait
  echo "$name wall $(echo "$(date +%s.%N) - $start" | bc) s"
}

inprocess() {
  local name=$1 envs=$2
  shift 2
  local start=$(date +%s.%N)
  "$CLI" run --data "$DATA" --threads 2 --envs "$envs" --out "$WORK/$name" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  echo "$name wall $(echo "$(date +%s.%N) - $start" | bc) s"
}

same_numbers() {
  local split=$1
  local settings=(--split "$split" --rounds 2 --train-limit 3000 --compare avg,max,absmax --seed 1)
  inprocess "run-$split" 2 "${settings[@]}"
  distributed "dist-$split" 2 "${settings[@]}"
  if diff <(cut -d, -f1-9 "$WORK/run-$split/metrics.csv") <(cut -d, -f1-9 "$WORK/dist-$split/metrics.csv"); then
    echo "$split: metrics.csv identical (all columns but seconds)"
  fi
  cat "$WORK/dist-$split/metrics.csv"
}

same_numbers V
same_numbers H
for envs in 2 10; do
  inprocess "time-run-$envs" "$envs" --split V --rounds 1
  distributed "time-dist-$envs" "$envs" --split V --rounds 1
  echo "round seconds, $envs environments: in-process $(tail -1 "$WORK/time-run-$envs/metrics.csv" | awk -F, '{print $NF}')," \
    "distributed $(tail -1 "$WORK/time-dist-$envs/metrics.csv" | awk -F, '{print $NF}')"
done
echo "work folder: $WORK"
