"""Evaluate the architectures of every compared method with one and the same protocol.

Each architecture is trained from scratch by train.py with configs/train.yaml and the same
seeds (the `seeds` of that config unless --seeds is given); mean ± std of the valid and
test accuracy over the seeds is printed and written to logs/evaluate/summary.json.

    python evaluate.py --arch DARTS_TINY RANDOM_BEST              # train, then aggregate
    python evaluate.py --arch DARTS_TINY RANDOM_BEST --from_logs  # aggregate train.py logs
"""

import argparse
import json
import statistics
from collections.abc import Sequence
from typing import Any

import train
import utils


def build_parser() -> argparse.ArgumentParser:
    """Flags of evaluate.py."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--arch",
        nargs="+",
        default=["DARTS_TINY", "RANDOM_BEST"],
        help="genotype names in genotypes.py (one per compared method)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=None,
        help="training seeds (default: `seeds` of --config)",
    )
    parser.add_argument("--config", default="configs/train.yaml", help="the one protocol")
    parser.add_argument("--log_dir", default="logs", help="root folder of the per-seed logs")
    parser.add_argument(
        "--from_logs",
        action="store_true",
        help="aggregate the JSON records of earlier train.py runs",
    )
    return parser


def mean_std(values: list[float]) -> dict[str, float]:
    """Mean and sample standard deviation (n - 1)."""
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return {"mean": round(statistics.fmean(values), 3), "std": round(std, 3)}


def from_log(arch: str, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    """The final metrics of an earlier train.py run, after checking it used this protocol."""
    path = utils.json_path(args.log_dir, f"train/{arch}", seed)
    with open(path) as f:
        record = json.load(f)
    expected = train.protocol(utils.parse_args(train.build_parser(), args.config, []))
    if record["protocol"] != expected:
        raise SystemExit(f"{path}: protocol {record['protocol']} != {args.config} {expected}")
    return record["final"]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Train (or read) every arch for every seed and aggregate."""
    args = build_parser().parse_args(argv)
    seeds = args.seeds or utils.load_config(args.config)["seeds"]
    summary: dict[str, Any] = {"config": args.config, "seeds": seeds, "archs": {}}
    for arch in args.arch:
        runs = []
        for seed in seeds:
            if args.from_logs:
                runs.append(from_log(arch, seed, args))
            else:
                flags = ["--config", args.config, "--arch", arch, "--seed", str(seed)]
                runs.append(train.main([*flags, "--log_dir", args.log_dir]))
        summary["archs"][arch] = {
            "genotype": runs[0]["arch"],
            "valid_acc": mean_std([r["valid_acc"] for r in runs]),
            "test_acc": mean_std([r["test_acc"] for r in runs]),
            "per_seed_test_acc": [r["test_acc"] for r in runs],
            "train_seconds": mean_std([r["train_seconds"] for r in runs]),
        }
    print(f"| architecture | cell | valid acc (%) | test acc (%) | seeds {seeds} |")
    print("|---|---|---|---|---|")
    for arch, row in summary["archs"].items():
        v, t = row["valid_acc"], row["test_acc"]
        cell = row["genotype"].replace("|", "\\|")  # keep the table's columns intact
        print(
            f"| {arch} | `{cell}` | {v['mean']:.2f} ± {v['std']:.2f} "
            f"| {t['mean']:.2f} ± {t['std']:.2f} | {row['per_seed_test_acc']} |"
        )
    utils.save_json(utils.resolve(args.log_dir) / "evaluate" / "summary.json", summary)
    return summary


if __name__ == "__main__":
    main()
