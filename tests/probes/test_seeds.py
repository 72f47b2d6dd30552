"""Seeding and determinism probe: seed calls, their sources and reach, problems, settings."""

from __future__ import annotations

import json
from pathlib import Path

from builders import lines_of, make_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.facts import (
    DeterminismSetting,
    EntryPoint,
    Facts,
    Role,
    SeedCall,
    SeedProblemKind,
    SeedSourceKind,
)
from auditor.inventory import build_inventory
from auditor.probes import seeds
from auditor.repo import Repo
from auditor.target import open_target


def probe(root: Path, entries: tuple[str, ...] = ()) -> Facts:
    """Run only the seeds probe; `entries` stands in for the roles probe."""
    snapshot = open_target(str(root))
    facts = Facts()
    facts.entry_points = [EntryPoint(path=p, roles=(Role.OTHER,)) for p in entries]
    seeds.run(Repo(snapshot, build_inventory(snapshot)), facts)
    return facts


def line(root: Path, path: str, needle: str) -> int:
    (found,) = lines_of(root, path, needle)
    return found


def calls(facts: Facts, path: str | None = None) -> list[tuple[int | None, str, str]]:
    return [(c.line, c.call, c.library) for c in facts.seed_calls if path in (None, c.path)]


def call_at(facts: Facts, path: str, at: int) -> SeedCall:
    (found,) = [c for c in facts.seed_calls if c.path == path and c.line == at]
    return found


def problems(facts: Facts) -> list[tuple[str, int | None, SeedProblemKind]]:
    return [(p.path, p.line, p.kind) for p in facts.seed_problems]


def settings_of(facts: Facts) -> list[tuple[str, int | None, str, str]]:
    return [(d.path, d.line, d.setting, d.value) for d in facts.determinism]


DARTS_TRAIN = """
    import argparse
    import numpy as np
    import torch
    import torch.backends.cudnn as cudnn

    parser = argparse.ArgumentParser("cifar")
    parser.add_argument('--seed', type=int, default=2, help='random seed')
    args = parser.parse_args()


    def main():
        np.random.seed(args.seed)
        torch.cuda.set_device(0)
        cudnn.benchmark = True
        torch.manual_seed(args.seed)
        cudnn.enabled = True
        torch.cuda.manual_seed(args.seed)


    if __name__ == '__main__':
        main()
"""


def test_darts_like_seeds_flag_default_and_benchmark(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"train.py": DARTS_TRAIN})
    facts = probe(root)
    at = lambda needle: line(root, "train.py", needle)  # noqa: E731
    assert calls(facts) == [
        (at("np.random.seed"), "numpy.random.seed", "numpy"),
        (at("torch.manual_seed"), "torch.manual_seed", "torch"),
        (at("torch.cuda.manual_seed"), "torch.cuda.manual_seed", "torch.cuda"),
    ]
    for call in facts.seed_calls:
        assert call.source.kind is SeedSourceKind.CLI_FLAG
        assert (call.source.detail, call.source.default) == ("--seed", "2")
        assert (call.function, call.reachable_from, call.effective) == ("main", ("train.py",), True)
        assert call.snippet and "args.seed" in call.snippet
    assert problems(facts) == [
        ("train.py", at("cudnn.benchmark"), SeedProblemKind.BENCHMARK_AFTER_SEED)
    ]
    assert settings_of(facts) == [("train.py", at("cudnn.benchmark"), "cudnn.benchmark", "True")]


UTILS = """
    import random
    import numpy as np
    import torch


    def set_seed(seed):
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
"""
TRAIN_WITH_HELPER = """
    import argparse
    import utils

    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)


    def main(args):
        utils.set_seed(args.seed)
        print("training")


    if __name__ == "__main__":
        main(parser.parse_args())
"""


