"""Helpers shared by every entry script: seeding, configs, logging, environment, metrics."""

import argparse
import json
import logging
import os
import platform
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from torch import nn
from torch.utils.data import DataLoader

ROOT = Path(__file__).resolve().parent
# Config keys that document a run rather than set a flag (read by the run scripts).
META_KEYS = frozenset({"seeds"})


def set_seed(seed: int) -> None:
    """Seed every random number generator the code touches and switch off nondeterminism."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)


def seed_worker(worker_id: int) -> None:
    """DataLoader worker_init_fn: derive numpy/random seeds from the worker's torch seed."""
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


def resolve(path: str | Path) -> Path:
    """A path relative to the example's root (where the scripts live), or an absolute one."""
    path = Path(path)
    return path if path.is_absolute() else ROOT / path


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a flat YAML config."""
    with open(resolve(path)) as f:
        cfg = yaml.safe_load(f) or {}
    if not isinstance(cfg, dict):
        raise TypeError(f"{path}: expected a mapping of hyperparameters")
    return cfg


def parse_args(
    parser: argparse.ArgumentParser, default_config: str, argv: Sequence[str] | None = None
) -> argparse.Namespace:
    """Parse flags; the YAML config supplies the defaults, explicit flags override it.

    Unknown config keys are an error, so a typo in a config cannot silently change nothing.
    """
    parser.add_argument(
        "--config", default=default_config, help="YAML file whose values are the defaults"
    )
    pre, _ = parser.parse_known_args(argv)
    cfg = load_config(pre.config)
    known = vars(parser.parse_args([]))
    unknown = set(cfg) - set(known) - META_KEYS
    if unknown:
        parser.error(f"{pre.config}: unknown keys {sorted(unknown)}")
    parser.set_defaults(**{k: v for k, v in cfg.items() if k in known})
    return parser.parse_args(argv)


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Flags shared by every training entry point (the defaults match configs/*.yaml)."""
    parser.add_argument("--seed", type=int, default=0, help="run seed (model init, data order)")
    parser.add_argument(
        "--data_seed", type=int, default=2020, help="seed of the fixed synthetic dataset"
    )
    parser.add_argument("--batch_size", type=int, default=64, help="mini-batch size")
    parser.add_argument("--lr", type=float, default=0.3, help="SGD learning rate (cosine decay)")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    parser.add_argument("--weight_decay", type=float, default=3e-4, help="SGD weight decay")
    parser.add_argument("--grad_clip", type=float, default=5.0, help="gradient norm clipping")
    parser.add_argument("--init_channels", type=int, default=8, help="channels in each cell")
    parser.add_argument("--layers", type=int, default=2, help="number of stacked cells")
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op CPU threads")
    parser.add_argument("--log_dir", default="logs", help="root folder of the per-seed logs")


def get_logger(phase: str, seed: int, log_dir: str | Path = "logs") -> logging.Logger:
    """Log to stdout and to <log_dir>/<phase>/seed<seed>.log (overwritten per run)."""
    out = resolve(log_dir) / phase
    out.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"tiny_nas.{phase}.seed{seed}")
    close_logger(logger)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    fmt = logging.Formatter("%(asctime)s %(message)s", datefmt="%m/%d %I:%M:%S %p")
    for handler in (
        logging.FileHandler(out / f"seed{seed}.log", mode="w"),
        logging.StreamHandler(sys.stdout),
    ):
        handler.setFormatter(fmt)
        logger.addHandler(handler)
    return logger


def close_logger(logger: logging.Logger) -> None:
    """Detach and close the logger's handlers (one run may start several loggers)."""
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or what platform reports elsewhere."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment() -> dict[str, Any]:
    """Library versions and hardware of this run (the confounders to record)."""
    cuda = torch.cuda.is_available()
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pyyaml": yaml.__version__,
        "platform": platform.platform(),
        "processor": platform.processor(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "cuda_available": cuda,
        "device": torch.cuda.get_device_name(0) if cuda else "cpu",
    }


def log_environment(logger: logging.Logger) -> dict[str, Any]:
    """Write the environment into the log and return it for the JSON record."""
    env = environment()
    logger.info("environment = %s", json.dumps(env))
    return env


def save_json(path: Path, record: dict[str, Any]) -> None:
    """Write a run record (seed, args, final metrics, elapsed time, anytime curve)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [f" {json.dumps(key)}: {json.dumps(value)}" for key, value in record.items()]
    with open(path, "w") as f:  # one line per top-level key: small, readable and diffable
        f.write("{\n" + ",\n".join(rows) + "\n}\n")


def run_record(
    args: argparse.Namespace,
    env: dict[str, Any],
    final: dict[str, Any],
    elapsed: float,
    **extra: Any,
) -> dict[str, Any]:
    """The per-seed JSON record every entry script writes."""
    return {
        "seed": args.seed,
        "args": vars(args),
        "environment": env,
        "final": final,
        "elapsed_seconds": round(elapsed, 3),
        **extra,
    }


def json_path(log_dir: str | Path, phase: str, seed: int) -> Path:
    """Where the JSON record of <phase> with <seed> lives."""
    return resolve(log_dir) / phase / f"seed{seed}.json"


def forever(loader: DataLoader) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Cycle through a loader indefinitely, reshuffling on every pass."""
    while True:
        yield from loader


@torch.no_grad()
def infer(model: nn.Module, loader: DataLoader) -> float:
    """Top-1 accuracy (%) of `model` on `loader`, in eval mode."""
    model.eval()
    correct = total = 0
    for x, y in loader:
        correct += (model(x).argmax(dim=1) == y).sum().item()
        total += y.numel()
    return 100.0 * correct / total


def count_parameters(model: nn.Module) -> int:
    """Number of trainable weights (architecture parameters excluded by the caller)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
