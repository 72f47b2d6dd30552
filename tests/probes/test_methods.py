"""NAS method families and baselines: RL controller, evolution, random search (and near
misses), Bayesian optimisation."""

from __future__ import annotations

from pathlib import Path

from structural import at, signals, structural_facts

from auditor.facts import Facts, MethodFamily, Role

F = MethodFamily

ENAS_CONTROLLER = """
    import torch
    import torch.nn as nn

    class Controller(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTMCell(32, 32)

        def sample(self):
            probs = torch.softmax(self.lstm(x)[0], -1)
            action = torch.distributions.Categorical(probs).sample()
            return action

    def train_controller(controller, rewards, log_probs, baseline):
        loss = -(log_probs * (rewards - baseline)).sum()
        return loss
"""
EVOLUTION = """
    import collections
    import random

    def mutate(arch):
        child = list(arch)
        child[random.randrange(len(child))] = random.choice(OPS)
        return child

    def regularized_evolution(cycles, population_size, sample_size):
        population = collections.deque()
        for _ in range(population_size):
            population.append(random_architecture())
        while len(population) < cycles:
            sample = random.sample(list(population), sample_size)
            parent = max(sample, key=lambda a: a.accuracy)
            population.append(mutate(parent))
            population.popleft()
"""
RANDOM_SEARCH = """
    import random
    from genotypes import PRIMITIVES, EDGES

    def sample_genotype():
        return [random.choice(PRIMITIVES) for _ in EDGES]

    def run(n_samples, evaluate):
        best = None
        for n in range(n_samples):
            genotype = sample_genotype()
            acc = evaluate(genotype)
            if best is None or acc > best[0]:
                best = (acc, genotype)
        return best
"""
CHANNELS = """
    import random

    def sample_width(widths):
        return random.sample(widths, 2)

    def train(steps):
        for step in range(steps):
            width = random.choice([16, 32, 64])
            best = max(width, 0)
"""
ONE_RANDOM = """
    import random
    from genotypes import PRIMITIVES

    def random_genotype():
        return [random.choice(PRIMITIVES) for _ in range(8)]

    def main():
        genotype = random_genotype()
        train(genotype)

    if __name__ == '__main__':
        main()
"""
BO = """
    import numpy as np
    from hpbandster.optimizers import BOHB
    from sklearn.gaussian_process import GaussianProcessRegressor

    def expected_improvement(mu, sigma, best):
        return (mu - best) * sigma

    class Bananas:
        def __init__(self):
            self.gp = GaussianProcessRegressor()
"""


def families(facts: Facts) -> set[tuple[str, MethodFamily, str]]:
    return {(m.path, m.family, m.kind) for m in facts.nas_methods}


def test_rl_controller_and_policy_gradient(tmp_path: Path) -> None:
    root, facts = structural_facts(tmp_path, {"controller.py": ENAS_CONTROLLER})
    assert {(m.line, m.family, m.kind) for m in facts.nas_methods} == {
        (at(root, "controller.py", "class Controller"), F.REINFORCEMENT_LEARNING, "controller"),
        (
            at(root, "controller.py", "log_probs * (rewards"),
            F.REINFORCEMENT_LEARNING,
            "policy_gradient",
        ),
    }
    assert not facts.baselines


def test_regularized_evolution_is_evolution_not_random_search(tmp_path: Path) -> None:
    root, facts = structural_facts(tmp_path, {"evolution.py": EVOLUTION})
    assert {(m.line, m.family, m.kind) for m in facts.nas_methods} == {
        (at(root, "evolution.py", "def mutate"), F.EVOLUTION, "mutation"),
        (at(root, "evolution.py", "def regularized_evolution"), F.EVOLUTION, "evolution"),
    }
    assert not facts.baselines


def test_random_search_loop_is_a_baseline_and_a_method(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "random_search.py": RANDOM_SEARCH,
            "genotypes.py": "PRIMITIVES = ['conv', 'skip']\nEDGES = range(4)\n",
        },
    )
    line = at(root, "random_search.py", "genotype = sample_genotype()")
    assert signals(facts.baselines) == [
        ("random_search.py", line, "run samples with sample_genotype"),
        ("random_search.py", None, "file random_search.py"),
    ]
    assert families(facts) == {("random_search.py", F.RANDOM_SEARCH, "random_search_loop")}
    assert {e.path: e.roles for e in facts.entry_points} == {}


