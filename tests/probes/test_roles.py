"""Entry points and roles: a DARTS-like repo, an API-only benchmark release, notebooks, tests."""

from __future__ import annotations

import json
from pathlib import Path

from structural import at, signals, structural_facts

from auditor.facts import Facts, MethodFamily, Role

GENOTYPES = """
    from collections import namedtuple
    Genotype = namedtuple('Genotype', 'normal normal_concat reduce reduce_concat')
    PRIMITIVES = ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3']
    DARTS = Genotype(normal=[('sep_conv_3x3', 0)], normal_concat=[2], reduce=[], reduce_concat=[])
"""
OPERATIONS = """
    import torch.nn as nn
    OPS = {
        'none': lambda C, stride: Zero(stride),
        'skip_connect': lambda C, stride: Identity(),
    }
"""
MODEL_SEARCH = """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.autograd import Variable
    from operations import OPS
    from genotypes import PRIMITIVES, Genotype

    class MixedOp(nn.Module):
        def forward(self, x, weights):
            return sum(w * op(x) for w, op in zip(weights, self._ops))

    class Cell(nn.Module):
        pass

    class Network(nn.Module):
        def _initialize_alphas(self):
            self.alphas_normal = Variable(1e-3 * torch.randn(14, 8).cuda(), requires_grad=True)

        def arch_parameters(self):
            return [self.alphas_normal]

        def genotype(self):
            def _parse(weights):
                return weights
            return Genotype(normal=_parse(F.softmax(self.alphas_normal, dim=-1)))
"""
ARCHITECT = """
    import torch

    class Architect(object):
        def __init__(self, model, args):
            self.optimizer = torch.optim.Adam(model.arch_parameters(), lr=args.arch_learning_rate)

        def step(self, input_valid, target_valid):
            self.optimizer.zero_grad()
            self.optimizer.step()
"""
TRAIN_SEARCH = """
    import argparse
    import numpy as np
    import torch
    import torchvision.datasets as dset
    from model_search import Network
    from architect import Architect

    parser = argparse.ArgumentParser("cifar")
    parser.add_argument('--train_portion', type=float, default=0.5, help='portion of training data')
    args = parser.parse_args()

    def main():
        model = Network()
        optimizer = torch.optim.SGD(model.parameters(), 0.025)
        train_data = dset.CIFAR10(root='../data', train=True, download=True)
        indices = list(range(len(train_data)))
        split = int(np.floor(args.train_portion * len(train_data)))
        sampler = torch.utils.data.sampler.SubsetRandomSampler(indices[:split])
        architect = Architect(model, args)
        for epoch in range(args.epochs):
            genotype = model.genotype()
            logging.info('genotype = %s', genotype)
            train(model, architect, optimizer)
            infer(model)

    def train(model, architect, optimizer):
        architect.step(None, None)
        optimizer.step()

    def infer(valid_queue, model):
        model.eval()
        return utils.accuracy(model(1), 1)

    if __name__ == '__main__':
        main()
"""
TRAIN = """
    import argparse
    import torch
    import torchvision.datasets as dset
    import genotypes
    from model import NetworkCIFAR as Network

    parser = argparse.ArgumentParser("cifar")
    parser.add_argument('--arch', type=str, default='DARTS', help='which architecture to use')
    args = parser.parse_args()

    def main():
        genotype = eval("genotypes.%s" % args.arch)
        model = Network(genotype)
        optimizer = torch.optim.SGD(model.parameters(), 0.025)
        valid_data = dset.CIFAR10(root='../data', train=False, download=True)
        for epoch in range(args.epochs):
            train(model, optimizer)
            infer(model)

    def train(model, optimizer):
        optimizer.step()

    def infer(valid_queue, model):
        model.eval()
        with torch.no_grad():
            return model(1)

    if __name__ == '__main__':
        main()
"""
TEST = """
    import torch
    import genotypes
    from model import NetworkCIFAR as Network

    def main():
        genotype = eval("genotypes.%s" % 'DARTS')
        model = Network(genotype)
        infer(model)

    def infer(test_queue, model):
        model.eval()
        return model(1)

    if __name__ == '__main__':
        main()
"""
MODEL = """
    import torch.nn as nn
    class NetworkCIFAR(nn.Module):
        pass
"""
DARTS_LIKE = {
    "cnn/genotypes.py": GENOTYPES,
    "cnn/operations.py": OPERATIONS,
    "cnn/model_search.py": MODEL_SEARCH,
    "cnn/architect.py": ARCHITECT,
    "cnn/train_search.py": TRAIN_SEARCH,
    "cnn/train.py": TRAIN,
    "cnn/test.py": TEST,
    "cnn/model.py": MODEL,
    "scripts/run_search.sh": "#!/bin/bash\ncd cnn\npython train_search.py --unrolled\n",
    "README.md": "# DARTS\n```\ncd cnn && python train.py --auxiliary --cutout\n```\n",
}


