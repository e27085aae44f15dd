#!/bin/bash
# The runs behind the strategy tables of docs/results.md, one after another,
# each into OUT/NAME with a log beside it; then the tables' rows.
#   scripts/strategies/run.sh [OUT] [seeds|one-seed|all]   (default: runs/strategies seeds)
# seeds: the tables over 3 seeds (about 3 hours on 2 cores);
# one-seed: the exploratory runs of seed 1 and the alignment (about 2 hours).
set -e
OUT=${1:-runs/strategies}
PART=${2:-seeds}
CLI=${MERGELAB_CLI:-build/app/mergelab-cli}
export MERGELAB_CLI=$CLI
mkdir -p "$OUT"
ALL=avg,max,absmax,wavg,median,trimmed-mean,task-arithmetic,ties
run() { name=$1; shift; "$CLI" run --envs 2 --threads 2 "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1; }
TABLE="python3 $(dirname "$0")/table.py"

if [ "$PART" = seeds ] || [ "$PART" = all ]; then
  # H with the preset's budget of 6 local epochs per environment as 60 rounds
  # of 42 batches (0.1 epoch); V as 6 rounds of 1 epoch. Every strategy on
  # seeds 1, 2 and 3; the paired column is against the block's first row.
  run h-seeds-compare --split H --rounds 60 --local-steps 42 --repeats 3 --baseline \
    --compare avg,max,absmax,ties,tail-avg:k=10,avg@ccvr
  run h-seeds-lanes --split H --rounds 60 --local-steps 42 --repeats 3 \
    --lanes avg,fedadam,avg+fedprox:mu=0.01,avg@ccvr:copy=1,avg+vimages@ccvr:copy=1
  run h-seeds-deep --split H --rounds 60 --local-steps 42 --repeats 3 \
    --lanes avg+vimages@ccvr:copy=1,layers=2
  run v-seeds-compare --split V --rounds 6 --local-epochs 1 --repeats 3 --baseline \
    --compare avg,max,absmax,ties
  run v-seeds-lanes --split V --rounds 6 --local-epochs 1 --repeats 3 \
    --lanes avg,fedavgm,fedadam,avg+fedprox
  $TABLE "$OUT"/h-seeds-* "$OUT"/v-seeds-*
  # The README's two tables.
  $TABLE --compact "H: 60 rounds of 0.1 epoch" "last 10 rounds" "$OUT"/h-seeds-compare "$OUT"/h-seeds-lanes "$OUT"/h-seeds-deep
  $TABLE --compact "V: 6 rounds of 1 epoch" "all 6 rounds" "$OUT"/v-seeds-compare "$OUT"/v-seeds-lanes
fi

if [ "$PART" = one-seed ] || [ "$PART" = all ]; then
  # H: the same budget as 6 rounds of 1 epoch and as 60 rounds of 42 batches.
  run h-epoch-compare --split H --rounds 6 --local-epochs 1 --baseline --compare $ALL
  run h-epoch-lanes --split H --rounds 6 --local-epochs 1 --lanes fedavgm,fedadam,avg+fedprox,avg+scaffold
  run h-steps-compare --split H --rounds 60 --local-steps 42 --baseline --compare $ALL
  run h-steps-lanes --split H --rounds 60 --local-steps 42 --lanes fedavgm,fedadam,avg+fedprox
  run h-steps-prox01 --split H --rounds 60 --local-steps 42 --lanes avg+fedprox:mu=0.1
  run h-steps-sgd --split H --rounds 60 --local-steps 42 --lanes avg+scaffold --optimizer sgd --momentum 0 --lr 0.05
  # FedRS, shorter rounds, a stronger pull, a smaller lr.
  run h-epoch-fedrs --split H --rounds 6 --local-epochs 1 --lanes avg+fedrs
  run h-steps-fedrs --split H --rounds 60 --local-steps 42 --lanes avg+fedrs,avg+fedrs:alpha=0.1
  run h-steps21-avg --split H --rounds 120 --local-steps 21 --lanes avg
  run h-steps21-prox01 --split H --rounds 120 --local-steps 21 --lanes avg+fedprox:mu=0.1
  run h-steps21-prox001 --split H --rounds 120 --local-steps 21 --lanes avg+fedprox:mu=0.01
  run h-steps30-avg --split H --rounds 84 --local-steps 30 --lanes avg
  run h-steps10-avg --split H --rounds 252 --local-steps 10 --lanes avg
  run h-steps-prox1 --split H --rounds 60 --local-steps 42 --lanes avg+fedprox:mu=1
  run h-steps-lr5e4-prox01 --split H --rounds 60 --local-steps 42 --lr 0.0005 --lanes avg+fedprox:mu=0.1
  run v-epoch-fedrs --split V --rounds 6 --local-epochs 1 --lanes avg+fedrs
  # V with the same budget.
  run v-epoch-compare --split V --rounds 6 --local-epochs 1 --baseline --compare $ALL
  run v-epoch-lanes --split V --rounds 6 --local-epochs 1 --lanes fedavgm,fedadam,avg+fedprox
  # Alignment: one round from independent and from shared initialisations.
  for init in independent shared; do
    run v-$init --split V --init $init --rounds 1 --local-epochs 1 --compare avg --save-all
    M=$OUT/v-$init/models
    "$CLI" merge $M/round-001-env-1.pt $M/round-001-env-2.pt -o $OUT/v-$init-plain.pt
    "$CLI" merge $M/round-001-env-1.pt $M/round-001-env-2.pt --align -o $OUT/v-$init-aligned.pt
    for f in plain aligned; do echo "v-$init $f: $("$CLI" eval $OUT/v-$init-$f.pt --json)"; done
  done
  $TABLE "$OUT"/h-epoch-* "$OUT"/h-steps* "$OUT"/v-epoch-*
fi
