"""Hyperparameter tuning of the training protocol: a grid over lr x weight_decay.

    python tune.py --seed 0

Each configuration trains the hand-picked REFERENCE cell of genotypes.py (not an
architecture found by any method, so no method is favoured) with the final-training
protocol for each of --tune_seeds and is scored by its mean validation accuracy; the test
split is not used. The chosen
values are then written by hand into every config (train, search, random search, bench).
"""

import argparse
import itertools
import statistics
import time
from collections.abc import Sequence
from typing import Any

import torch

import genotypes
import utils
from data import make_dataset
from train import train_from_scratch


def build_parser() -> argparse.ArgumentParser:
    """Flags of tune.py; the defaults equal configs/tune.yaml."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--arch", default="REFERENCE", help="genotype to tune on")
    parser.add_argument("--epochs", type=int, default=10, help="training epochs")
    parser.add_argument(
        "--lr_grid",
        type=float,
        nargs="+",
        default=[0.01, 0.03, 0.1, 0.3, 0.6],
        help="learning rates to try",
    )
    parser.add_argument(
        "--weight_decay_grid",
        type=float,
        nargs="+",
        default=[0.0003, 0.003],
        help="weight decays to try",
    )
    parser.add_argument(
        "--tune_seeds",
        type=int,
        nargs="+",
        default=[0, 1],
        help="training seeds per configuration (valid accuracy is averaged over them)",
    )
    utils.add_common_args(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the grid and write logs/tuning/seed<k>.{log,json}."""
    args = utils.parse_args(build_parser(), "configs/tune.yaml", argv)
    utils.set_seed(args.seed)
    torch.set_num_threads(args.threads)
    logger = utils.get_logger("tuning", args.seed, args.log_dir)
    logger.info("args = %s", args)
    env = utils.log_environment(logger)
    start = time.time()

    genotype = genotypes.lookup(args.arch)
    splits = make_dataset(args.data_seed)
    grid = []
    for lr, weight_decay in itertools.product(args.lr_grid, args.weight_decay_grid):
        hp = argparse.Namespace(**{**vars(args), "lr": lr, "weight_decay": weight_decay})
        valid = []
        for seed in args.tune_seeds:
            utils.set_seed(seed)
            valid.append(train_from_scratch(genotype, hp, splits, seed)["valid_acc"])
        grid.append(
            {
                "lr": lr,
                "weight_decay": weight_decay,
                "valid_acc": valid,
                "mean_valid_acc": round(statistics.fmean(valid), 4),
            }
        )
        logger.info(
            "lr %g weight_decay %g valid_acc %s mean %.2f elapsed %.2fs",
            lr,
            weight_decay,
            valid,
            grid[-1]["mean_valid_acc"],
            time.time() - start,
        )
    best = max(grid, key=lambda row: row["mean_valid_acc"])
    elapsed = time.time() - start
    logger.info(
        "best lr %g weight_decay %g valid_acc %.2f",
        best["lr"],
        best["weight_decay"],
        best["mean_valid_acc"],
    )
    logger.info("configurations %d elapsed_seconds %.2f (phase: tuning)", len(grid), elapsed)
    final = {"best": best, "configurations": len(grid)}
    utils.save_json(
        utils.json_path(args.log_dir, "tuning", args.seed),
        utils.run_record(args, env, final, elapsed, grid=grid),
    )
    utils.close_logger(logger)
    return final


if __name__ == "__main__":
    main()
