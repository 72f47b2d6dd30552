"""Architecture encoding and the architectures found by the searches.

A cell has nodes 0 (the cell input), 1 and 2 (the cell output) and one operation on each of
the three edges 0->1, 0->2 and 1->2; node j is the sum of its incoming edges. With the four
PRIMITIVES of operations.py the space holds 4**3 = 64 architectures.

The named genotypes below were copied from the `genotype = Genotype(...)` lines of the
search logs (logs/search/, logs/random_search/); `python summarize.py --check` verifies that
they still match the logs.
"""

from collections import namedtuple

Genotype = namedtuple("Genotype", "edges")

EDGES = ((0, 1), (0, 2), (1, 2))
NUM_NODES = 1 + max(j for _, j in EDGES)


def from_ops(ops: tuple[str, ...] | list[str]) -> Genotype:
    """Build a genotype from one operation name per edge (in EDGES order)."""
    if len(ops) != len(EDGES):
        raise ValueError(f"expected {len(EDGES)} operations, got {len(ops)}")
    return Genotype(edges=tuple((op, i, j) for op, (i, j) in zip(ops, EDGES, strict=True)))


def arch_str(genotype: Genotype) -> str:
    """Compact key of a genotype, e.g. 'conv_3x3|skip_connect|conv_5x5' (tabular benchmark)."""
    return "|".join(op for op, _, _ in genotype.edges)


def from_str(key: str) -> Genotype:
    """Inverse of arch_str."""
    return from_ops(key.split("|"))


# A hand-picked reference cell, used only to tune the training learning rate (tune.py).
REFERENCE = from_ops(["conv_3x3", "conv_3x3", "conv_3x3"])


def lookup(name: str) -> Genotype:
    """A named genotype of this module (e.g. DARTS_TINY) or an arch_str key."""
    if "|" in name:
        return from_str(name)
    genotype = globals().get(name)
    if not isinstance(genotype, Genotype):
        raise KeyError(f"no genotype named {name!r} in genotypes.py")
    return genotype


# Found by train_search.py (first-order DARTS) with seeds 0, 1, 2 (logs/search/seed<k>.log).
DARTS_TINY_S0 = Genotype(edges=(("conv_5x5", 0, 1), ("conv_5x5", 0, 2), ("conv_5x5", 1, 2)))
DARTS_TINY_S1 = Genotype(edges=(("conv_5x5", 0, 1), ("conv_5x5", 0, 2), ("conv_5x5", 1, 2)))
DARTS_TINY_S2 = Genotype(edges=(("conv_5x5", 0, 1), ("conv_5x5", 0, 2), ("conv_5x5", 1, 2)))

# Found by random_search.py with seeds 0, 1, 2 (logs/random_search/seed<k>.log).
RANDOM_BEST_S0 = Genotype(edges=(("conv_3x3", 0, 1), ("conv_5x5", 0, 2), ("conv_5x5", 1, 2)))
RANDOM_BEST_S1 = Genotype(edges=(("conv_5x5", 0, 1), ("skip_connect", 0, 2), ("conv_5x5", 1, 2)))
RANDOM_BEST_S2 = Genotype(edges=(("conv_3x3", 0, 1), ("conv_3x3", 0, 2), ("conv_5x5", 1, 2)))

# The architectures of the final evaluation: per method, the best of its three runs by
# validation accuracy in the tabular benchmark (summarize.py implements this rule).
DARTS_TINY = DARTS_TINY_S0
RANDOM_BEST = RANDOM_BEST_S0