def test_helper_call_and_inner_calls_inherit_the_callers_source(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"utils.py": UTILS, "train.py": TRAIN_WITH_HELPER})
    facts = probe(root)
    helper = call_at(facts, "train.py", line(root, "train.py", "utils.set_seed("))
    assert (helper.call, helper.library, helper.function, helper.via) == (
        "utils.set_seed",
        "helper",
        "main",
        (),
    )
    assert (helper.source.kind, helper.source.detail, helper.source.default) == (
        SeedSourceKind.CLI_FLAG,
        "--seed",
        "0",
    )
    assert helper.reachable_from == ("train.py",) and helper.effective
    inner = [c for c in facts.seed_calls if c.path == "utils.py"]
    assert [(c.line, c.call) for c in inner] == [
        (line(root, "utils.py", " random.seed"), "random.seed"),
        (line(root, "utils.py", "np.random.seed"), "numpy.random.seed"),
        (line(root, "utils.py", "torch.manual_seed"), "torch.manual_seed"),
    ]
    for call in inner:
        assert (call.via, call.function, call.reachable_from) == (
            ("utils.set_seed",),
            "set_seed",
            ("train.py",),
        )
        assert (call.source.kind, call.source.detail) == (SeedSourceKind.CLI_FLAG, "--seed")
    assert facts.seed_problems == []


def test_a_constructor_seed_is_bound_where_the_class_is_created(tmp_path: Path) -> None:
    """NAS-Bench-101's API seeds with its `seed=None` parameter: creating it without a seed
    seeds with None (random), with one passes it on."""
    api = """
        import random

        class NASBench(object):
            def __init__(self, dataset_file, seed=None):
                random.seed(seed)
    """
    files = {
        "api.py": api,
        "query.py": "from api import NASBench\n\nnb = NASBench('nb.tfrecord')\n",
        "seeded.py": "from api import NASBench\n\nnb = NASBench('nb.tfrecord', seed=7)\n",
    }
    root = make_repo(tmp_path, files)
    unseeded = probe(root, ("query.py",)).seed_calls[0]
    assert (unseeded.source.kind, unseeded.source.detail) == (SeedSourceKind.NONE, "None")
    seeded = probe(root, ("seeded.py",)).seed_calls[0]
    assert (seeded.source.kind, seeded.source.detail) == (SeedSourceKind.LITERAL, "7")


def test_helpers_through_from_imports_packages_defaults_and_chains(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "nas/__init__.py": "from .seeding import seed_all\n",
            "nas/seeding.py": """
            import torch
            from .rng import fix_numpy

            def seed_all(seed=7):
                fix_numpy(seed)
                torch.manual_seed(seed)
        """,
            "nas/rng.py": "import numpy as np\n\ndef fix_numpy(s):\n    np.random.seed(s)\n",
            "search.py": "from nas import seed_all\n\nif __name__ == '__main__':\n    seed_all()\n",
        },
    )
    facts = probe(root)
    top = call_at(facts, "search.py", 4)
    assert (top.call, top.source.kind, top.source.detail) == (
        "nas.seed_all",
        SeedSourceKind.LITERAL,
        "7",
    )
    numpy_call = call_at(facts, "nas/rng.py", 4)
    assert numpy_call.via == ("nas.seed_all", "nas.rng.fix_numpy")
    assert (numpy_call.source.kind, numpy_call.source.detail) == (SeedSourceKind.LITERAL, "7")
    assert numpy_call.reachable_from == ("search.py",)
    nested = call_at(facts, "nas/seeding.py", line(root, "nas/seeding.py", "fix_numpy(seed)"))
    assert (nested.library, nested.via) == ("helper", ("nas.seed_all",))


def test_recursive_helpers_do_not_loop(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "run.py": """
        import random

        def seed_a(n):
            seed_b(n)
            random.seed(n)

        def seed_b(n):
            if n:
                seed_a(n - 1)

        if __name__ == "__main__":
            seed_a(3)
    """
        },
    )
    facts = probe(root)
    inner = call_at(facts, "run.py", line(root, "run.py", "random.seed(n)"))
    assert inner.reachable_from == ("run.py",)
    assert call_at(facts, "run.py", line(root, "run.py", "seed_a(3)")).source.detail == "3"


def test_unused_seed_flag_and_conservative_uses(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "train.py": """
            import argparse
            parser = argparse.ArgumentParser()
            parser.add_argument("--seed", type=int, default=1)
            parser.add_argument("--data_seed", type=int, default=1)
            parser.add_argument("--lr", type=float, default=0.1)
            args = parser.parse_args()
            print(args.lr)
        """,
            "search.py": """
            import argparse
            p = argparse.ArgumentParser()
            p.add_argument("--rng-seed", dest="search_seed", type=int)
            run(**vars(p.parse_args()))
        """,
            "other.py": "def f(a):\n    return getattr(a, 'data_seed')\n",
        },
    )
    facts = probe(root)
    assert problems(facts) == [
        ("train.py", line(root, "train.py", '"--seed"'), SeedProblemKind.UNUSED_SEED_FLAG)
    ]
    assert "--seed" in facts.seed_problems[0].message


