"""Builders of whole NAS fixture repositories for the end-to-end tests (tests/e2e).

`compliant_files()` is a small DARTS-like repository that follows every practice of the
checklist; the other tests take it and remove or change one thing. The files are never run:
they only have to read like a real NAS repository to a static audit.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from builders import audit, lines_of, make_repo

from auditor.models import AuditReport, Finding, Outcome, Status, Verdict

ITEMS = (
    "R1", "R2", "R3", "R4", "R5",
    "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8",
    "D1", "D2", "D3",
)  # fmt: skip

OPERATIONS = '''
    """Candidate operations of the cell search space."""
    import torch.nn as nn

    PRIMITIVES = [
        "none",
        "max_pool_3x3",
        "skip_connect",
        "sep_conv_3x3",
        "dil_conv_3x3",
    ]

    OPS = {
        "none": lambda C, stride: Zero(stride),
        "max_pool_3x3": lambda C, stride: nn.MaxPool2d(3, stride=stride, padding=1),
        "skip_connect": lambda C, stride: Identity(),
        "sep_conv_3x3": lambda C, stride: SepConv(C, C, 3, stride, 1),
        "dil_conv_3x3": lambda C, stride: DilConv(C, C, 3, stride, 2, 2),
    }


    class Identity(nn.Module):
        def forward(self, x):
            return x


    class Zero(nn.Module):
        def __init__(self, stride):
            super().__init__()
            self.stride = stride

        def forward(self, x):
            return x.mul(0.0)


    class SepConv(nn.Module):
        def __init__(self, C_in, C_out, kernel_size, stride, padding):
            super().__init__()
            self.op = nn.Sequential(
                nn.ReLU(inplace=False),
                nn.Conv2d(C_in, C_out, kernel_size, stride, padding, bias=False),
                nn.BatchNorm2d(C_out),
            )

        def forward(self, x):
            return self.op(x)


    class DilConv(nn.Module):
        def __init__(self, C_in, C_out, kernel_size, stride, padding, dilation):
            super().__init__()
            self.op = nn.Sequential(
                nn.ReLU(inplace=False),
                nn.Conv2d(C_in, C_out, kernel_size, stride, padding, dilation=dilation),
                nn.BatchNorm2d(C_out),
            )

        def forward(self, x):
            return self.op(x)
'''

GENOTYPES = '''
    """Genotypes: the encoding of a cell, and the cells found by each method."""
    from collections import namedtuple

    Genotype = namedtuple("Genotype", "normal normal_concat")

    DARTS = Genotype(
        normal=[("sep_conv_3x3", 0), ("skip_connect", 1), ("dil_conv_3x3", 0)],
        normal_concat=[2, 3],
    )
    RS_BEST = Genotype(
        normal=[("max_pool_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0)],
        normal_concat=[2, 3],
    )
'''

MODEL_SEARCH = '''
    """The supernet: every edge is a MixedOp weighted by the architecture parameters."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    from genotypes import Genotype
    from operations import OPS, PRIMITIVES


    class MixedOp(nn.Module):
        def __init__(self, C, primitives):
            super().__init__()
            self._ops = nn.ModuleList([OPS[p](C, 1) for p in primitives])

        def forward(self, x, weights):
            return sum(w * op(x) for w, op in zip(weights, self._ops))


    class Network(nn.Module):
        def __init__(self, C, num_classes, primitives=PRIMITIVES):
            super().__init__()
            self.primitives = list(primitives)
            self.edges = nn.ModuleList([MixedOp(C, self.primitives) for _ in range(3)])
            self.classifier = nn.Linear(C, num_classes)
            self.alphas = nn.Parameter(1e-3 * torch.randn(3, len(self.primitives)))

        def arch_parameters(self):
            return [self.alphas]

        def forward(self, x):
            weights = F.softmax(self.alphas, dim=-1)
            for edge, w in zip(self.edges, weights):
                x = edge(x, w)
            return self.classifier(x.mean((2, 3)))

        def genotype(self):
            best = self.alphas.argmax(dim=-1).tolist()
            normal = [(self.primitives[k], i % 2) for i, k in enumerate(best)]
            return Genotype(normal=normal, normal_concat=[2, 3])
