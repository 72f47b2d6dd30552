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


def test_sampling_a_validation_split_is_no_random_architecture(tmp_path: Path) -> None:
    code = """
        import random

        def random_sample_valid_set(labels, size):
            return random.sample(range(len(labels)), size)

        def main():
            valid = random_sample_valid_set(labels, 5000)
    """
    _, facts = structural_facts(tmp_path, {"data_provider.py": code})
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


NB101_SEARCH = """
    import numpy as np

    ALLOWED_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3']

    def {sampler}():
        matrix = np.random.choice([0, 1], size=(7, 7))
        ops = np.random.choice({ops}, size=7).tolist()
        return api.ModelSpec(matrix=matrix, ops=ops)

    def {search}(budget):
        best_valids = [0.0]
        while True:
            spec = {sampler}()
            data = nasbench.query(spec)
            best_valids.append(max(best_valids[-1], data['validation_accuracy']))
            if len(best_valids) > budget:
                return best_valids
"""


def nb101(sampler: str, ops: str, search: str) -> str:
    return NB101_SEARCH.format(sampler=sampler, ops=ops, search=search)


def test_random_search_named_after_a_verb_is_a_baseline(tmp_path: Path) -> None:
    # NAS-Bench-101's notebook: `run_random_search` (sampler not recognised by name or ops)
    code = nb101("draw", "CHOICES", "run_random_search")
    root, facts = structural_facts(tmp_path, {"demo.py": code})
    line = at(root, "demo.py", "def run_random_search")
    assert signals(facts.baselines) == [("demo.py", line, "run_random_search")]
    assert families(facts) == {("demo.py", F.RANDOM_SEARCH, "random_search")}


def test_random_spec_and_allowed_ops_sample_architectures(tmp_path: Path) -> None:
    by_name = nb101("random_spec", "CHOICES", "search")
    by_ops = nb101("draw", "ALLOWED_OPS", "search")
    root, facts = structural_facts(tmp_path, {"by_name.py": by_name, "by_ops.py": by_ops})
    assert signals(facts.baselines) == [
        (
            "by_name.py",
            at(root, "by_name.py", "spec = random_spec()"),
            "search samples with random_spec",
        ),
        ("by_ops.py", at(root, "by_ops.py", "spec = draw()"), "search samples with draw"),
    ]


def test_a_fixed_one_hot_mask_is_no_architecture_parameter(tmp_path: Path) -> None:
    # Li & Talwalkar's random search sets DARTS's alphas to a sampled one-hot, without gradients
    code = """
        import torch
        from torch.autograd import Variable

        class Wrapper:
            def weights_from_arch(self, k, n):
                alphas_normal = Variable(torch.zeros(k, n).cuda(), requires_grad=False)
                return alphas_normal

        class Network:
            def _initialize_alphas(self, k, n):
                self.alphas_reduce = Variable(1e-3 * torch.randn(k, n).cuda(), requires_grad=True)
    """
    root, facts = structural_facts(tmp_path, {"model_search.py": code})
    assert {(m.line, m.kind, m.detail) for m in facts.nas_methods} == {
        (
            at(root, "model_search.py", "self.alphas_reduce ="),
            "architecture_parameters",
            "self.alphas_reduce",
        ),
    }
