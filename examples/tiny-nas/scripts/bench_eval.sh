#!/usr/bin/env bash
# In-depth evaluation on the tabular benchmark (benchmark/tiny_nas_bench.json): random
# search looks architectures up instead of training them, so it is cheap to repeat over
# many seeds. Results: logs/random_search_bench/seed<k>.json; summarised by summarize.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
for seed in $(seq 0 9); do
    $PY random_search.py --seed $seed --benchmark
done
