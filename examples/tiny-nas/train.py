"""Final-evaluation pipeline: train a fixed genotype from scratch and evaluate it.

    python train.py --arch DARTS_TINY --seed 0

train_from_scratch() is the one training protocol of this repository: the random-search
baseline and the tabular benchmark call it too (with their shorter epoch budget).
"""

import argparse
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader

import genotypes
import utils
from data import NUM_CLASSES, Splits, make_dataset, make_loader
from genotypes import Genotype, arch_str
from model import Network

# The hyperparameters that define a training protocol (compared across methods).
PROTOCOL_KEYS = (
    "epochs",
    "batch_size",
    "lr",
    "momentum",
    "weight_decay",
    "grad_clip",
    "init_channels",
    "layers",
    "data_seed",
)
EVAL_BATCH_SIZE = 500


def build_parser() -> argparse.ArgumentParser:
    """Flags of train.py; the defaults equal configs/train.yaml."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--arch", default="DARTS_TINY", help="genotype name in genotypes.py")
    parser.add_argument("--epochs", type=int, default=10, help="training epochs")
    utils.add_common_args(parser)
    return parser


def protocol(args: argparse.Namespace) -> dict[str, Any]:
    """The protocol hyperparameters of a run, for comparing runs and benchmarks."""
    return {key: getattr(args, key) for key in PROTOCOL_KEYS}


def train_epoch(
    model: nn.Module,
    loader: DataLoader,
    optimizer: torch.optim.Optimizer,
    criterion: nn.Module,
    grad_clip: float,
) -> tuple[float, float]:
    """One pass over the training data; returns (mean loss, accuracy in %)."""
    model.train()
    total_loss, correct, total = 0.0, 0, 0
    for x, y in loader:
        optimizer.zero_grad()
        logits = model(x)
        loss = criterion(logits, y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        optimizer.step()
        total_loss += loss.item() * y.numel()
        correct += (logits.argmax(dim=1) == y).sum().item()
        total += y.numel()
    return total_loss / total, 100.0 * correct / total


def train_from_scratch(
    genotype: Genotype,
    hp: argparse.Namespace,
    splits: Splits,
    seed: int,
    log: Callable[..., None] | None = None,
) -> dict[str, Any]:
    """Train `genotype` from scratch with the protocol in `hp`; evaluate on valid and test.

    The caller seeds the RNGs (utils.set_seed) before calling; `seed` also seeds the data
    order. The test split is evaluated once, after training, and never used for a choice.
    """
    start = time.time()
    model = Network(genotype, hp.init_channels, NUM_CLASSES, hp.layers)
    train_loader = make_loader(splits.train, hp.batch_size, seed, shuffle=True, workers=hp.workers)
    valid_loader = make_loader(splits.valid, EVAL_BATCH_SIZE, seed, shuffle=False)
    test_loader = make_loader(splits.test, EVAL_BATCH_SIZE, seed, shuffle=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(
        model.parameters(), lr=hp.lr, momentum=hp.momentum, weight_decay=hp.weight_decay
    )
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=hp.epochs)
    history = []
    for epoch in range(1, hp.epochs + 1):
        lr = scheduler.get_last_lr()[0]
        train_loss, train_acc = train_epoch(model, train_loader, optimizer, criterion, hp.grad_clip)
        scheduler.step()
        valid_acc = utils.infer(model, valid_loader)
        elapsed = time.time() - start
        history.append(
            {
                "epoch": epoch,
                "lr": lr,
                "train_loss": round(train_loss, 4),
                "train_acc": train_acc,
                "valid_acc": valid_acc,
                "elapsed": round(elapsed, 3),
            }
        )
        if log is not None:
            log(
                "epoch %d train_acc %.2f valid_acc %.2f train_loss %.4f lr %.4f elapsed %.2fs",
                epoch,
                train_acc,
                valid_acc,
                train_loss,
                lr,
                elapsed,
            )
    test_acc = utils.infer(model, test_loader)
    return {
        "arch": arch_str(genotype),
        "train_acc": history[-1]["train_acc"],
        "valid_acc": history[-1]["valid_acc"],
        "test_acc": test_acc,
        "params": utils.count_parameters(model),
        "train_seconds": round(time.time() - start, 3),
        "history": history,
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Train --arch with --seed and write logs/train/<arch>/seed<k>.{log,json}."""
    args = utils.parse_args(build_parser(), "configs/train.yaml", argv)
    utils.set_seed(args.seed)
    torch.set_num_threads(args.threads)
    phase = f"train/{args.arch}"
    logger = utils.get_logger(phase, args.seed, args.log_dir)
    logger.info("args = %s", args)
    env = utils.log_environment(logger)
    start = time.time()

    genotype = genotypes.lookup(args.arch)
    logger.info("genotype = %s", genotype)
    splits = make_dataset(args.data_seed)
    result = train_from_scratch(genotype, args, splits, args.seed, logger.info)

    elapsed = time.time() - start
    logger.info("valid_acc %.2f", result["valid_acc"])
    logger.info("test_acc %.2f", result["test_acc"])
    logger.info("params %d elapsed_seconds %.2f (phase: final training)", result["params"], elapsed)
    final = {key: value for key, value in result.items() if key != "history"}
    record = utils.run_record(
        args, env, final, elapsed, protocol=protocol(args), history=result["history"]
    )
    utils.save_json(utils.json_path(args.log_dir, phase, args.seed), record)
    utils.close_logger(logger)
    return final


if __name__ == "__main__":
    main()