'''

MODEL = '''
    """The network trained from scratch for a fixed genotype."""
    import torch.nn as nn

    from operations import OPS


    class NetworkCIFAR(nn.Module):
        def __init__(self, C, num_classes, genotype):
            super().__init__()
            self.cells = nn.ModuleList([OPS[op](C, 1) for op, _ in genotype.normal])
            self.classifier = nn.Linear(C, num_classes)

        def forward(self, x):
            for cell in self.cells:
                x = cell(x)
            return self.classifier(x.mean((2, 3)))
'''

ARCHITECT = '''
    """Architecture steps of DARTS: gradient descent on the alphas on the valid split."""
    import torch


    class Architect:
        def __init__(self, model, args):
            self.model = model
            self.optimizer = torch.optim.Adam(
                model.arch_parameters(), lr=args.arch_learning_rate, weight_decay=1e-3
            )

        def step(self, input_valid, target_valid, criterion):
            self.optimizer.zero_grad()
            loss = criterion(self.model(input_valid), target_valid)
            loss.backward()
            self.optimizer.step()
'''

DATA = '''
    """The one CIFAR-10 split used by every method: 25k train / 25k valid from the training set,
    and the official test set."""
    import numpy as np
    import torch
    import torchvision.transforms as transforms
    from torchvision.datasets import CIFAR10

    TRAIN_PORTION = 0.5


    def get_splits(root="./data"):
        transform = transforms.ToTensor()
        train_data = CIFAR10(root, train=True, download=True, transform=transform)
        test_data = CIFAR10(root, train=False, download=True, transform=transform)
        indices = list(range(len(train_data)))
        split = int(np.floor(TRAIN_PORTION * len(indices)))
        return train_data, test_data, indices[:split], indices[split:]


    def get_loaders(batch_size, seed):
        train_data, test_data, train_idx, valid_idx = get_splits()
        generator = torch.Generator().manual_seed(seed)
        train_queue = torch.utils.data.DataLoader(
            train_data,
            batch_size=batch_size,
            sampler=torch.utils.data.SubsetRandomSampler(train_idx, generator=generator),
        )
        valid_queue = torch.utils.data.DataLoader(
            train_data,
            batch_size=batch_size,
            sampler=torch.utils.data.SubsetRandomSampler(valid_idx, generator=generator),
        )
        test_queue = torch.utils.data.DataLoader(test_data, batch_size=batch_size, shuffle=False)
        return train_queue, valid_queue, test_queue
'''

TRAINER = '''
    """Training and evaluation loops shared by the search, the random search and the final
    training, so that every method is trained and evaluated the same way."""
    import time

    import torch


    def train_epoch(model, queue, optimizer, criterion, logger, step_hook=None):
        model.train()
        start = time.time()
        for step, (x, y) in enumerate(queue):
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            if step_hook is not None:
                step_hook(step)
            logger.info("step %d loss %.4f elapsed %.1fs", step, loss.item(), time.time() - start)


    def evaluate(model, queue):
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for x, y in queue:
                correct += (model(x).argmax(1) == y).sum().item()
                total += y.numel()
        return correct / total
'''

UTILS = '''
    """Seeding and logging helpers."""
    import logging
    import random

    import numpy as np
    import torch


    def set_seed(seed):
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        torch.cuda.manual_seed_all(seed)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False


    def get_logger(name):
        logging.basicConfig(level=logging.INFO)
        logger = logging.getLogger(name)
        logger.info("torch %s on %s", torch.__version__, torch.cuda.get_device_name(0))
        return logger