def test_seeding_only_in_a_module_no_entry_point_reaches(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "prepare_data.py": "import numpy as np\n\ndef split(x):\n    np.random.seed(0)\n",
            "train.py": "import model\n\nif __name__ == '__main__':\n    model.fit()\n",
            "model.py": "def fit():\n    return 1\n",
        },
    )
    facts = probe(root)
    (call,) = facts.seed_calls
    assert (call.path, call.line, call.reachable_from) == ("prepare_data.py", 4, ())
    assert (call.effective, call.problems) == (False, ("unreachable",))
    assert problems(facts) == [("prepare_data.py", 4, SeedProblemKind.UNREACHABLE)]


def test_no_entry_point_means_no_unreachable_verdict(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"lib.py": "import torch\n\ndef f():\n    torch.manual_seed(0)\n"})
    facts = probe(root)
    assert [c.effective for c in facts.seed_calls] == [True]
    assert facts.seed_problems == []


def test_prefilled_entry_points_are_used(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "train.py": "import torch\nif __name__ == '__main__':\n    torch.manual_seed(0)\n",
            "tools/plot.py": "import torch\nif __name__ == '__main__':\n    torch.manual_seed(1)\n",
        },
    )
    facts = probe(root, entries=("train.py",))
    assert [(c.path, c.reachable_from, c.problems) for c in facts.seed_calls] == [
        ("tools/plot.py", (), ("unreachable",)),
        ("train.py", ("train.py",), ()),
    ]


def test_docstring_and_dead_code_seeds_are_not_effective(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "train.py": '''
        """Train a network.

        Reproduce with np.random.seed(0) before calling main.
        """
        import numpy as np
        import torch

        def seed_torch():
            torch.manual_seed(3)

        def main():
            if False:
                torch.manual_seed(1)
                seed_torch()
            return 0
            np.random.seed(2)

        if __name__ == "__main__":
            main()
    '''
        },
    )
    facts = probe(root)
    doc, dead_if, dead_return = (
        line(root, "train.py", "Reproduce"),
        line(root, "train.py", "manual_seed(1)"),
        line(root, "train.py", "seed(2)"),
    )
    dead_helper, never_run = (
        line(root, "train.py", "    seed_torch()"),
        line(root, "train.py", "(3)"),
    )
    dead, gone = ("dead_code",), ("unreachable",)
    assert [(c.line, c.call, c.problems, c.effective) for c in facts.seed_calls] == [
        (doc, "numpy.random.seed", ("in_docstring",), False),
        (never_run, "torch.manual_seed", gone, False),
        (dead_if, "torch.manual_seed", dead, False),
        (dead_helper, "seed_torch", dead, False),
        (dead_return, "numpy.random.seed", dead, False),
    ]
    assert call_at(facts, "train.py", doc).source.detail == "0"
    assert problems(facts) == [
        ("train.py", doc, SeedProblemKind.IN_DOCSTRING),
        ("train.py", never_run, SeedProblemKind.UNREACHABLE),
        ("train.py", dead_if, SeedProblemKind.DEAD_CODE),
        ("train.py", dead_helper, SeedProblemKind.DEAD_CODE),
        ("train.py", dead_return, SeedProblemKind.DEAD_CODE),
    ]


LOADERS = """
    import random
    import numpy as np
    import torch
    from torch.utils.data import DataLoader

    def seed_worker(worker_id):
        np.random.seed(torch.initial_seed() % 2**32)

    def loaders(ds):
        g = torch.Generator()
        g.manual_seed(0)
        good = DataLoader(ds, worker_init_fn=seed_worker, generator=g)
        bad = DataLoader(ds, shuffle=True,
                         worker_init_fn=np.random.seed(0))
        return good, bad
"""


def test_worker_init_fn_called_and_loader_settings(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"data.py": LOADERS})
    facts = probe(root)
    at = lambda needle: line(root, "data.py", needle)  # noqa: E731
    assert problems(facts) == [
        ("data.py", at("worker_init_fn=np"), SeedProblemKind.WORKER_INIT_FN_CALLED)
    ]
    assert settings_of(facts) == [
        ("data.py", at("good ="), "worker_init_fn", "seed_worker"),
        ("data.py", at("good ="), "generator", "g"),
        ("data.py", at("worker_init_fn=np"), "worker_init_fn", "np.random.seed(0)"),
    ]
    generator = call_at(facts, "data.py", at("g.manual_seed"))
    assert (generator.call, generator.source.detail) == ("torch.Generator.manual_seed", "0")


