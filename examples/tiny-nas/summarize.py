"""Turn the per-seed JSON logs into the README's tables (results, per-seed searches, time).

    python summarize.py            # print the markdown tables
    python summarize.py --check    # also fail if genotypes.py disagrees with the search logs

Selection rule for the named architectures (as in DARTS, which picks the best of several
search runs by a short training from scratch): among the genotypes found with seeds 0, 1
and 2, DARTS_TINY / RANDOM_BEST is the one with the best *validation* accuracy in the
tabular benchmark (ties: lowest seed). Test accuracy is never used to choose.
"""

import argparse
import csv
import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import genotypes
import tabular_bench
import utils

METHODS = {"DARTS_TINY": "search", "RANDOM_BEST": "random_search"}


def records(log_dir: Path, phase: str) -> dict[int, dict[str, Any]]:
    """The JSON records of a phase, by seed."""
    out = {}
    for path in sorted((log_dir / phase).glob("seed*.json")):
        with open(path) as f:
            record = json.load(f)
        out[record["seed"]] = record
    return dict(sorted(out.items()))


def pm(values: Sequence[float]) -> str:
    """'mean ± std' (sample std) of the values."""
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.2f} ± {std:.2f}"


def md(arch: str) -> str:
    """An arch_str as a markdown code span that is safe inside a table."""
    return "`" + arch.replace("|", "\\|") + "`"


def found_arch(record: dict[str, Any]) -> str:
    """The arch_str a search or random-search run returned."""
    final = record["final"]
    return final.get("genotype") or final["arch"]


def select(runs: dict[int, dict[str, Any]], bench: str) -> int:
    """The seed whose found architecture has the best benchmark validation accuracy."""
    return max(
        runs, key=lambda s: (tabular_bench.query(found_arch(runs[s]), bench)["valid_acc"], -s)
    )


def search_table(log_dir: Path, bench: str) -> list[str]:
    """One row per search run: the found cell, its cost and its benchmark accuracy."""
    lines = [
        "| method | seed | found cell | search time (s) | bench valid (%) | bench test (%) |",
        "|---|---|---|---|---|---|",
    ]
    phases = {
        "DARTS (first order)": "search",
        "DARTS, ablation no_skip": "search_no_skip",
        "DARTS, ablation fixed_alphas": "search_fixed_alphas",
        "random search (15 samples)": "random_search",
    }
    for label, phase in phases.items():
        runs = records(log_dir, phase)
        tests = []
        for seed, rec in runs.items():
            q = tabular_bench.query(found_arch(rec), bench)
            tests.append(q["test_acc"])
            lines.append(
                f"| {label} | {seed} | {md(q['arch'])} | {rec['elapsed_seconds']:.1f} "
                f"| {q['valid_acc']:.2f} | {q['test_acc']:.2f} |"
            )
        if len(runs) > 1:
            lines.append(f"| {label} | mean ± std | | | | {pm(tests)} |")
    return lines


def final_table(log_dir: Path) -> list[str]:
    """Final training (train.py, same protocol and seeds for every method): mean ± std."""
    lines = [
        "| architecture | cell | seeds | valid acc (%) | test acc (%) |",
        "|---|---|---|---|---|",
    ]
    for arch in METHODS:
        runs = records(log_dir, f"train/{arch}")
        if runs:
            cell = runs[min(runs)]["final"]["arch"]
            valid = [r["final"]["valid_acc"] for r in runs.values()]
            test = [r["final"]["test_acc"] for r in runs.values()]
            lines.append(f"| {arch} | {md(cell)} | {list(runs)} | {pm(valid)} | {pm(test)} |")
    return lines


def bench_eval_table(log_dir: Path, bench: str) -> list[str]:
    """Random search on the tabular benchmark over many seeds, against the table's optimum."""
    runs = records(log_dir, "random_search_bench")
    if not runs:
        return []
    table = tabular_bench.load(bench)["archs"]
    oracle = max(table, key=lambda k: statistics.fmean(table[k]["valid_acc"]))
    best_test = tabular_bench.query(oracle, bench)["test_acc"]
    tests = [r["final"]["test_acc"] for r in runs.values()]
    darts = [
        tabular_bench.query(found_arch(r), bench)["test_acc"]
        for r in records(log_dir, "search").values()
    ]
    random_row = (
        f"| random search, 15 samples | {len(runs)} ({min(runs)}-{max(runs)}) | {pm(tests)} "
        f"| {best_test - statistics.fmean(tests):.2f} |"
    )
    darts_row = (
        f"| DARTS (found cells looked up) | {len(darts)} (0-{len(darts) - 1}) | {pm(darts)} "
        f"| {best_test - statistics.fmean(darts):.2f} |"
    )
    return [
        "| method (tabular benchmark) | runs (seeds) | incumbent test acc (%) | regret (%) |",
        "|---|---|---|---|",
        random_row,
        darts_row,
        f"| best cell by valid acc ({md(oracle)}) | - | {best_test:.2f} | 0.00 |",
    ]