'''

TRAIN_SEARCH = '''
    """Search: first-order DARTS over the cell search space."""
    import argparse
    import time

    import torch
    import torch.nn as nn

    import utils
    from architect import Architect
    from data import get_loaders
    from model_search import Network
    from operations import PRIMITIVES
    from trainer import evaluate, train_epoch

    parser = argparse.ArgumentParser("search")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--learning_rate", type=float, default=0.025)
    parser.add_argument("--arch_learning_rate", type=float, default=3e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-skip", action="store_true", help="ablation: drop skip_connect")


    def main():
        args = parser.parse_args()
        utils.set_seed(args.seed)
        logger = utils.get_logger("search")
        logger.info("args = %s", args)
        primitives = [p for p in PRIMITIVES if not (args.no_skip and p == "skip_connect")]
        model = Network(16, 10, primitives)
        architect = Architect(model, args)
        optimizer = torch.optim.SGD(model.parameters(), args.learning_rate, momentum=0.9)
        criterion = nn.CrossEntropyLoss()
        train_queue, valid_queue, _ = get_loaders(args.batch_size, args.seed)
        start, trajectory = time.time(), []
        for epoch in range(args.epochs):
            valid_iter = iter(valid_queue)
            train_epoch(
                model,
                train_queue,
                optimizer,
                criterion,
                logger,
                step_hook=lambda step: architect.step(*next(valid_iter), criterion),
            )
            logger.info("epoch %d genotype = %s", epoch, model.genotype())
            acc = evaluate(model, valid_queue)
            trajectory.append((time.time() - start, acc))
            logger.info("epoch %d valid_acc %f elapsed %.1fs", epoch, acc, time.time() - start)


    if __name__ == "__main__":
        main()
'''

RANDOM_SEARCH = '''
    """Random-search baseline: N random cells over the same space, trained with the same code
    and data as the search; the best by validation accuracy is kept."""
    import argparse
    import random
    import time

    import torch
    import torch.nn as nn

    import utils
    from data import get_loaders
    from genotypes import Genotype
    from model import NetworkCIFAR
    from operations import PRIMITIVES
    from trainer import evaluate, train_epoch

    parser = argparse.ArgumentParser("random_search")
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--learning_rate", type=float, default=0.025)
    parser.add_argument("--seed", type=int, default=0)


    def sample_genotype():
        normal = [(random.choice(PRIMITIVES), i % 2) for i in range(3)]
        return Genotype(normal=normal, normal_concat=[2, 3])


    def main():
        args = parser.parse_args()
        utils.set_seed(args.seed)
        logger = utils.get_logger("random_search")
        logger.info("args = %s", args)
        train_queue, valid_queue, _ = get_loaders(args.batch_size, args.seed)
        criterion = nn.CrossEntropyLoss()
        best, best_acc, trajectory = None, -1.0, []
        start = time.time()
        for _ in range(args.samples):
            genotype = sample_genotype()
            model = NetworkCIFAR(16, 10, genotype)
            optimizer = torch.optim.SGD(model.parameters(), args.learning_rate, momentum=0.9)
            for epoch in range(args.epochs):
                train_epoch(model, train_queue, optimizer, criterion, logger)
            acc = evaluate(model, valid_queue)
            if acc > best_acc:
                best, best_acc = genotype, acc
            trajectory.append((time.time() - start, best_acc))
            logger.info("sample %s valid_acc %f elapsed %.1fs", genotype, acc, time.time() - start)
        logger.info("best genotype = %s", best)


    if __name__ == "__main__":
        main()
'''

TRAIN = '''
    """Final training: train a fixed genotype from scratch and evaluate it on valid and test."""
    import argparse
    import time

    import torch
    import torch.nn as nn

    import genotypes
    import utils
    from data import get_loaders
    from model import NetworkCIFAR
    from trainer import evaluate, train_epoch

    parser = argparse.ArgumentParser("train")
    parser.add_argument("--arch", type=str, default="DARTS")
    parser.add_argument("--epochs", type=int, default=600)
    parser.add_argument("--batch_size", type=int, default=96)
    parser.add_argument("--learning_rate", type=float, default=0.025)
    parser.add_argument("--seed", type=int, default=0)


    def main():
        args = parser.parse_args()
        utils.set_seed(args.seed)
        logger = utils.get_logger("train")
        logger.info("args = %s", args)
        genotype = getattr(genotypes, args.arch)
        model = NetworkCIFAR(36, 10, genotype)
        optimizer = torch.optim.SGD(model.parameters(), args.learning_rate, momentum=0.9)
        criterion = nn.CrossEntropyLoss()
        train_queue, valid_queue, test_queue = get_loaders(args.batch_size, args.seed)
        start = time.time()
        for epoch in range(args.epochs):
            train_epoch(model, train_queue, optimizer, criterion, logger)
            acc = evaluate(model, valid_queue)
            logger.info("epoch %d valid_acc %f elapsed %.1fs", epoch, acc, time.time() - start)
        test_acc = evaluate(model, test_queue)
        logger.info("test_acc %f", test_acc)


    if __name__ == "__main__":
        main()
'''

BENCH_EVAL = '''
    """Evaluate the found cells in NAS-Bench-201 (tabular benchmark look-ups, no training)."""
    import argparse

    from nas_201_api import NASBench201API as API

    parser = argparse.ArgumentParser("bench_eval")
    parser.add_argument("--bench_path", default="NAS-Bench-201-v1_0-e61699.pth")


    def main():
        args = parser.parse_args()
        api = API(args.bench_path)
        for index in (0, 1, 2):
            info = api.query_by_index(index)
            print(index, info)


    if __name__ == "__main__":
        main()
'''

REQUIREMENTS = """
    torch==1.13.1
    torchvision==0.14.1
    numpy==1.24.4
    nas-bench-201==2.1
"""

RUN_ALL = """
    #!/bin/bash
    # Every experiment of the paper, three seeds each.
    set -e
    for seed in 0 1 2; do
      python train_search.py --seed $seed
      python random_search.py --seed $seed
      python train.py --arch DARTS --seed $seed
      python train.py --arch RS_BEST --seed $seed
    done
    python bench_eval.py
"""

TRAIN_YAML = """
    epochs: 600
    batch_size: 96
    learning_rate: 0.025
    seeds: [0, 1, 2]
"""

README_TITLE = """
    # tiny-darts

    A small DARTS study with a random-search baseline.
"""

# The README, one section per heading; variants drop or replace sections by heading.
README_SECTIONS = {
    "Setup": """
        ```bash
        pip install -r requirements.txt
        bash scripts/run_all.sh
        ```
    """,
    "Hardware": """
        All experiments ran on one NVIDIA V100 GPU (16 GB) with PyTorch 1.13.1 and CUDA 11.7.
    """,
    "Time and cost": """
        The search takes 0.4 GPU hours per seed, the random search 0.5 GPU hours per seed, and
        the final training of one cell 12 GPU hours per seed: 38.7 GPU hours end to end.
    """,
    "Hyperparameter tuning": """
        We tuned the learning rate by grid search over {0.01, 0.025, 0.05} on the validation
        split, which took 6 GPU hours on the same V100.
    """,
    "Data": """
        CIFAR-10: the 50k training images are split 25k train / 25k valid (data.py); the 10k
        test images are only used for the final numbers.
    """,
    "Results": """
        Test error over seeds 0, 1, 2 (mean ± std): DARTS 3.1 ± 0.1, random search 3.4 ± 0.2.
    """,
    "Ablation": """
        Without skip connections (`--no-skip`) the search finds 3.5 ± 0.2.
    """,
}


def readme(drop: tuple[str, ...] = (), **replaced: str) -> str:
    """The README without the sections in `drop`, with some sections' text replaced (keyword:
    the heading with spaces as underscores)."""
    parts = [textwrap.dedent(README_TITLE).strip("\n")]
    for heading, body in README_SECTIONS.items():
        if heading in drop:
            continue
        text = replaced.get(heading.replace(" ", "_"), body)
        parts.append(f"## {heading}\n\n" + textwrap.dedent(text).strip("\n"))
    return "\n\n".join(parts) + "\n"


LOG_TEMPLATE = (
    "2024-01-0{day} 10:00:00 args = Namespace(arch='DARTS', batch_size=96, epochs=600, "
    "learning_rate=0.025, seed={seed})\n"
    "2024-01-0{day} 10:01:00 epoch 0 valid_acc 0.412000 elapsed 60.0s\n"
    "2024-01-0{day} 10:02:00 epoch 1 valid_acc 0.538000 elapsed 120.0s\n"
    "2024-01-0{day} 11:00:00 test_acc 0.969000\n"
)


def compliant_files() -> dict[str, str]:
    """A small DARTS-like repository that follows every practice of the checklist (texts
    dedented, so that variants can append code at module level)."""
    files = {
        "operations.py": OPERATIONS,
        "genotypes.py": GENOTYPES,
        "model_search.py": MODEL_SEARCH,
        "model.py": MODEL,
        "architect.py": ARCHITECT,
        "data.py": DATA,
        "trainer.py": TRAINER,
        "utils.py": UTILS,
        "train_search.py": TRAIN_SEARCH,
        "random_search.py": RANDOM_SEARCH,
        "train.py": TRAIN,
        "bench_eval.py": BENCH_EVAL,
        "requirements.txt": REQUIREMENTS,
        "scripts/run_all.sh": RUN_ALL,
        "configs/train.yaml": TRAIN_YAML,
        "README.md": readme(),
        "logs/seed0.log": LOG_TEMPLATE.format(day=1, seed=0),
        "logs/seed1.log": LOG_TEMPLATE.format(day=2, seed=1),
    }
    return {path: textwrap.dedent(text).lstrip("\n") for path, text in files.items()}


@dataclass(frozen=True)
class Audited:
    """A fixture repository on disk and its audit report, with helpers for exact assertions."""

    root: Path
    report: AuditReport

    def at(self, path: str, needle: str) -> tuple[str, int]:
        """(path, line) of the one line of `path` that contains `needle`."""
        found = lines_of(self.root, path, needle)
        assert len(found) == 1, (path, needle, found)
        return path, found[0]

    def statuses(self) -> dict[str, Status]:
        """Status per item id."""
        return {v.id: v.status for v in self.report.items}

    def scores(self) -> dict[str, float | None]:
        """Score per item id."""
        return {v.id: v.score for v in self.report.items}

    def verdict(self, item: str) -> Verdict:
        """The verdict of one item."""
        return self.report.verdict(item)

    def finding(self, signal: str) -> Finding:
        """The finding of one signal."""
        (found,) = [f for v in self.report.items for f in v.findings if f.signal == signal]
        return found

    def outcome(self, signal: str) -> Outcome:
        """The outcome of one signal."""
        return self.finding(signal).outcome

    def where(self, signal: str) -> list[tuple[str | None, int | None]]:
        """(path, line) of a finding's evidence, in order (absences are (None, None))."""
        return [(e.path, e.line) for e in self.finding(signal).evidence]

    def notes(self, signal: str) -> list[str | None]:
        """The notes of a finding's evidence, in order."""
        return [e.note for e in self.finding(signal).evidence]

    def explain(self) -> dict[str, str]:
        """Status and summary per item (for assertion messages)."""
        return {v.id: f"{v.status.value} {v.score}: {v.summary}" for v in self.report.items}


AuditFiles = Callable[..., Audited]  # the session fixture `audited(name, files, **options)`


def audit_files(root: Path, files: Mapping[str, str | bytes], **options: object) -> Audited:
    """Build the fixture repository under root (a committed git repository) and audit it."""
    make_repo(root, files, **options)  # type: ignore[arg-type]
    return Audited(root, audit(root))


def all_pass(**changes: Status) -> dict[str, Status]:
    """Every item PASS except the given ones."""
    return {item: changes.get(item, Status.PASS) for item in ITEMS}


def replace(text: str, old: str, new: str) -> str:
    """`text` with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)
