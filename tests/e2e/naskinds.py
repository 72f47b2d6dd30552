"""Fixture repositories of other kinds: TensorFlow, JAX, a benchmark-table release, a Python 2
DARTS-era repository, a notebook-only repository and a README that runs a missing script."""

from __future__ import annotations

import json
import textwrap

from nasfixtures import compliant_files, readme

Files = dict[str, str]

TF_TRAIN = '''
    """Final training of the found cell with Keras."""
    import argparse

    import numpy as np
    import tensorflow as tf

    from search_space import OPERATIONS, build_model

    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--arch", default="conv3x3-skip-conv3x3")


    def main():
        args = parser.parse_args()
        tf.random.set_seed(args.seed)
        np.random.seed(args.seed)
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
        model = build_model(args.arch.split("-"))
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=args.epochs, validation_split=0.1)
        print(model.evaluate(x_test, y_test))


    if __name__ == "__main__":
        main()
'''

TF_SEARCH = '''
    """Regularized evolution over the cell space (TF 1.x session code)."""
    import argparse
    import random

    import tensorflow as tf

    from search_space import OPERATIONS, build_model

    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--population", type=int, default=20)
    parser.add_argument("--cycles", type=int, default=200)


    def mutate(arch):
        child = list(arch)
        child[random.randrange(len(child))] = random.choice(OPERATIONS)
        return child


    def main():
        args = parser.parse_args()
        tf.compat.v1.set_random_seed(args.seed)
        random.seed(args.seed)
        population = [[random.choice(OPERATIONS) for _ in range(3)] for _ in range(args.population)]
        for cycle in range(args.cycles):
            parent = max(random.sample(population, 5), key=len)
            population.append(mutate(parent))
            population.pop(0)


    if __name__ == "__main__":
        main()
'''

TF_SPACE = '''
    """The cell search space (Keras layers)."""
    import tensorflow as tf

    OPERATIONS = ["conv3x3", "conv1x1", "maxpool3x3", "skip"]


    def build_model(ops):
        inputs = tf.keras.Input((32, 32, 3))
        x = inputs
        for op in ops:
            x = tf.keras.layers.Conv2D(16, 3, padding="same")(x) if op.startswith("conv") else x
        outputs = tf.keras.layers.Dense(10, activation="softmax")(tf.keras.layers.Flatten()(x))
        return tf.keras.Model(inputs, outputs)
'''


def tensorflow_files() -> Files:
    """A TensorFlow/Keras NAS repository (evolution search, Keras final training)."""
    return {
        "train.py": TF_TRAIN,
        "search.py": TF_SEARCH,
        "search_space.py": TF_SPACE,
        "requirements.txt": "tensorflow==2.15.0\nnumpy==1.26.4\n",
    }


JAX_TRAIN = '''
    """Final training of a fixed architecture in JAX."""
    import argparse

    import jax
    import jax.numpy as jnp
    import optax

    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--epochs", type=int, default=30)


    def accuracy(params, x, y):
        return jnp.mean(jnp.argmax(x @ params, axis=-1) == y)


    def evaluate_test(params, x_test, y_test):
        return accuracy(params, x_test, y_test)


    def main():
        args = parser.parse_args()
        key = jax.random.PRNGKey(args.seed)
        params = jax.random.normal(key, (10, 10))
        optimizer = optax.sgd(0.1)
        state = optimizer.init(params)
        for epoch in range(args.epochs):
            grads = jax.grad(lambda p: jnp.sum(p**2))(params)
            updates, state = optimizer.update(grads, state)
            params = optax.apply_updates(params, updates)
        print(evaluate_test(params, jnp.ones((4, 10)), jnp.zeros(4)))


    if __name__ == "__main__":
        main()
'''


def jax_files() -> Files:
    """A JAX final-training script seeded with jax.random.PRNGKey."""
    return {"train.py": JAX_TRAIN, "requirements.txt": "jax==0.4.30\noptax==0.2.2\n"}


BENCH_API = '''
    """API of the tabular benchmark: every cell of the space, trained once, looked up here."""
    import json


    class TinyBenchAPI:
        def __init__(self, path):
            with open(path) as handle:
                self.table = json.load(handle)

        def query_by_index(self, index):
            return self.table[str(index)]

        def query_by_arch(self, arch):
            return next(row for row in self.table.values() if row["arch"] == arch)
'''

BENCH_SPACE = '''
    """The cell space of the benchmark: three edges, one operation each."""
    OPERATIONS = ["none", "skip_connect", "conv_1x1", "conv_3x3"]


    def arch_to_adjacency(arch):
        ops = arch.split("|")
        return [[OPERATIONS.index(op) for op in ops]]
'''

BENCH_QUERY = '''
    """Example: look up a few architectures in the benchmark (no training)."""
    from tinybench.api import TinyBenchAPI

    if __name__ == "__main__":
        api = TinyBenchAPI("tinybench_v1.json")
        for index in range(3):
            print(api.query_by_index(index))
'''

