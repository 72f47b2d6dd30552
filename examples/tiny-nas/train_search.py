"""Gradient-based one-shot search (first-order DARTS) over the tiny cell search space.

    python train_search.py --seed 0 [--benchmark] [--ablation no_skip]

Weights are trained on the train split with SGD, the architecture parameters (alphas) on
the valid split with Adam, alternating every step. After every epoch the current genotype
(argmax over the alphas) is derived and logged as `genotype = Genotype(...)`.

Ablations (--ablation) switch one component off:
  no_skip       remove skip_connect from the candidate operations;
  fixed_alphas  never take an architecture step (the genotype is the argmax of the random
                initial alphas, i.e. the search degenerates to a random guess).
"""

import argparse
import time
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

import tabular_bench
import utils
from architect import Architect
from data import NUM_CLASSES, make_dataset, make_loader
from genotypes import arch_str
from model_search import Network
from operations import PRIMITIVES

ABLATIONS = ("none", "no_skip", "fixed_alphas")


def build_parser() -> argparse.ArgumentParser:
    """Flags of train_search.py; the defaults equal configs/search.yaml."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=10, help="search epochs")
    parser.add_argument("--arch_lr", type=float, default=0.03, help="Adam lr of the alphas")
    parser.add_argument(
        "--arch_weight_decay", type=float, default=0.001, help="weight decay of the alphas"
    )
    parser.add_argument(
        "--warmup_epochs", type=int, default=0, help="epochs of weight training before arch steps"
    )
    parser.add_argument(
        "--ablation", default="none", choices=ABLATIONS, help="switch one component off"
    )
    parser.add_argument(
        "--benchmark",
        action="store_true",
        help="also look up the derived genotype in the tabular benchmark after every epoch",
    )
    parser.add_argument(
        "--bench_path", default=tabular_bench.DEFAULT_PATH, help="tabular benchmark JSON"
    )
    utils.add_common_args(parser)
    return parser


def search_primitives(ablation: str) -> list[str]:
    """The candidate operations searched over (the no_skip ablation drops skip_connect)."""
    if ablation == "no_skip":
        return [op for op in PRIMITIVES if op != "skip_connect"]
    return list(PRIMITIVES)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run one search and write logs/search[_<ablation>]/seed<k>.{log,json}."""
    args = utils.parse_args(build_parser(), "configs/search.yaml", argv)
    utils.set_seed(args.seed)
    torch.set_num_threads(args.threads)
    phase = "search" if args.ablation == "none" else f"search_{args.ablation}"
    logger = utils.get_logger(phase, args.seed, args.log_dir)
    logger.info("args = %s", args)
    env = utils.log_environment(logger)
    start = time.time()

    splits = make_dataset(args.data_seed)
    train_loader = make_loader(splits.train, args.batch_size, args.seed, True, args.workers)
    arch_loader = make_loader(splits.valid, args.batch_size, args.seed + 1, True, args.workers)
    valid_loader = make_loader(splits.valid, 500, args.seed, shuffle=False)
    primitives = search_primitives(args.ablation)
    logger.info("primitives = %s", primitives)

    model = Network(args.init_channels, NUM_CLASSES, args.layers, primitives)
    logger.info("supernet params %d", sum(p.numel() for p in model.weights()))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(
        model.weights(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay
    )
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    architect = Architect(model, args.arch_lr, args.arch_weight_decay)
    valid_batches = utils.forever(arch_loader)

    best_valid = 0.0
    anytime: list[list[float]] = []  # [elapsed seconds, best supernet valid acc so far]
    anytime_bench: list[list[float]] = []  # [elapsed seconds, benchmark valid, test acc]
    for epoch in range(1, args.epochs + 1):
        model.train()
        correct = total = 0
        for x, y in train_loader:
            if args.ablation != "fixed_alphas" and epoch > args.warmup_epochs:
                x_valid, y_valid = next(valid_batches)
                architect.step(x_valid, y_valid)
            optimizer.zero_grad()
            logits = model(x)
            loss = criterion(logits, y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.weights(), args.grad_clip)
            optimizer.step()
            correct += (logits.argmax(dim=1) == y).sum().item()
            total += y.numel()
        scheduler.step()

        train_acc = 100.0 * correct / total
        valid_acc = utils.infer(model, valid_loader)
        best_valid = max(best_valid, valid_acc)
        genotype = model.genotype()
        elapsed = time.time() - start
        anytime.append([round(elapsed, 3), best_valid])
        line = (
            f"epoch {epoch} train_acc {train_acc:.2f} valid_acc {valid_acc:.2f} "
            f"best_valid_acc {best_valid:.2f}"
        )
        if args.benchmark:  # stand-alone accuracy of the current genotype, for evaluation only
            entry = tabular_bench.query(genotype, args.bench_path)
            anytime_bench.append([round(elapsed, 3), entry["valid_acc"], entry["test_acc"]])
            line += (
                f" bench_valid_acc {entry['valid_acc']:.2f} bench_test_acc {entry['test_acc']:.2f}"
            )
        logger.info("%s elapsed %.2fs", line, elapsed)
        logger.info("genotype = %s", genotype)

    elapsed = time.time() - start
    genotype = model.genotype()
    final: dict[str, Any] = {
        "genotype": arch_str(genotype),
        "supernet_valid_acc": valid_acc,
        "best_supernet_valid_acc": best_valid,
        "alphas": model.alphas.detach().tolist(),
    }
    if args.benchmark:
        final["bench_valid_acc"], final["bench_test_acc"] = anytime_bench[-1][1:]
    weights = torch.softmax(model.alphas.detach(), dim=-1)
    for (op, i, j), row in zip(genotype.edges, weights.tolist(), strict=True):
        probs = " ".join(f"{name}={p:.3f}" for name, p in zip(primitives, row, strict=True))
        logger.info("edge %d->%d softmax(alpha) %s -> %s", i, j, probs, op)
    logger.info("genotype = %s", genotype)
    logger.info("final supernet valid_acc %.2f", valid_acc)
    logger.info("elapsed_seconds %.2f (phase: search)", elapsed)
    record = utils.run_record(
        args,
        env,
        final,
        elapsed,
        anytime=anytime,
        anytime_columns=["seconds", "best_supernet_valid_acc"],
        anytime_bench=anytime_bench,
        anytime_bench_columns=["seconds", "incumbent_bench_valid_acc", "incumbent_bench_test_acc"],
    )
    utils.save_json(utils.json_path(args.log_dir, phase, args.seed), record)
    utils.close_logger(logger)
    return final


if __name__ == "__main__":
    main()
