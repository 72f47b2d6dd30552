"""A tabular benchmark of the whole search space (all 4**3 = 64 cells).

Every architecture is trained from scratch with the short protocol of the random-search
baseline (configs/bench.yaml, the same values as configs/random_search.yaml) for several
training seeds; its train/valid/test accuracy, parameter count and training time are
stored in benchmark/tiny_nas_bench.json. Searches can then query() an architecture instead
of training it, which makes runs over many seeds cheap (scripts/bench_eval.sh).

    python tabular_bench.py --build                      # rebuild the table
    python tabular_bench.py --query "conv_3x3|none|conv_5x5"
"""

import argparse
import functools
import itertools
import json
import logging
import multiprocessing
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

import utils
from data import Splits, make_dataset
from genotypes import EDGES, Genotype, arch_str, from_str
from operations import PRIMITIVES
from train import protocol, train_from_scratch

DEFAULT_PATH = "benchmark/tiny_nas_bench.json"


def build_parser() -> argparse.ArgumentParser:
    """Flags of tabular_bench.py; the defaults equal configs/bench.yaml."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--build", action="store_true", help="train every architecture")
    parser.add_argument("--query", default=None, help="print the entry of one arch_str")
    parser.add_argument("--epochs", type=int, default=4, help="epochs per architecture")
    parser.add_argument(
        "--train_seeds",
        type=int,
        nargs="+",
        default=[0, 1],
        help="training seeds per architecture",
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel worker processes")
    parser.add_argument("--bench_path", default=DEFAULT_PATH, help="output/input JSON")
    utils.add_common_args(parser)
    return parser


@functools.cache
def _dataset(data_seed: int) -> Splits:
    return make_dataset(data_seed)


def _train_one(job: tuple[str, int, dict[str, Any]]) -> tuple[str, int, dict[str, Any]]:
    """Train one (architecture, seed) pair in a worker process."""
    key, seed, hp = job
    torch.set_num_threads(hp["threads"])
    utils.set_seed(seed)
    splits = _dataset(hp["data_seed"])
    result = train_from_scratch(from_str(key), argparse.Namespace(**hp), splits, seed)
    keep = ("train_acc", "valid_acc", "test_acc", "train_seconds", "params")
    return key, seed, {k: result[k] for k in keep}


def all_architectures() -> list[str]:
    """Every cell of the search space, as arch_str keys."""
    return ["|".join(ops) for ops in itertools.product(PRIMITIVES, repeat=len(EDGES))]


def build(args: argparse.Namespace, logger: logging.Logger) -> dict[str, Any]:
    """Train every architecture for every training seed and return the table."""
    start = time.time()
    hp = vars(args).copy()
    keys = all_architectures()
    jobs = [(key, seed, hp) for key in keys for seed in args.train_seeds]
    archs: dict[str, dict[str, Any]] = {key: {} for key in keys}
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(args.jobs) as pool:
        for n, (key, seed, res) in enumerate(pool.imap(_train_one, jobs), start=1):
            entry = archs[key]
            entry["params"] = res["params"]
            for metric in ("train_acc", "valid_acc", "test_acc", "train_seconds"):
                entry.setdefault(metric, []).append(res[metric])
            if seed == args.train_seeds[-1]:
                logger.info(
                    "%d/%d arch %s valid_acc %s test_acc %s elapsed %.2fs",
                    n // len(args.train_seeds),
                    len(keys),
                    key,
                    entry["valid_acc"],
                    entry["test_acc"],
                    time.time() - start,
                )
    return {
        "meta": {
            "name": "tiny-nas-bench",
            "description": "tabular benchmark: every cell of the tiny-nas search space",
            "primitives": PRIMITIVES,
            "edges": [list(e) for e in EDGES],
            "train_seeds": args.train_seeds,
            "protocol": protocol(args),
            "build_seconds": round(time.time() - start, 3),
        },
        "archs": archs,
    }


def write_table(table: dict[str, Any], path: Path) -> None:
    """Write the table as JSON with one line per architecture (small and diff-friendly)."""
    rows = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in table["archs"].items()]
    with open(path, "w") as f:
        f.write('{"meta": ' + json.dumps(table["meta"], indent=1) + ',\n"archs": {\n')
        f.write(",\n".join(rows) + "\n}}\n")


@functools.cache
def load(path: str = DEFAULT_PATH) -> dict[str, Any]:
    """Read (once) the table at `path`."""
    with open(utils.resolve(path)) as f:
        return json.load(f)


def query(genotype: Genotype | str, path: str = DEFAULT_PATH, seed: int | None = None) -> dict:
    """Accuracy and cost of one architecture: the mean over training seeds, or one seed."""
    table = load(str(path))
    key = genotype if isinstance(genotype, str) else arch_str(genotype)
    entry = table["archs"][key]
    metrics = ("train_acc", "valid_acc", "test_acc", "train_seconds")
    if seed is None:
        values = {m: round(statistics.fmean(entry[m]), 4) for m in metrics}
    else:
        k = table["meta"]["train_seeds"].index(seed)
        values = {m: entry[m][k] for m in metrics}
    return {"arch": key, "params": entry["params"], **values}


def main(argv: Sequence[str] | None = None) -> None:
    """Build (--build) or query (--query) the tabular benchmark."""
    args = utils.parse_args(build_parser(), "configs/bench.yaml", argv)
    utils.set_seed(args.seed)
    torch.set_num_threads(args.threads)
    if args.query:
        print(json.dumps(query(args.query, args.bench_path), indent=1))
        return
    if not args.build:
        raise SystemExit("nothing to do: pass --build or --query ARCH")
    logger = utils.get_logger("bench", args.seed, args.log_dir)
    logger.info("args = %s", args)
    env = utils.log_environment(logger)
    table = build(args, logger)
    table["meta"]["environment"] = env
    out = utils.resolve(args.bench_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_table(table, out)
    elapsed = table["meta"]["build_seconds"]
    best = max(table["archs"], key=lambda k: statistics.fmean(table["archs"][k]["valid_acc"]))
    final = {"archs": len(table["archs"]), "best_valid_arch": best, **query(best, args.bench_path)}
    logger.info("best by valid_acc %s", final)
    logger.info("elapsed_seconds %.2f (phase: tabular benchmark build)", elapsed)
    utils.save_json(
        utils.json_path(args.log_dir, "bench", args.seed),
        utils.run_record(args, env, final, elapsed),
    )
    utils.close_logger(logger)


if __name__ == "__main__":
    main()
