"""The candidate operations of the search space (one is chosen for every edge of the cell)."""

from collections.abc import Callable

import torch
from torch import nn

PRIMITIVES = ["none", "skip_connect", "conv_3x3", "conv_5x5"]


class Zero(nn.Module):
    """The 'none' operation: the edge is absent (outputs zeros of the input's shape)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul(0.0)


class ReLUConvBN(nn.Module):
    """ReLU -> Conv (same padding) -> BatchNorm, as in DARTS."""

    def __init__(self, channels: int, kernel_size: int, affine: bool = True) -> None:
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(channels, channels, kernel_size, padding=kernel_size // 2, bias=False),
            nn.BatchNorm2d(channels, affine=affine),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.op(x)


OPS: dict[str, Callable[[int, bool], nn.Module]] = {
    "none": lambda c, affine: Zero(),
    "skip_connect": lambda c, affine: nn.Identity(),
    "conv_3x3": lambda c, affine: ReLUConvBN(c, 3, affine),
    "conv_5x5": lambda c, affine: ReLUConvBN(c, 5, affine),
}

assert list(OPS) == PRIMITIVES, "every primitive needs exactly one operation"
