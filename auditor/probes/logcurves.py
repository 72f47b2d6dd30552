"""Learning curves of a logged run: the per-epoch value of each metric, thinned to a few
hundred points, so a report can plot them without carrying whole logs in its JSON.

A value logged again within the same epoch replaces the previous one (the last value of an
epoch is its value); a log that never names an epoch keeps every value in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_CURVE_POINTS = 200
MAX_CURVE_METRICS = 8


@dataclass
class CurveBuilder:
    """Collects metric values of one run in log order."""

    series: dict[str, list[float]] = field(default_factory=dict)
    last_epoch: dict[str, int | None] = field(default_factory=dict)

    def add(self, name: str, value: float, epoch: int | None = None) -> None:
        """One logged value of `name`, at `epoch` when the log says which."""
        values = self.series.get(name)
        if values is None:
            if len(self.series) >= MAX_CURVE_METRICS:
                return
            values = self.series[name] = []
        elif epoch is not None and self.last_epoch.get(name) == epoch:
            values[-1] = value
            return
        values.append(value)
        self.last_epoch[name] = epoch

    def extend(self, name: str, values: Iterable[float]) -> None:
        """A whole series logged at once (a JSON list of per-epoch values)."""
        for value in values:
            self.add(name, value)

    def curves(self) -> dict[str, list[float]]:
        """Every metric with at least two values, thinned to MAX_CURVE_POINTS."""
        return {name: thin(values) for name, values in self.series.items() if len(values) >= 2}


def thin(values: list[float], limit: int = MAX_CURVE_POINTS) -> list[float]:
    """At most `limit` evenly spaced values, the first and the last included."""
    if len(values) <= limit:
        return list(values)
    step = (len(values) - 1) / (limit - 1)
    return [values[round(i * step)] for i in range(limit)]
