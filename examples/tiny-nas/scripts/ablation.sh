#!/usr/bin/env bash
# Ablations of the gradient-based search (seed 0): each run switches one component off.
#   no_skip       search without the skip_connect operation
#   fixed_alphas  no architecture steps (the alphas keep their random initial values)
# Results: logs/search_no_skip/, logs/search_fixed_alphas/ (found cells looked up in the
# tabular benchmark); compare with logs/search/seed0.json.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
for ablation in no_skip fixed_alphas; do
    $PY train_search.py --seed 0 --ablation "$ablation" --benchmark
done
