"""Random-search baseline over the same search space as train_search.py.

    python random_search.py --seed 0               # train every sampled architecture
    python random_search.py --seed 0 --benchmark   # look samples up in the tabular benchmark

Each architecture is sampled uniformly at random (one random primitive per edge), trained
from scratch with the same short protocol that built the tabular benchmark
(train.train_from_scratch with configs/random_search.yaml), and the one with the best
validation accuracy is kept. With --benchmark the training is replaced by a table look-up
and the clock is the benchmark's recorded training time (simulated wall-clock).
"""

import argparse
import random
import time
from collections.abc import Callable, Sequence
from logging import Logger
from typing import Any

import torch

import tabular_bench
import utils
from data import make_dataset
from genotypes import EDGES, Genotype, from_ops
from operations import PRIMITIVES
from train import protocol, train_from_scratch


def build_parser() -> argparse.ArgumentParser:
    """Flags of random_search.py; the defaults equal configs/random_search.yaml."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n_samples", type=int, default=15, help="architectures to sample")
    parser.add_argument("--epochs", type=int, default=4, help="training epochs per sample")
    parser.add_argument(
        "--benchmark", action="store_true", help="query the tabular benchmark instead of training"
    )
    parser.add_argument(
        "--bench_path", default=tabular_bench.DEFAULT_PATH, help="tabular benchmark JSON"
    )
    utils.add_common_args(parser)
    return parser


def sample_genotype() -> Genotype:
    """One architecture drawn uniformly from the search space: a random primitive per edge."""
    return from_ops([random.choice(PRIMITIVES) for _ in EDGES])


def random_search(
    n_samples: int,
    evaluate: Callable[[Genotype], dict[str, Any]],
    logger: Logger,
    simulated_time: bool = False,
) -> tuple[dict[str, Any], list[list[float]]]:
    """Sample and evaluate `n_samples` architectures; return the best (by valid_acc).

    Also returns the anytime curve [[elapsed seconds, best valid_acc so far, test_acc of that
    incumbent], ...]; with `simulated_time` the clock is the sum of the evaluations'
    train_seconds (the benchmark's recorded training time). Test accuracy is only recorded,
    never used to choose.
    """
    start = time.time()
    simulated = 0.0
    best: dict[str, Any] | None = None
    anytime: list[list[float]] = []
    for n in range(1, n_samples + 1):
        genotype = sample_genotype()
        result = evaluate(genotype)
        simulated += result["train_seconds"]
        elapsed = simulated if simulated_time else time.time() - start
        if best is None or result["valid_acc"] > best["valid_acc"]:
            best = {**result, "genotype": genotype, "sample": n}
        anytime.append([round(elapsed, 3), best["valid_acc"], best["test_acc"]])
        logger.info(
            "sample %d arch %s valid_acc %.2f best_valid_acc %.2f elapsed %.2fs",
            n,
            result["arch"],
            result["valid_acc"],
            best["valid_acc"],
            elapsed,
        )
    assert best is not None, "n_samples must be positive"
    return best, anytime


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run one random search and write logs/random_search[_bench]/seed<k>.{log,json}."""
    args = utils.parse_args(build_parser(), "configs/random_search.yaml", argv)
    utils.set_seed(args.seed)
    torch.set_num_threads(args.threads)
    phase = "random_search_bench" if args.benchmark else "random_search"
    logger = utils.get_logger(phase, args.seed, args.log_dir)
    logger.info("args = %s", args)
    env = utils.log_environment(logger)
    start = time.time()

    if args.benchmark:
        table_protocol = tabular_bench.load(args.bench_path)["meta"]["protocol"]
        if table_protocol != protocol(args):
            raise SystemExit(f"benchmark protocol {table_protocol} != {protocol(args)}")

        def evaluate(genotype: Genotype) -> dict[str, Any]:
            return tabular_bench.query(genotype, args.bench_path)
    else:
        splits = make_dataset(args.data_seed)

        def evaluate(genotype: Genotype) -> dict[str, Any]:
            return train_from_scratch(genotype, args, splits, args.seed)

    best, anytime = random_search(args.n_samples, evaluate, logger, args.benchmark)
    elapsed = time.time() - start
    final = {key: best[key] for key in ("arch", "sample", "valid_acc", "test_acc", "params")}
    logger.info("genotype = %s", best["genotype"])
    logger.info("best valid_acc %.2f test_acc %.2f", best["valid_acc"], best["test_acc"])
    if args.benchmark:
        final["simulated_seconds"] = anytime[-1][0]
        logger.info("simulated_seconds %.2f (training time recorded in the table)", anytime[-1][0])
    logger.info("elapsed_seconds %.2f (phase: random search)", elapsed)
    record = utils.run_record(
        args,
        env,
        final,
        elapsed,
        protocol=protocol(args),
        anytime=anytime,
        anytime_columns=["seconds", "best_valid_acc", "incumbent_test_acc"],
    )
    utils.save_json(utils.json_path(args.log_dir, phase, args.seed), record)
    utils.close_logger(logger)
    return final


if __name__ == "__main__":
    main()
