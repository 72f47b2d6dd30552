"""The architecture step of the gradient-based search (first-order DARTS)."""

import torch
from torch import nn

from model_search import Network


class Architect:
    """Updates the supernet's alphas on validation batches (DARTS with xi = 0).

    First-order DARTS (Liu et al., ICLR 2019) treats the current weights as the optimum of
    the inner problem and follows the gradient of the validation loss w.r.t. the alphas.
    """

    def __init__(self, model: Network, lr: float, weight_decay: float) -> None:
        self.model = model
        self.criterion = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.Adam(
            model.arch_parameters(), lr=lr, betas=(0.5, 0.999), weight_decay=weight_decay
        )

    def step(self, x_valid: torch.Tensor, y_valid: torch.Tensor) -> float:
        """One Adam step on the alphas; returns the validation loss."""
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(x_valid), y_valid)
        loss.backward()
        self.optimizer.step()
        return loss.item()