def test_seed_from_time_none_and_env(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "run.py": """
        import os
        import random
        import time
        import numpy as np
        import torch

        np.random.seed(int(time.time()))
        np.random.seed()
        random.seed(None)
        torch.manual_seed(int(os.environ["SEED"]))
        torch.cuda.manual_seed_all(os.getenv("CUDA_SEED", "0"))
        random.seed(random.randint(0, 100))
    """
        },
    )
    facts = probe(root)
    kinds = [(c.line, c.source.kind, c.source.detail, c.problems) for c in facts.seed_calls]
    at = lambda needle: line(root, "run.py", needle)  # noqa: E731
    assert kinds == [
        (at("time.time"), SeedSourceKind.TIME, "int(time.time())", ("seed_from_time",)),
        (at("np.random.seed()"), SeedSourceKind.NONE, None, ("seed_none",)),
        (at("random.seed(None)"), SeedSourceKind.NONE, "None", ("seed_none",)),
        (at('SEED"]'), SeedSourceKind.ENV, "SEED", ()),
        (at("CUDA_SEED"), SeedSourceKind.ENV, "CUDA_SEED", ()),
        (at("randint"), SeedSourceKind.TIME, "random.randint(0, 100)", ("seed_from_time",)),
    ]
    assert [p.kind for p in facts.seed_problems] == [
        SeedProblemKind.SEED_FROM_TIME,
        SeedProblemKind.SEED_NONE,
        SeedProblemKind.SEED_NONE,
        SeedProblemKind.SEED_FROM_TIME,
    ]


def test_tensorflow_jax_lightning_sklearn_transformers(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "tf1.py": "import tensorflow as tf\n"
            "tf.set_random_seed(1)\ntf.compat.v1.set_random_seed(2)\n",
            "tf2.py": """
            import os
            import tensorflow as tf
            os.environ["TF_DETERMINISTIC_OPS"] = "1"
            tf.random.set_seed(3)
            tf.keras.utils.set_random_seed(4)
            tf.config.experimental.enable_op_determinism()
        """,
            "jx.py": "import jax\nfrom jax import random\n"
            "k = jax.random.PRNGKey(0)\nk2 = random.key(5)\n",
            "pl.py": "import pytorch_lightning as pl\n"
            "from lightning.pytorch import seed_everything\n"
            "pl.seed_everything(42)\nseed_everything(43, workers=True)\n",
            "sk.py": """
            from sklearn.model_selection import train_test_split
            from sklearn.ensemble import RandomForestClassifier
            a, b = train_test_split([1, 2], random_state=0)
            clf = RandomForestClassifier(n_estimators=10)
        """,
            "hf.py": "import transformers\ntransformers.set_seed(11)\n",
        },
    )
    facts = probe(root)
    assert calls(facts) == [
        (2, "transformers.set_seed", "transformers"),
        (3, "jax.random.PRNGKey", "jax"),
        (4, "jax.random.key", "jax"),
        (3, "pytorch_lightning.seed_everything", "lightning"),
        (4, "lightning.pytorch.seed_everything", "lightning"),
        (3, "sklearn.model_selection.train_test_split", "sklearn"),
        (2, "tensorflow.set_random_seed", "tensorflow"),
        (3, "tensorflow.compat.v1.set_random_seed", "tensorflow"),
        (4, "tensorflow.random.set_seed", "tensorflow"),
        (5, "tensorflow.keras.utils.set_random_seed", "tensorflow"),
    ]
    assert [c.source.detail for c in facts.seed_calls] == [
        "11",
        "0",
        "5",
        "42",
        "43",
        "0",
        "1",
        "2",
        "3",
        "4",
    ]
    assert settings_of(facts) == [
        ("tf2.py", 3, "TF_DETERMINISTIC_OPS", "1"),
        ("tf2.py", 6, "tf.config.experimental.enable_op_determinism", "True"),
    ]


