#!/usr/bin/env bash
# The whole pipeline, end to end, with the seeds of configs/*.yaml (0, 1, 2):
# tuning, tabular benchmark, searches, random search, final training, ablations,
# in-depth evaluation on the tabular benchmark, summary tables.
# Wall-clock and CPU (user + sys, children included) seconds of every step go to
# logs/pipeline_times.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
TIMES=logs/pipeline_times.tsv
mkdir -p logs
printf 'phase\twall_seconds\tuser_seconds\tsys_seconds\n' > "$TIMES"

timed() {  # timed NAME COMMAND...: run COMMAND, append its times to $TIMES
    local name=$1
    shift
    local TIMEFORMAT="$name	%R	%U	%S"
    { time "$@" 2>&3; } 3>&2 2>> "$TIMES"
}

search() {
    for seed in 0 1 2; do
        $PY train_search.py --seed $seed --benchmark
    done
}

random_search() {
    for seed in 0 1 2; do
        $PY random_search.py --seed $seed
    done
}

final_training() {
    # One protocol (configs/train.yaml) and the same seeds for every method's architecture.
    for seed in 0 1 2; do
        for arch in DARTS_TINY RANDOM_BEST; do
            $PY train.py --arch "$arch" --seed $seed
        done
    done
}

timed tuning $PY tune.py --seed 0
timed tabular_benchmark $PY tabular_bench.py --build
timed search search
timed random_search random_search
# The named genotypes in genotypes.py must be the ones these searches found.
$PY summarize.py --check
timed final_training final_training
$PY evaluate.py --arch DARTS_TINY RANDOM_BEST --seeds 0 1 2 --from_logs
timed ablation bash scripts/ablation.sh
timed bench_eval bash scripts/bench_eval.sh
$PY plot_over_time.py
$PY summarize.py
