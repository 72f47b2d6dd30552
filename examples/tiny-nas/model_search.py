"""The supernet of the one-shot search: every edge is a softmax-weighted MixedOp."""

import torch
from torch import nn

from genotypes import EDGES, NUM_NODES, Genotype, from_ops
from operations import OPS, PRIMITIVES


class MixedOp(nn.Module):
    """Continuous relaxation of one edge: sum_k softmax(alpha)_k * op_k(x)."""

    def __init__(self, channels: int, primitives: list[str]) -> None:
        super().__init__()
        # affine=False in the supernet, as in DARTS: BN scales would compete with alphas.
        self.ops = nn.ModuleList(OPS[name](channels, False) for name in primitives)

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        return sum(w * op(x) for w, op in zip(weights, self.ops, strict=True))


class SearchCell(nn.Module):
    """The cell of the supernet, with one MixedOp on each edge of EDGES."""

    def __init__(self, channels: int, primitives: list[str]) -> None:
        super().__init__()
        self.ops = nn.ModuleList(MixedOp(channels, primitives) for _ in EDGES)

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        nodes = [x] + [torch.zeros_like(x) for _ in range(NUM_NODES - 1)]
        for k, ((i, j), op) in enumerate(zip(EDGES, self.ops, strict=True)):
            nodes[j] = nodes[j] + op(nodes[i], weights[k])
        return nodes[-1]


class Network(nn.Module):
    """Supernet with architecture parameters `alphas` (one row of logits per edge).

    All cells share the same alphas, so the derived genotype describes every cell, exactly
    like the discrete model.Network built from it.
    """

    def __init__(
        self,
        channels: int,
        num_classes: int,
        layers: int,
        primitives: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.primitives = list(primitives or PRIMITIVES)
        self.stem = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels)
        )
        self.cells = nn.ModuleList(SearchCell(channels, self.primitives) for _ in range(layers))
        self.classifier = nn.Linear(channels, num_classes)
        self.alphas = nn.Parameter(1e-3 * torch.randn(len(EDGES), len(self.primitives)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weights = torch.softmax(self.alphas, dim=-1)
        h = self.stem(x)
        for cell in self.cells:
            h = cell(h, weights)
        return self.classifier(h.mean(dim=(2, 3)))

    def arch_parameters(self) -> list[nn.Parameter]:
        """The architecture parameters (optimised by architect.Architect)."""
        return [self.alphas]

    def weights(self) -> list[nn.Parameter]:
        """The network weights (optimised by SGD), i.e. everything except the alphas."""
        return [p for name, p in self.named_parameters() if name != "alphas"]

    def genotype(self) -> Genotype:
        """Derive the discrete architecture: the argmax operation of every edge."""
        best = self.alphas.argmax(dim=-1).tolist()
        return from_ops([self.primitives[k] for k in best])