def test_python2_and_token_fallback_files_still_yield_seeds(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "old.py": """
            import numpy as np
            import torch
            print "starting"
            np.random.seed(args.seed)
            torch.manual_seed(args.seed)
            x = y.cuda(async=True)
            if __name__ == "__main__":
                print "done"
        """,
            "broken.py": "import torch\n"
            "torch.manual_seed(opt.seed)\ndef f(:\n  torch.cuda.manual_seed(3)\n",
        },
    )
    facts = probe(root)
    assert calls(facts, "old.py") == [
        (4, "numpy.random.seed", "numpy"),
        (5, "torch.manual_seed", "torch"),
    ]
    assert calls(facts, "broken.py") == [
        (2, "torch.manual_seed", "torch"),
        (4, "torch.cuda.manual_seed", "torch.cuda"),
    ]
    details = [(c.source.kind, c.source.detail) for c in facts.seed_calls]
    assert details == [
        (SeedSourceKind.CLI_FLAG, "--seed"),
        (SeedSourceKind.LITERAL, "3"),
        (SeedSourceKind.CLI_FLAG, "--seed"),
        (SeedSourceKind.CLI_FLAG, "--seed"),
    ]


def test_notebook_lines_are_lines_of_the_ipynb(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# Search\n"]},
            {"cell_type": "code", "source": ["import numpy as np\n", "import torch\n"]},
            {"cell_type": "code", "source": ["np.random.seed(0)\n", "torch.manual_seed(0)"]},
            {
                "cell_type": "code",
                "source": ["%env PYTHONHASHSEED=0\n", "!CUBLAS_WORKSPACE_CONFIG=:16:8 ls"],
            },
        ],
        "nbformat": 4,
    }
    root = make_repo(tmp_path, {"search.ipynb": json.dumps(notebook, indent=1)})
    facts = probe(root)
    assert calls(facts) == [
        (line(root, "search.ipynb", "np.random.seed"), "numpy.random.seed", "numpy"),
        (line(root, "search.ipynb", "torch.manual_seed"), "torch.manual_seed", "torch"),
    ]
    assert facts.seed_calls[0].reachable_from == ("search.ipynb",)
    assert settings_of(facts) == [
        ("search.ipynb", line(root, "search.ipynb", "%env"), "PYTHONHASHSEED", "0"),
        ("search.ipynb", line(root, "search.ipynb", "!CUBLAS"), "CUBLAS_WORKSPACE_CONFIG", ":16:8"),
    ]


def test_environment_variables_in_scripts_makefiles_and_python(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "run.sh": """
            #!/bin/bash
            # export PYTHONHASHSEED=1
            export PYTHONHASHSEED=0
            CUBLAS_WORKSPACE_CONFIG=:4096:8 python train.py --seed $PYTHONHASHSEED
        """,
            "Makefile": "train:\n\tPYTHONHASHSEED=3 python train.py\n",
            "train.py": """
            import os
            import torch
            os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":16:8"
            os.environ.setdefault("PYTHONHASHSEED", str(0))
            torch.use_deterministic_algorithms(True)
            torch.backends.cudnn.deterministic = True
            torch.backends.cudnn.benchmark = False
        """,
        },
    )
    facts = probe(root)
    assert settings_of(facts) == [
        ("Makefile", 2, "PYTHONHASHSEED", "3"),
        ("run.sh", 3, "PYTHONHASHSEED", "0"),
        ("run.sh", 4, "CUBLAS_WORKSPACE_CONFIG", ":4096:8"),
        ("train.py", 3, "CUBLAS_WORKSPACE_CONFIG", ":16:8"),
        ("train.py", 4, "PYTHONHASHSEED", "str(0)"),
        ("train.py", 5, "use_deterministic_algorithms", "True"),
        ("train.py", 6, "cudnn.deterministic", "True"),
        ("train.py", 7, "cudnn.benchmark", "False"),
    ]
    assert all(isinstance(d, DeterminismSetting) and d.snippet for d in facts.determinism)


def test_config_key_seeds(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "train.py": """
        import yaml
        import numpy as np
        import torch
        from omegaconf import OmegaConf

        with open("cfg.yaml") as f:
            cfg = yaml.safe_load(f)
        np.random.seed(cfg["seed"])
        conf = OmegaConf.load("c.yaml")
        torch.manual_seed(conf.train.seed)
        seed = cfg["search"]["seed"]
        torch.cuda.manual_seed(seed)
    """
        },
    )
    facts = probe(root)
    assert [(c.source.kind, c.source.detail) for c in facts.seed_calls] == [
        (SeedSourceKind.CONFIG_KEY, "seed"),
        (SeedSourceKind.CONFIG_KEY, "train.seed"),
        (SeedSourceKind.CONFIG_KEY, "search.seed"),
    ]


