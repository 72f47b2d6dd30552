"""Anytime performance: best-so-far accuracy over wall-clock time for every method.

Reads the anytime curves of the per-seed JSON logs and prints, on a grid of times, the
mean ± std over seeds of the incumbent's accuracy at that time ('-' where a run had no
result yet). If matplotlib is installed the curves are also saved to plots/over_time.png.

    python plot_over_time.py
"""

import argparse
import statistics
from collections.abc import Sequence
from pathlib import Path

import utils
from summarize import records

# label -> (phase, JSON key of the curve, column of the accuracy in each entry)
SERIES = {
    "DARTS: supernet valid acc (one-shot estimate)": ("search", "anytime", 1),
    "DARTS: incumbent valid acc (tabular benchmark)": ("search", "anytime_bench", 1),
    "DARTS: incumbent test acc (tabular benchmark)": ("search", "anytime_bench", 2),
    "random search: best valid acc (4-epoch training)": ("random_search", "anytime", 1),
    "random search: incumbent test acc": ("random_search", "anytime", 2),
    "random search on the table: best valid acc (simulated time)": (
        "random_search_bench",
        "anytime",
        1,
    ),
    "random search on the table: incumbent test acc (simulated time)": (
        "random_search_bench",
        "anytime",
        2,
    ),
}
TIMES = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)


def value_at(curve: list[list[float]], column: int, t: float) -> float | None:
    """The incumbent's accuracy at time t (the last entry logged at or before t)."""
    value = None
    for entry in curve:
        if entry[0] <= t:
            value = entry[column]
    return value


def curves(log_dir: Path) -> dict[str, list[list[list[float]]]]:
    """label -> one curve per seed (only series with logs)."""
    out = {}
    for label, (phase, key, _) in SERIES.items():
        runs = [r[key] for r in records(log_dir, phase).values() if r.get(key)]
        if runs:
            out[label] = runs
    return out


def text_table(log_dir: Path) -> str:
    """Markdown table: one row per series, one column per time on TIMES."""
    lines = [
        "| series (seeds) | " + " | ".join(f"{t:g} s" for t in TIMES) + " |",
        "|---|" + "---|" * len(TIMES),
    ]
    for label, runs in curves(log_dir).items():
        column = SERIES[label][2]
        cells = []
        for t in TIMES:
            values = [v for run in runs if (v := value_at(run, column, t)) is not None]
            if len(values) < len(runs):
                cells.append("-")
            else:
                std = statistics.stdev(values) if len(values) > 1 else 0.0
                cells.append(f"{statistics.fmean(values):.1f} ± {std:.1f}")
        lines.append(f"| {label} ({len(runs)}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(log_dir: Path, out: Path) -> bool:
    """Save the mean curves with matplotlib; False if it is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    grid = [0.1 * k for k in range(1, 121)]
    fig, ax = plt.subplots(figsize=(8, 5))
    for label, runs in curves(log_dir).items():
        column = SERIES[label][2]
        xs, ys = [], []
        for t in grid:
            values = [value_at(run, column, t) for run in runs]
            if None not in values:
                xs.append(t)
                ys.append(statistics.fmean(values))
        ax.step(xs, ys, where="post", label=label)
    ax.set_xlabel("wall-clock seconds")
    ax.set_ylabel("accuracy (%)")
    ax.legend(fontsize=7)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    return True


def main(argv: Sequence[str] | None = None) -> None:
    """Print the anytime table and, if possible, save the plot."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--log_dir", default="logs", help="root folder of the per-seed logs")
    parser.add_argument("--out", default="plots/over_time.png", help="where to save the plot")
    args = parser.parse_args(argv)
    log_dir = utils.resolve(args.log_dir)
    print(text_table(log_dir))
    if plot(log_dir, utils.resolve(args.out)):
        print(f"saved {args.out}")
    else:
        print("matplotlib is not installed: printed the table only")


if __name__ == "__main__":
    main()
