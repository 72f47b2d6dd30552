"""The discrete network built from a Genotype (used for training from scratch)."""

import torch
from torch import nn

from genotypes import NUM_NODES, Genotype
from operations import OPS


class Cell(nn.Module):
    """A fixed cell: node j = sum of op(node i) over the genotype's edges i -> j."""

    def __init__(self, genotype: Genotype, channels: int) -> None:
        super().__init__()
        self.edges = [(i, j) for _, i, j in genotype.edges]
        self.ops = nn.ModuleList(OPS[op](channels, True) for op, _, _ in genotype.edges)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x] + [torch.zeros_like(x) for _ in range(NUM_NODES - 1)]
        for (i, j), op in zip(self.edges, self.ops, strict=True):
            nodes[j] = nodes[j] + op(nodes[i])
        return nodes[-1]


class Network(nn.Module):
    """Stem conv -> `layers` identical cells -> global average pooling -> linear classifier."""

    def __init__(self, genotype: Genotype, channels: int, num_classes: int, layers: int) -> None:
        super().__init__()
        self.genotype = genotype
        self.stem = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels)
        )
        self.cells = nn.Sequential(*(Cell(genotype, channels) for _ in range(layers)))
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.cells(self.stem(x))
        return self.classifier(h.mean(dim=(2, 3)))