GUARD = "if __name__ == '__main__':\n    "


def roles_of(facts: Facts) -> dict[str, tuple[Role, ...]]:
    return {e.path: e.roles for e in facts.entry_points}


def test_darts_like_roles_keep_search_and_final_training_apart(tmp_path: Path) -> None:
    root, facts = structural_facts(tmp_path, DARTS_LIKE)
    assert roles_of(facts) == {
        "cnn/test.py": (Role.EVALUATION,),
        "cnn/train.py": (Role.FINAL_TRAINING,),
        "cnn/train_search.py": (Role.SEARCH,),
    }
    by_path = {e.path: e for e in facts.entry_points}
    search = by_path["cnn/train_search.py"]
    assert search.line == at(root, "cnn/train_search.py", "__main__")
    assert search.invoked_by == ("scripts/run_search.sh",)
    assert search.uses == (
        "cnn/architect.py",
        "cnn/genotypes.py",
        "cnn/model_search.py",
        "cnn/operations.py",
    )
    assert search.reasons[0] == "name: train_search.py"
    assert any("architect" in r for r in search.reasons)
    assert by_path["cnn/train.py"].invoked_by == ("README.md",)
    assert any("loads a fixed genotype" in r for r in by_path["cnn/train.py"].reasons)


def test_darts_like_invocations_resolve_through_cd(tmp_path: Path) -> None:
    root, facts = structural_facts(tmp_path, DARTS_LIKE)
    got = [(i.path, i.line, i.script, i.resolved, i.flags) for i in facts.script_invocations]
    assert got == [
        ("scripts/run_search.sh", 3, "train_search.py", "cnn/train_search.py", {"--unrolled": ""}),
        (
            "README.md",
            at(root, "README.md", "python train.py"),
            "train.py",
            "cnn/train.py",
            {"--auxiliary": "", "--cutout": ""},
        ),
    ]


def test_darts_like_search_space_method_and_derivation(tmp_path: Path) -> None:
    root, facts = structural_facts(tmp_path, DARTS_LIKE)
    assert sorted((s.path, s.line, s.kind, s.detail) for s in facts.search_space) == sorted(
        [
            (
                "cnn/genotypes.py",
                at(root, "cnn/genotypes.py", "Genotype = "),
                "architecture_encoding",
                "Genotype",
            ),
            (
                "cnn/genotypes.py",
                at(root, "cnn/genotypes.py", "PRIMITIVES = "),
                "operations",
                "PRIMITIVES",
            ),
            ("cnn/operations.py", at(root, "cnn/operations.py", "OPS = "), "operations", "OPS"),
            (
                "cnn/model_search.py",
                at(root, "cnn/model_search.py", "class MixedOp"),
                "architecture_encoding",
                "MixedOp",
            ),
            (
                "cnn/model_search.py",
                at(root, "cnn/model_search.py", "class Cell"),
                "architecture_encoding",
                "Cell",
            ),
        ]
    )
    assert {(m.path, m.line, m.family, m.kind) for m in facts.nas_methods} == {
        (
            "cnn/architect.py",
            at(root, "cnn/architect.py", "class Architect"),
            MethodFamily.GRADIENT_BASED,
            "architect",
        ),
        (
            "cnn/model_search.py",
            at(root, "cnn/model_search.py", "self.alphas_normal = "),
            MethodFamily.GRADIENT_BASED,
            "architecture_parameters",
        ),
        (
            "cnn/model_search.py",
            at(root, "cnn/model_search.py", "def arch_parameters"),
            MethodFamily.GRADIENT_BASED,
            "arch_parameters",
        ),
    }
    assert sorted(signals(facts.estimation_shortcuts)) == [
        ("cnn/model_search.py", at(root, "cnn/model_search.py", "class MixedOp"), "MixedOp"),
        (
            "cnn/train_search.py",
            at(root, "cnn/train_search.py", "'--train_portion'"),
            "--train_portion",
        ),
    ]
    assert sorted((s.path, s.line, s.kind) for s in facts.architecture_derivation) == [
        ("cnn/model_search.py", at(root, "cnn/model_search.py", "def genotype"), "derive_function"),
        ("cnn/model_search.py", at(root, "cnn/model_search.py", "def _parse"), "derive_function"),
        (
            "cnn/train_search.py",
            at(root, "cnn/train_search.py", "logging.info('genotype"),
            "genotype_logged",
        ),
    ]