BENCH_README = """
    # TinyBench: a tabular NAS benchmark

    Every architecture of a 64-cell space trained on CIFAR-10, with train/valid/test accuracy,
    as a table (`tinybench_v1.json`) and an API, in the spirit of NAS-Bench-201.

    ## Setup

    ```bash
    pip install -e .
    python examples/query_bench.py
    ```
"""


def benchmark_release_files() -> Files:
    """A NAS-Bench-201-like release: a table, its API package, a README and a query example."""
    table = {str(i): {"arch": f"cell{i}", "test_acc": 90.0 + i / 10} for i in range(3)}
    return {
        "tinybench/__init__.py": "from tinybench.api import TinyBenchAPI\n",
        "tinybench/api.py": BENCH_API,
        "tinybench/space.py": BENCH_SPACE,
        "examples/query_bench.py": BENCH_QUERY,
        "tinybench_v1.json": json.dumps(table, indent=1) + "\n",
        "README.md": BENCH_README,
        "setup.py": (
            "from setuptools import setup\n\n"
            'setup(name="tinybench", version="1.0", packages=["tinybench"],\n'
            '      install_requires=["numpy==1.26.4"])\n'
        ),
    }


PY2_TRAIN = """
    import argparse
    import numpy as np
    import torch
    import torch.backends.cudnn as cudnn

    import genotypes
    from model import NetworkCIFAR as Network

    parser = argparse.ArgumentParser("cifar")
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument('--epochs', type=int, default=600, help='num of training epochs')
    parser.add_argument('--arch', type=str, default='DARTS', help='which architecture to use')
    args = parser.parse_args()


    def main():
        np.random.seed(args.seed)
        torch.manual_seed(args.seed)
        cudnn.benchmark = False
        cudnn.deterministic = True
        print "args = %s" % args
        genotype = eval("genotypes.%s" % args.arch)
        model = Network(36, 10, genotype)
        optimizer = torch.optim.SGD(model.parameters(), 0.025, momentum=0.9)
        for epoch in range(args.epochs):
            for step, (input, target) in enumerate(train_queue):
                input = input.cuda(async=True)
                target = target.cuda(async=True)
                optimizer.zero_grad()
                loss = model(input).sum()
                loss.backward()
                optimizer.step()
            valid_acc = infer(valid_queue, model)
            print "epoch %d valid_acc %f" % (epoch, valid_acc)


    def infer(valid_queue, model):
        model.eval()
        correct = 0
        for step, (input, target) in enumerate(valid_queue):
            logits = model(input.cuda(async=True))
            correct += (logits.argmax(1) == target).sum()
        return correct


    if __name__ == '__main__':
        main()
"""

PY2_GENOTYPES = """
    from collections import namedtuple

    Genotype = namedtuple('Genotype', 'normal normal_concat reduce reduce_concat')

    PRIMITIVES = [
        'none',
        'max_pool_3x3',
        'skip_connect',
        'sep_conv_3x3',
    ]

    DARTS = Genotype(normal=[('sep_conv_3x3', 0)], normal_concat=[2], reduce=[], reduce_concat=[])
"""

PY2_MODEL = """
    import torch.nn as nn


    class NetworkCIFAR(nn.Module):
        def __init__(self, C, num_classes, genotype):
            super(NetworkCIFAR, self).__init__()
            print "building", genotype
            self.classifier = nn.Linear(C, num_classes)
"""


def python2_files() -> Files:
    """A DARTS-era repository in Python 2: print statements and `.cuda(async=True)`."""
    return {"train.py": PY2_TRAIN, "genotypes.py": PY2_GENOTYPES, "model.py": PY2_MODEL}


def _cell(source: str) -> dict[str, object]:
    lines = source.strip("\n").split("\n")
    return {
        "cell_type": "code",
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": [line + "\n" for line in lines[:-1]] + lines[-1:],
    }