def time_table(log_dir: Path) -> list[str]:
    """Time per phase: in-process elapsed_seconds of the records, and scripts/run_all.sh's
    wall-clock and CPU (user + sys) seconds of each step (Python start-up included)."""
    steps: dict[str, dict[str, str]] = {}
    times = log_dir / "pipeline_times.tsv"
    if times.exists():
        with open(times) as f:
            steps = {row["phase"]: row for row in csv.DictReader(f, delimiter="\t")}
    lines = [
        "| phase | runs | elapsed per run (s) | step wall-clock (s) | step CPU user+sys (s) |",
        "|---|---|---|---|---|",
    ]
    phases = {  # label: (step in pipeline_times.tsv, phases of the JSON records)
        "hyperparameter tuning (tune.py, 20 trainings)": ("tuning", ["tuning"]),
        "tabular benchmark build (128 trainings, 2 processes)": ("tabular_benchmark", ["bench"]),
        "DARTS search": ("search", ["search"]),
        "random search (15 trainings)": ("random_search", ["random_search"]),
        "final training (train.py)": ("final_training", [f"train/{a}" for a in METHODS]),
        "ablations (search)": ("ablation", ["search_no_skip", "search_fixed_alphas"]),
        "random search on the table": ("bench_eval", ["random_search_bench"]),
    }
    wall = cpu = 0.0
    for label, (step, names) in phases.items():
        elapsed = [r["elapsed_seconds"] for n in names for r in records(log_dir, n).values()]
        row = steps.get(step)
        step_wall = float(row["wall_seconds"]) if row else 0.0
        step_cpu = float(row["user_seconds"]) + float(row["sys_seconds"]) if row else 0.0
        wall, cpu = wall + step_wall, cpu + step_cpu
        if elapsed:
            lines.append(
                f"| {label} | {len(elapsed)} | {statistics.fmean(elapsed):.1f} "
                f"| {step_wall:.1f} | {step_cpu:.1f} |"
            )
    search, final = records(log_dir, "search"), records(log_dir, "train/DARTS_TINY")
    per_seed = [search[s]["elapsed_seconds"] + final[s]["elapsed_seconds"] for s in search]
    if per_seed and len(final) == len(search):
        lines.append(
            f"| one seed: DARTS search + final training | {len(per_seed)} "
            f"| {statistics.fmean(per_seed):.1f} | | |"
        )
    if steps:
        lines.append(
            f"| **end to end (scripts/run_all.sh)** | | | **{wall:.1f}** | **{cpu:.1f}** |"
        )
    return lines


def check_genotypes(log_dir: Path, bench: str) -> list[str]:
    """Differences between genotypes.py and what the logs say was found and selected."""
    problems = []
    for name, phase in METHODS.items():
        runs = records(log_dir, phase)
        for seed, rec in runs.items():
            committed = genotypes.arch_str(genotypes.lookup(f"{name}_S{seed}"))
            if committed != found_arch(rec):
                problems.append(f"{name}_S{seed} = {committed}, log says {found_arch(rec)}")
        if runs:
            chosen = genotypes.arch_str(genotypes.lookup(f"{name}_S{select(runs, bench)}"))
            if genotypes.arch_str(genotypes.lookup(name)) != chosen:
                problems.append(f"{name} should be {chosen} (selection rule)")
    return problems


def main(argv: Sequence[str] | None = None) -> None:
    """Print the tables; with --check exit non-zero if genotypes.py is stale."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--log_dir", default="logs", help="root folder of the per-seed logs")
    parser.add_argument("--bench_path", default=tabular_bench.DEFAULT_PATH, help="table JSON")
    parser.add_argument("--check", action="store_true", help="verify genotypes.py")
    args = parser.parse_args(argv)
    log_dir = utils.resolve(args.log_dir)
    if args.check:
        problems = check_genotypes(log_dir, args.bench_path)
        for problem in problems:
            print("genotypes.py:", problem)
        if problems:
            raise SystemExit(1)
        print("genotypes.py matches the search logs")
        return
    for title, lines in (
        ("Final evaluation", final_table(log_dir)),
        ("Search runs", search_table(log_dir, args.bench_path)),
        ("Tabular benchmark evaluation", bench_eval_table(log_dir, args.bench_path)),
        ("Time", time_table(log_dir)),
    ):
        print(f"### {title}\n")
        print("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