def test_darts_like_training_evaluation_and_data(tmp_path: Path) -> None:
    root, facts = structural_facts(tmp_path, DARTS_LIKE)
    steps = {(s.path, s.line) for s in facts.training_code if s.kind == "optimizer_step"}
    assert steps == {
        ("cnn/architect.py", at(root, "cnn/architect.py", "self.optimizer.step()")),
        ("cnn/train_search.py", at(root, "cnn/train_search.py", "    optimizer.step()")),
        ("cnn/train.py", at(root, "cnn/train.py", "    optimizer.step()")),
    }
    assert sorted(signals(facts.training_code, "epoch_loop")) == [
        ("cnn/train.py", at(root, "cnn/train.py", "for epoch"), "main"),
        ("cnn/train_search.py", at(root, "cnn/train_search.py", "for epoch"), "main"),
    ]
    assert sorted(signals(facts.evaluation_code)) == [
        ("cnn/test.py", at(root, "cnn/test.py", "def infer"), "test"),
        ("cnn/train.py", at(root, "cnn/train.py", "def infer"), "valid"),
        ("cnn/train_search.py", at(root, "cnn/train_search.py", "def infer"), "valid"),
    ]
    assert sorted((s.path, s.line, s.kind, s.detail) for s in facts.data_code) == sorted(
        [
            (
                "cnn/train.py",
                at(root, "cnn/train.py", "dset.CIFAR10"),
                "dataset",
                "CIFAR10; used by cnn/train.py",
            ),
            (
                "cnn/train_search.py",
                at(root, "cnn/train_search.py", "dset.CIFAR10"),
                "dataset",
                "CIFAR10; used by cnn/train_search.py",
            ),
            (
                "cnn/train_search.py",
                at(root, "cnn/train_search.py", "SubsetRandomSampler"),
                "split",
                "SubsetRandomSampler; used by cnn/train_search.py",
            ),
            (
                "cnn/train_search.py",
                at(root, "cnn/train_search.py", "split = "),
                "split",
                "split; used by cnn/train_search.py",
            ),
        ]
    )


def test_scipy_minimize_fits_a_surrogate_and_is_no_optimizer_step(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "pp_gp.py": """
                import scipy.optimize as spo

                def fit_gp(model, x):
                    return spo.minimize(model.neg_log_like, x, method='L-BFGS-B')
            """,
            "train_tf.py": """
                import tensorflow as tf

                def build(loss):
                    optimizer = tf.train.AdamOptimizer(0.01)
                    return optimizer.minimize(loss)
            """,
        },
    )
    assert signals(facts.training_code, "optimizer_step") == [
        ("train_tf.py", at(root, "train_tf.py", "optimizer.minimize"), "build"),
    ]


def test_shared_data_module_names_every_entry_point_using_it(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "data.py": "import torchvision\n\ndef get_dataset():\n"
            "    return torchvision.datasets.CIFAR10('.')\n",
            "train.py": f"from data import get_dataset\n{GUARD}get_dataset()\n",
            "search.py": f"import data\n{GUARD}data.get_dataset()\n",
        },
    )
    assert sorted((s.line, s.detail) for s in facts.data_code) == [
        (at(root, "data.py", "def get_dataset"), "get_dataset; used by search.py, train.py"),
        (at(root, "data.py", "CIFAR10"), "CIFAR10; used by search.py, train.py"),
    ]


BENCH_API = """
    import pickle

    class NASBench201API(object):
        def __init__(self, file_path):
            self.arch2infos = pickle.load(open(file_path, 'rb'))

        def query_by_index(self, index):
            return self.arch2infos[index]

        def get_more_info(self, index, dataset):
            return self.arch2infos[index][dataset]
"""
BENCH_EXAMPLE = """
    from nas_201_api import NASBench201API as API
    api = API('NAS-Bench-201-v1_0-e61699.pth')
    info = api.query_by_index(123)
    more = api.get_more_info(123, 'cifar10')
"""