def test_benchmark_in_a_helper_of_a_seeding_entry_point(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "env.py": "import torch\n\ndef setup():\n    torch.backends.cudnn.benchmark = True\n",
            "train.py": "import torch\nimport env\n\nif __name__ == '__main__':\n"
            "    torch.manual_seed(0)\n    env.setup()\n",
            "viz.py": "import torch\n\ndef fast():\n    torch.backends.cudnn.benchmark = True\n",
        },
    )
    facts = probe(root)
    assert problems(facts) == [("env.py", 4, SeedProblemKind.BENCHMARK_AFTER_SEED)]
    assert "train.py" in facts.seed_problems[0].message


def test_near_misses_are_not_seeds(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "train.py": """
        import random
        import numpy as np

        class Rng:
            seed_value = 0

        def seed_model(model):
            model.init_weights()

        rng = Rng()
        rng.seed_value = 3
        x = random.choice([1, 2])
        y = np.random.rand(3)
        seed_model(object())
        model.seed(4)
        print("np.random.seed(0)")

        if __name__ == "__main__":
            print(x, y)
    """
        },
    )
    facts = probe(root)
    assert facts.seed_calls == [] and facts.seed_problems == [] and facts.determinism == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.sampled_from(list("np.random.seed(args)\n torch:=#'\"if False{}[]0")),
        max_size=200,
    )
)
def test_never_raises_on_arbitrary_code(tmp_path: Path, source: str) -> None:
    (tmp_path / "x.py").write_text(source, encoding="utf-8")
    facts = probe(tmp_path)
    assert all(c.path == "x.py" for c in facts.seed_calls)


def test_more_flag_styles_and_wrapped_sources(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "a.py": """
                import argparse
                import numpy as np
                from absl import flags
                flags.DEFINE_integer("seed", 5, "random seed")
                FLAGS = flags.FLAGS
                p = argparse.ArgumentParser()
                p.add_argument("--random-seed", type=int, default=123)
                args, _ = p.parse_known_args()
                np.random.seed(FLAGS.seed)
                np.random.seed(getattr(args, "random_seed"))
                np.random.seed(vars(args)["random_seed"] + 1)
                rng = np.random.Generator(np.random.PCG64(args.random_seed))
            """,
        },
    )
    facts = probe(root)
    sources = [(c.call, c.source.kind, c.source.detail, c.source.default) for c in facts.seed_calls]
    flag = SeedSourceKind.CLI_FLAG
    assert sources == [
        ("numpy.random.seed", flag, "--seed", "5"),
        ("numpy.random.seed", flag, "--random-seed", "123"),
        ("numpy.random.seed", flag, "--random-seed", "123"),
        ("numpy.random.PCG64", flag, "--random-seed", "123"),
    ]


def test_each_helper_call_site_keeps_its_own_source(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "run.py": """
                import random
                from torch.utils.data import DataLoader

                def set_seed(seed=None):
                    random.seed(seed)

                def make_init(seed):
                    def init(worker):
                        random.seed(seed + worker)
                    return init

                if __name__ == "__main__":
                    set_seed(0)
                    set_seed()
                    DataLoader([], worker_init_fn=make_init(0))
                    DataLoader([], worker_init_fn=set_seed(1))
            """,
        },
    )
    facts = probe(root)
    at = lambda needle: line(root, "run.py", needle)  # noqa: E731
    helpers = [
        (c.line, c.source.kind, c.problems) for c in facts.seed_calls if c.library == "helper"
    ]
    assert helpers == [
        (at("set_seed(0)"), SeedSourceKind.LITERAL, ()),
        (at("set_seed()"), SeedSourceKind.NONE, ("seed_none",)),
        (at("set_seed(1)"), SeedSourceKind.LITERAL, ()),
    ]
    assert problems(facts) == [
        ("run.py", at("set_seed()"), SeedProblemKind.SEED_NONE),
        ("run.py", at("set_seed(1)"), SeedProblemKind.WORKER_INIT_FN_CALLED),
    ]