def notebook_files() -> Files:
    """A notebook-only repository: the seed is set in a cell of search.ipynb."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Random search on the cell space"]},
        _cell("import random\nimport numpy as np\nimport torch"),
        _cell("SEED = 0\nrandom.seed(SEED)\nnp.random.seed(SEED)\ntorch.manual_seed(SEED)"),
        _cell(
            "PRIMITIVES = ['conv3x3', 'conv1x1', 'skip']\n"
            "archs = [[random.choice(PRIMITIVES) for _ in range(3)] for _ in range(10)]"
        ),
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return {"search.ipynb": json.dumps(notebook, indent=1) + "\n"}


def missing_script_files() -> Files:
    """The compliant repository without train.py, whose README runs train_imagenet.py, which
    the repository does not contain either."""
    files = compliant_files()
    del files["train.py"]
    files["scripts/run_all.sh"] = "".join(
        line
        for line in files["scripts/run_all.sh"].splitlines(keepends=True)
        if "train.py" not in line
    )
    files["README.md"] = readme(
        Setup="""
            ```bash
            pip install -r requirements.txt
            python train_search.py --seed 0
            python train_imagenet.py --arch DARTS --seed 0
            ```
        """
    )
    return files


# A search library in the style of NASLib: no train.py; the runner searches, then the trainer
# retrains the architecture the search returned (`Trainer.evaluate`), seeded from the config.
LIBRARY_UTILS = '''
    """Config and seeding helpers shared by every runner."""
    import argparse
    import random
    from types import SimpleNamespace

    import numpy as np
    import torch
    import yaml


    def get_config():
        parser = argparse.ArgumentParser()
        parser.add_argument("--config-file", default="configs/nas.yaml")
        args = parser.parse_args()
        with open(args.config_file) as fh:
            return SimpleNamespace(**yaml.safe_load(fh))


    def set_seed(seed):
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
'''
LIBRARY_SPACE = '''
    """The cell search space: three edges, each one operation."""
    import random

    import torch.nn as nn

    PRIMITIVES = ["conv3x3", "conv1x1", "skip_connect"]


    class CellSearchSpace(nn.Module):
        def sample_random_architecture(self):
            self.ops = [random.choice(PRIMITIVES) for _ in range(3)]

        def reset_weights(self):
            for layer in self.modules():
                if hasattr(layer, "reset_parameters"):
                    layer.reset_parameters()

        def query(self, metric, dataset_api):
            return dataset_api[tuple(self.ops)][metric]
'''
LIBRARY_OPTIMIZER = '''
    """Random search: sample architectures, keep the best by validation accuracy."""
    import copy


    class RandomSearch:
        def __init__(self, config):
            self.config = config
            self.history = []

        def adapt_search_space(self, search_space):
            self.search_space = search_space

        def new_epoch(self, epoch):
            model = copy.deepcopy(self.search_space)
            model.sample_random_architecture()
            self.history.append(model)

        def get_final_architecture(self):
            return max(self.history, key=lambda m: m.query("valid_acc", self.config.api))
'''
LIBRARY_TRAINER_RETRAIN = '''
    def evaluate(self, retrain=True):
        """Retrain the architecture the search returned, then test it."""
        best_arch = self.optimizer.get_final_architecture()
        if retrain:
            best_arch.reset_weights()
            optim = torch.optim.SGD(best_arch.parameters(), lr=self.config.learning_rate)
            for epoch in range(self.config.epochs):
                for x, y in self.train_queue:
                    optim.zero_grad()
                    F.cross_entropy(best_arch(x), y).backward()
                    optim.step()
        return self.test_accuracy(best_arch)
'''
LIBRARY_TRAINER_QUERY = '''
    def evaluate(self, retrain=False):
        """Look the found architecture up in the benchmark table: nothing is trained."""
        best_arch = self.optimizer.get_final_architecture()
        valid = self.test_accuracy(best_arch)
        return best_arch.query("test_acc", self.config.api), valid
'''
LIBRARY_TRAINER = '''
    """Search, and the final evaluation of the architecture the search found."""
    import torch
    import torch.nn.functional as F


    class Trainer:
        def __init__(self, optimizer, config):
            self.optimizer = optimizer
            self.config = config
            self.train_queue = []
            self.test_queue = []

        def search(self):
            for epoch in range(self.config.search_epochs):
                self.optimizer.new_epoch(epoch)

        def test_accuracy(self, model):
            model.eval()
            correct = 0
            with torch.no_grad():
                for x, y in self.test_queue:
                    correct += (model(x).argmax(1) == y).sum().item()
            return correct
'''
LIBRARY_RUNNER = """
    from nasl import utils
    from nasl.optimizers import RandomSearch
    from nasl.search_space import CellSearchSpace
    from nasl.trainer import Trainer

    config = utils.get_config()
    utils.set_seed(config.seed)
    optimizer = RandomSearch(config)
    optimizer.adapt_search_space(CellSearchSpace())
    trainer = Trainer(optimizer, config)
    trainer.search()
    trainer.evaluate()
"""
LIBRARY_CONFIG = """
    seed: 0
    search_epochs: 100
    epochs: 600
    learning_rate: 0.025
"""


def library_files(retrains: bool = True) -> Files:
    """A NASLib-style library: runners/runner.py searches and calls `trainer.evaluate()`, which
    retrains the found architecture (or, with `retrains=False`, only looks it up in the
    benchmark table and computes its accuracy); runners/explore.py only searches."""
    evaluate = LIBRARY_TRAINER_RETRAIN if retrains else LIBRARY_TRAINER_QUERY
    files = {
        "nasl/__init__.py": "",
        "nasl/utils.py": LIBRARY_UTILS,
        "nasl/search_space.py": LIBRARY_SPACE,
        "nasl/optimizers.py": LIBRARY_OPTIMIZER,
        "nasl/trainer.py": textwrap.dedent(LIBRARY_TRAINER)
        + textwrap.indent(textwrap.dedent(evaluate), "    "),
        "runners/runner.py": LIBRARY_RUNNER,
        "runners/explore.py": LIBRARY_RUNNER.replace("trainer.evaluate()\n", ""),
        "configs/nas.yaml": LIBRARY_CONFIG,
    }
    return {path: textwrap.dedent(text).lstrip("\n") for path, text in files.items()}