def test_benchmark_api_release_has_query_entry_points_only(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "nas_201_api/__init__.py": "from .api import NASBench201API\n",
            "nas_201_api/api.py": BENCH_API,
            "exps/query_example.py": BENCH_EXAMPLE,
            "README.md": "# NAS-Bench-201\nDownload `NAS-Bench-201-v1_0-e61699.pth`.\n",
        },
    )
    assert roles_of(facts) == {"exps/query_example.py": (Role.BENCHMARK_QUERY,)}
    assert not facts.entry_paths(Role.SEARCH) and not facts.entry_paths(Role.FINAL_TRAINING)
    assert not facts.training_code and not facts.nas_methods
    uses = {(b.path, b.line, b.how) for b in facts.benchmarks if b.benchmark == "NAS-Bench-201"}
    assert uses == {
        ("exps/query_example.py", 1, "import"),
        ("nas_201_api/__init__.py", 1, "code"),  # the class name NASBench201API
        ("nas_201_api/api.py", at(root, "nas_201_api/api.py", "class NASBench201API"), "code"),
        ("README.md", 1, "doc"),
    }


def notebook(cells: list[str]) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "metadata": {},
            "cells": [
                {"cell_type": "code", "source": [line + "\n" for line in cell.splitlines()]}
                for cell in cells
            ],
        },
        indent=1,
    )


def test_notebook_only_repo_roles_come_from_code_and_lines_are_ipynb_lines(tmp_path: Path) -> None:
    search_nb = notebook(
        [
            "import torch\nalphas = torch.nn.Parameter(torch.zeros(14, 8))",
            "optimizer = torch.optim.SGD([alphas], 0.1)\n"
            "for epoch in range(10):\n    optimizer.step()",
            "!python prepare.py --seed 0",
        ]
    )
    root, facts = structural_facts(
        tmp_path, {"nas_demo.ipynb": search_nb, "analysis.ipynb": notebook(["x = 1"])}
    )
    assert roles_of(facts) == {"analysis.ipynb": (Role.OTHER,), "nas_demo.ipynb": (Role.SEARCH,)}
    (alpha,) = facts.nas_methods
    assert alpha.line == at(root, "nas_demo.ipynb", "alphas = torch.nn.Parameter")
    (step,) = [s for s in facts.training_code if s.kind == "optimizer_step"]
    assert step.line == at(root, "nas_demo.ipynb", "    optimizer.step()")
    (inv,) = facts.script_invocations
    assert (inv.line, inv.script, inv.resolved) == (
        at(root, "nas_demo.ipynb", "!python prepare.py"),
        "prepare.py",
        None,
    )


def test_pytest_files_are_tests_only_and_scripts_without_guard_are_found(tmp_path: Path) -> None:
    _, facts = structural_facts(
        tmp_path,
        {
            "tests/test_search.py": "import search\n\ndef test_runs():\n    assert search\n",
            "search.py": "def search():\n    return 1\n",
            "runner.py": "from search import search\nsearch()\n",
            "plot_results.py": f"import matplotlib.pyplot as plt\n{GUARD}plt.plot([1])\n",
        },
    )
    assert roles_of(facts) == {
        "plot_results.py": (Role.VISUALIZATION,),
        "runner.py": (Role.OTHER,),
        "tests/test_search.py": (Role.TEST,),
    }


def test_main_guard_of_an_imported_module_does_not_leak_into_its_importers(tmp_path: Path) -> None:
    train = (
        "import torch\nimport genotypes\n\ndef main():\n    for epoch in range(3):\n"
        "        optimizer.step()\n\nif __name__ == '__main__':\n    main()\n"
    )
    _, facts = structural_facts(
        tmp_path,
        {
            "train.py": train,
            "genotypes.py": "X = 1\n",
            "report.py": "import train\nif __name__ == '__main__':\n    print(train.__doc__)\n",
        },
    )
    assert roles_of(facts) == {"report.py": (Role.OTHER,), "train.py": (Role.FINAL_TRAINING,)}


def test_private_smoke_test_scripts_are_tests_not_searches(tmp_path: Path) -> None:
    _, facts = structural_facts(
        tmp_path,
        {
            "cells/_test_module.py": (
                "from controller import Controller\n"
                f"def main():\n    Controller().sample_arch()\n{GUARD}main()\n"
            ),
            "cells/controller.py": "class Controller:\n    def sample_arch(self):\n        pass\n",
        },
    )
    assert roles_of(facts)["cells/_test_module.py"] == (Role.TEST,)