def test_random_channel_sampling_is_not_random_search(tmp_path: Path) -> None:
    _, facts = structural_facts(tmp_path, {"slimmable.py": CHANNELS})
    assert not facts.baselines and not facts.nas_methods


def test_one_random_architecture_is_its_own_kind(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "train_random.py": ONE_RANDOM,
            "genotypes.py": "PRIMITIVES = ['conv', 'skip']\n",
        },
    )
    assert signals(facts.baselines) == [
        (
            "train_random.py",
            at(root, "train_random.py", "genotype = random_genotype()"),
            "main: random_genotype",
        ),
    ]
    assert [b.kind for b in facts.baselines] == ["random_architecture"]
    assert not families(facts)


def test_doc_table_row_names_a_random_search_baseline(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "README.md": "| Method | Error |\n|---|---|\n| DARTS | 3.0 |\n| Random search | 3 |\n",
        },
    )
    assert signals(facts.baselines) == [
        ("README.md", at(root, "README.md", "Random search"), "table row"),
    ]


def test_bayesian_optimization_signals(tmp_path: Path) -> None:
    root, facts = structural_facts(tmp_path, {"bo.py": BO})
    assert {(m.line, m.family, m.kind) for m in facts.nas_methods} == {
        (at(root, "bo.py", "from hpbandster"), F.BAYESIAN_OPTIMIZATION, "import"),
        (at(root, "bo.py", "def expected_improvement"), F.BAYESIAN_OPTIMIZATION, "named_method"),
        (at(root, "bo.py", "class Bananas"), F.BAYESIAN_OPTIMIZATION, "named_method"),
        (at(root, "bo.py", "self.gp = "), F.BAYESIAN_OPTIMIZATION, "gaussian_process"),
    }
    assert signals(facts.estimation_shortcuts) == [
        ("bo.py", at(root, "bo.py", "from hpbandster"), "hpbandster.optimizers"),
    ]


def test_nni_strategies_and_search_space_choices(tmp_path: Path) -> None:
    code = """
        import nni.retiarii.nn.pytorch as nn
        import nni.retiarii.strategy as strategy

        class Net(nn.Module):
            def __init__(self):
                self.conv = nn.LayerChoice([nn.Conv2d(3, 3, 3), nn.Conv2d(3, 3, 5)])

        if __name__ == '__main__':
            search_strategy = strategy.RegularizedEvolution()
    """
    root, facts = structural_facts(tmp_path, {"nni_search.py": code})
    assert signals(facts.search_space) == [
        ("nni_search.py", at(root, "nni_search.py", "nn.LayerChoice"), "LayerChoice"),
    ]
    assert {(m.line, m.family, m.kind) for m in facts.nas_methods} == {
        (at(root, "nni_search.py", "strategy.RegularizedEvolution()"), F.EVOLUTION, "strategy"),
    }
    assert facts.entry_points[0].roles == (Role.SEARCH,)


def test_gumbel_and_derivation_by_argmax_and_saving_the_best_architecture(tmp_path: Path) -> None:
    code = """
        import json
        import torch
        import torch.nn.functional as F

        def forward(alphas, tau):
            return F.gumbel_softmax(alphas, tau=tau, hard=True)

        def finish(model, best_genotype):
            ops = torch.argmax(model.alphas, dim=-1)
            json.dump({'genotype': str(best_genotype)}, open('best_arch.json', 'w'))
            return ops
    """
    root, facts = structural_facts(tmp_path, {"gdas.py": code})
    assert {(m.line, m.family, m.kind) for m in facts.nas_methods} == {
        (at(root, "gdas.py", "gumbel_softmax"), F.GRADIENT_BASED, "gumbel_softmax"),
    }
    assert [(s.line, s.kind) for s in facts.architecture_derivation] == [
        (at(root, "gdas.py", "torch.argmax"), "argmax"),
        (at(root, "gdas.py", "json.dump"), "best_saved"),
    ]
