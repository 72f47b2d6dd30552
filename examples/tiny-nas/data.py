"""The one benchmark every method uses: a synthetic 10-class dataset of 8x8 images.

Each class has a smooth random 8x8 template. A sample is its class template, shifted by up
to one pixel in each direction (circularly), scaled by a random contrast and covered with
Gaussian noise. The data are generated from a fixed *data seed* that is independent of the
run seed, so every method and every run sees exactly the same train/valid/test split.
"""

from typing import NamedTuple

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from utils import seed_worker

DATA_SEED = 2020
NUM_CLASSES = 10
IMAGE_SIZE = 8
SPLIT_SIZES = {"train": 1000, "valid": 500, "test": 500}
NOISE_STD = 1.4
MAX_SHIFT = 1


class Splits(NamedTuple):
    """The fixed train/valid/test split."""

    train: TensorDataset
    valid: TensorDataset
    test: TensorDataset


def _templates(rng: np.random.Generator) -> np.ndarray:
    """One smooth, unit-variance 8x8 template per class."""
    raw = rng.standard_normal((NUM_CLASSES, IMAGE_SIZE + 2, IMAGE_SIZE + 2))
    # 3x3 box blur (valid padding) makes the templates spatially smooth.
    smooth = sum(raw[:, i : i + IMAGE_SIZE, j : j + IMAGE_SIZE] for i in range(3) for j in range(3))
    smooth -= smooth.mean(axis=(1, 2), keepdims=True)
    smooth /= smooth.std(axis=(1, 2), keepdims=True)
    return smooth.astype(np.float32)


def _sample(rng: np.random.Generator, templates: np.ndarray, n: int) -> TensorDataset:
    labels = rng.integers(0, NUM_CLASSES, size=n)
    images = np.empty((n, 1, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    shifts = rng.integers(-MAX_SHIFT, MAX_SHIFT + 1, size=(n, 2))
    contrast = rng.uniform(0.7, 1.3, size=n)
    noise = rng.standard_normal((n, IMAGE_SIZE, IMAGE_SIZE))
    for k in range(n):
        shifted = np.roll(templates[labels[k]], shift=tuple(shifts[k]), axis=(0, 1))
        images[k, 0] = contrast[k] * shifted + NOISE_STD * noise[k]
    return TensorDataset(torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64)))


def make_dataset(seed: int = DATA_SEED) -> Splits:
    """Generate the train/valid/test split from the data seed (not the run seed)."""
    rng = np.random.default_rng(seed)
    templates = _templates(rng)
    return Splits(**{name: _sample(rng, templates, n) for name, n in SPLIT_SIZES.items()})


def make_loader(
    dataset: TensorDataset, batch_size: int, seed: int, shuffle: bool, workers: int = 0
) -> DataLoader:
    """A DataLoader whose shuffling and workers are seeded from the run seed."""
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle,
        num_workers=workers,
        worker_init_fn=seed_worker,
        generator=g,
    )