SUPERNET_SEARCH = """
    import torch
    from model_search import Network

    def main():
        model = Network()
        w_optim = torch.optim.SGD(model.parameters(), 0.025)
        for epoch in range(50):
            for x, y in queue:
                w_optim.zero_grad()
                model(x).sum().backward()
                w_optim.step()
            best_arch = model.genotype()
            best_model = model
            best_model.train()

    if __name__ == '__main__':
        main()
"""
TRAINS_DERIVED = """
    import torch
    from model_search import NetworkCIFAR

    def main():
        best_genotype = search()
        model = NetworkCIFAR(36, 10, best_genotype)
        optimizer = torch.optim.SGD(model.parameters(), 0.025)
        for epoch in range(600):
            optimizer.step()

    if __name__ == '__main__':
        main()
"""
TRAINS_BY_NAME = """
    import torch
    from model_search import NetworkCIFAR

    def train_final(genotype):
        net = NetworkCIFAR(16, 10, genotype)
        optimizer = torch.optim.SGD(net.parameters(), 0.025)
        for epoch in range(600):
            optimizer.step()

    if __name__ == '__main__':
        train_final(search())
"""


def test_a_search_loop_that_keeps_its_best_genotype_is_not_final_training(tmp_path: Path) -> None:
    # the supernet is trained and `best_model` aliases it: nothing derived is retrained
    _, facts = structural_facts(
        tmp_path, {"model_search.py": MODEL_SEARCH, "search.py": SUPERNET_SEARCH}
    )
    assert roles_of(facts) == {"search.py": (Role.SEARCH,)}


def test_a_search_script_that_trains_the_derived_genotype_is_also_final_training(
    tmp_path: Path,
) -> None:
    _, facts = structural_facts(
        tmp_path,
        {
            "model_search.py": MODEL_SEARCH,
            "built/search.py": TRAINS_DERIVED,
            "named/search.py": TRAINS_BY_NAME,
        },
    )
    by_path = {e.path: e for e in facts.entry_points}
    assert roles_of(facts) == {
        "built/search.py": (Role.SEARCH, Role.FINAL_TRAINING),
        "named/search.py": (Role.SEARCH, Role.FINAL_TRAINING),
    }
    assert by_path["built/search.py"].reasons[1].startswith("retrains model in main()")
    assert (
        by_path["named/search.py"]
        .reasons[1]
        .startswith("retrains the final architecture in train_final()")
    )


SPLIT_PROVIDER = """
    import torch

    class DataProvider:
        @staticmethod
        def random_sample_valid_set(train_labels, valid_size):
            g = torch.Generator()
            return torch.randperm(len(train_labels), generator=g).tolist()[:valid_size]

    def random_sample_arch(n_layers):
        return [torch.randint(0, 6, (1,)).item() for _ in range(n_layers)]
"""
SPLIT_TRAIN = """
    import torch
    from provider import DataProvider, random_sample_arch

    def main():
        valid = {call}(20)
        optimizer = torch.optim.SGD(model.parameters(), 0.05)
        for epoch in range(300):
            optimizer.step()

    if __name__ == '__main__':
        main()
"""


def test_sampling_a_validation_split_is_not_sampling_architectures(tmp_path: Path) -> None:
    # ProxylessNAS's imagenet_run_exp.py trains the found nets; its data provider samples the
    # validation split with `random_sample_valid_set`
    _, facts = structural_facts(
        tmp_path,
        {
            "provider.py": SPLIT_PROVIDER,
            "run_exp.py": SPLIT_TRAIN.format(call="DataProvider.random_sample_valid_set"),
            "search.py": SPLIT_TRAIN.format(call="random_sample_arch"),
        },
    )
    assert roles_of(facts) == {
        "run_exp.py": (Role.FINAL_TRAINING,),
        "search.py": (Role.SEARCH,),
    }


TF1_MODEL = """
import tensorflow as tf


class Model(object):
    def eval_once(self, sess, eval_set="valid"):
        acc_op = self.valid_acc if eval_set == "valid" else self.test_acc
        total_acc = 0
        for _ in range(10):
            acc = sess.run(acc_op, feed_dict={})
            total_acc += acc
        return total_acc

    def eval_speed(self, sess):
        return sess.run(self.global_step)
"""


def test_a_tensorflow_session_run_of_an_accuracy_tensor_is_evaluation(tmp_path: Path) -> None:
    """ENAS evaluates with `sess.run(acc_op)`; running another tensor evaluates nothing."""
    root, facts = structural_facts(tmp_path, {"src/models.py": TF1_MODEL})
    assert [(s.path, s.line) for s in facts.evaluation_code] == [
        ("src/models.py", at(root, "src/models.py", "def eval_once"))
    ]
