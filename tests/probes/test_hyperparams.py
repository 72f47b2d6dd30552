"""Hyperparameters from argparse, click, absl, hydra, entry-script constants and config files."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from builders import lines_of, make_repo

from auditor import pyast
from auditor.facts import Facts, Hyperparameter
from auditor.inventory import build_inventory
from auditor.probes import hyperparams
from auditor.probes.configfiles import is_ml_config
from auditor.repo import Repo
from auditor.target import open_target


def probe(root: Path) -> Facts:
    """Run only the hyperparameter probe (other probes may not exist yet)."""
    snapshot = open_target(str(root))
    facts = Facts()
    hyperparams.run(Repo(snapshot, build_inventory(snapshot)), facts)
    return facts


def by_source(facts: Facts, source: str) -> list[Hyperparameter]:
    return [h for h in facts.hyperparameters if h.source == source]


def line(root: Path, path: str, needle: str) -> int:
    (found,) = lines_of(root, path, needle)
    return found


ARGPARSE = """
    import argparse

    ap = argparse.ArgumentParser("search")
    opt = ap.add_argument_group("optimisation")
    opt.add_argument("-l", "--learning_rate", type=float, default=0.025,
                     help="initial learning rate")
    opt.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--cutout", type=bool, default=False)
    ap.add_argument("--auxiliary", action="store_true", default=True)
    ap.add_argument("--unrolled", action="store_true")
    ap.add_argument("-w", dest="weight_decay", default=3e-4)
    ap.add_argument("data")
    sub = ap.add_subparsers()
    p_eval = sub.add_parser("eval")
    p_eval.add_argument("--seed", default=2)
    '''ap.add_argument("--in_docstring")'''
    if False:
        ap.add_argument("--dead", default=1)
"""

HELPER = """
    def add_common_args(parser):
        parser.add_argument("--batch_size", type=int, default=64)

    def unrelated(thing):
        thing.add_argument("--not_argparse")
"""


def test_argparse_options_with_groups_aliases_and_pitfalls(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"search.py": ARGPARSE, "utils.py": HELPER})
    found = {h.name: h for h in by_source(probe(root), "argparse")}
    assert set(found) == {
        "--learning_rate",
        "--epochs",
        "--cutout",
        "--auxiliary",
        "--unrolled",
        "weight_decay",
        "data",
        "--seed",
        "--batch_size",
    }
    lr = found["--learning_rate"]
    assert (lr.path, lr.line, lr.default, lr.type, lr.help) == (
        "search.py",
        line(root, "search.py", '"--learning_rate"'),
        "0.025",
        "float",
        "initial learning rate",
    )
    assert lr.snippet is not None and "help=" in lr.snippet  # the whole call, both lines
    assert found["--cutout"].pitfall == hyperparams.BOOL_PITFALL
    assert found["--cutout"].line == line(root, "search.py", '"--cutout"')
    assert found["--auxiliary"].pitfall == hyperparams.STORE_TRUE_PITFALL
    assert (found["--unrolled"].default, found["--unrolled"].pitfall) == ("False", None)
    assert found["weight_decay"].default == "3e-4"
    assert found["--seed"].line == line(root, "search.py", '"--seed"')
    assert (found["--batch_size"].path, found["--batch_size"].line) == (
        "utils.py",
        line(root, "utils.py", '"--batch_size"'),
    )
    assert [h.name for h in found.values() if h.pitfall] == ["--cutout", "--auxiliary"]


def test_argparse_in_a_python2_file_is_read_token_by_token(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "train.py": """
        import argparse
        parser = argparse.ArgumentParser()
        parser.add_argument('--epochs', type=int, default=600, help='num of training epochs')
        parser.add_argument('--flag', type=bool, default=True)
        print "unbalanced (
    """
        },
    )
    found = by_source(probe(root), "argparse")
    assert [(h.name, h.line, h.default, h.pitfall) for h in found] == [
        ("--epochs", 3, "600", None),
        ("--flag", 4, "True", hyperparams.BOOL_PITFALL),
    ]


def test_click_absl_and_hydra(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "cli.py": """
            import click

            @click.command()
            @click.option("--lr", default=0.1, type=float, help="learning rate")
            @click.option("--shuffle/--no-shuffle", default=True)
            def main(lr, shuffle):
                pass
        """,
            "tf_train.py": """
            from absl import flags
            import tensorflow as tf

            flags.DEFINE_float("lr", 0.1, "learning rate")
            flags.DEFINE_enum("opt", "sgd", ["sgd", "adam"], "optimizer")
            tf.app.flags.DEFINE_integer("epochs", default=300, help="epochs")
        """,
            "app/run.py": """
            import hydra

            @hydra.main(config_path="../conf", config_name="config")
            def main(cfg):
                pass
        """,
            "conf/config.yaml": "lr: 0.1\n",
        },
    )
    facts = probe(root)
    assert [(h.name, h.line, h.default, h.type) for h in by_source(facts, "click")] == [
        ("--lr", line(root, "cli.py", '"--lr"'), "0.1", "float"),
        ("--shuffle", line(root, "cli.py", "--shuffle"), "True", None),
    ]
    assert [(h.name, h.line, h.default, h.type, h.help) for h in by_source(facts, "absl")] == [
        ("lr", 4, "0.1", "float", "learning rate"),
        ("opt", 5, '"sgd"', "enum", "optimizer"),
        ("epochs", 6, "300", "int", "epochs"),
    ]
    (hydra,) = by_source(facts, "hydra")
    assert (hydra.path, hydra.line, hydra.name, hydra.default) == (
        "app/run.py",
        line(root, "app/run.py", "@hydra.main"),
        "config",
        "conf",
    )
    assert [c.path for c in facts.configs] == ["conf/config.yaml"]
    assert is_ml_config("conf/_config.yml", ["conf"]) and not is_ml_config("_config.yml", [])


def test_define_calls_through_the_repos_own_flag_wrappers(tmp_path: Path) -> None:
    # ENAS wraps tf.app.flags in its own DEFINE_* helpers and imports them bare
    wrappers = """
        import tensorflow as tf

        def DEFINE_integer(name, default_value, doc_string):
            tf.app.flags.DEFINE_integer(name, default_value, doc_string)

        def DEFINE_string(name, default_value, doc_string):
            tf.app.flags.DEFINE_string(name, default_value, doc_string)
    """
    root = make_repo(
        tmp_path,
        {
            "src/utils.py": wrappers,
            "src/main.py": """
            from src.utils import DEFINE_integer, DEFINE_string
            import src.utils as utils

            DEFINE_integer("num_epochs", 310, "epochs")
            utils.DEFINE_string(name="search_for", default_value=None, doc_string="macro|micro")
            DEFINE_string(FLAG_NAME, "", "")
        """,
            "src/py2.py": """
            from src.utils import DEFINE_integer
            DEFINE_integer("batch_size", 128, "")
            DEFINE_integer(FLAG_NAME, 1, "")
            print "unbalanced (
        """,
        },
    )
    found = [(h.path, h.name, h.line, h.default, h.type) for h in by_source(probe(root), "absl")]
    assert sorted(found) == [
        ("src/main.py", "num_epochs", 4, "310", "int"),
        ("src/main.py", "search_for", 5, None, "str"),
        ("src/py2.py", "batch_size", 2, "128", "int"),
    ]


def test_constants_in_main_of_entry_scripts_only(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "train.py": """
            EPOCHS = 50
            lr_schedule = "cosine"

            def main():
                lr = 0.025
                batch_size = args.batch_size
                weight_decay = -1e-4
                dropout = True

            def helper():
                momentum = 0.9

            if __name__ == "__main__":
                seed = 2
                main()
        """,
            "lib.py": """
            def main():
                lr = 0.1
        """,
        },
    )
    found = by_source(probe(root), "constant")
    assert [(h.path, h.line, h.name, h.default, h.type) for h in found] == [
        ("train.py", 1, "EPOCHS", "50", "int"),
        ("train.py", 5, "lr", "0.025", "float"),
        ("train.py", 7, "weight_decay", "-1e-4", "float"),
        ("train.py", 14, "seed", "2", "int"),
    ]


def test_constant_names_bound_to_no_number_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`epochs = len(data) * 2` names no number: the index says so (the value's kind)
    without re-parsing the file for the value it dropped."""
    root = make_repo(
        tmp_path,
        {
            "train.py": "def main():\n    epochs = len(data) * 2 + extra\n    lr = 0.1\n\n"
            'if __name__ == "__main__":\n    main()\n'
        },
    )

    def no_reparse(path: str, text: str) -> object:
        raise AssertionError(f"{path} parsed again")

    monkeypatch.setattr(pyast, "_reparsed", no_reparse)
    found = by_source(probe(root), "constant")
    assert [(h.name, h.default) for h in found] == [("lr", "0.1")]


YAML_CONFIG = """
    # search settings
    dataset: cifar10
    search:
      optimizer:
        lr: 0.025
        betas:
          first: 0.9
      epochs: 50
      cutout: false
      note: null
    seeds: [0, 1, 2]
    runs:
      - {name: a, seed: 7}
    long_text: "this string is much too long to be a hyperparameter value anyone tunes"
"""


def test_yaml_config_keys_seeds_and_hyperparameters(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"configs/search.yaml": YAML_CONFIG})
    facts = probe(root)
    (config,) = facts.configs
    assert config.format == "yaml" and config.parse_error is None
    assert config.keys == (
        "dataset",
        "search",
        "search.optimizer",
        "search.optimizer.lr",
        "search.optimizer.betas",
        "search.epochs",
        "search.cutout",
        "search.note",
        "seeds",
        "runs",
        "long_text",
    )
    assert config.seeds == ("0", "1", "2", "7")
    assert config.line == line(root, "configs/search.yaml", "seeds:")
    assert config.snippet == "seeds: [0, 1, 2]"
    path = "configs/search.yaml"
    assert [(h.name, h.line, h.default, h.type) for h in by_source(facts, "config")] == [
        ("dataset", line(root, path, "dataset:"), "cifar10", "str"),
        ("search.optimizer.lr", line(root, path, "lr:"), "0.025", "float"),
        ("search.epochs", line(root, path, "epochs:"), "50", "int"),
        ("search.cutout", line(root, path, "cutout:"), "false", "bool"),
    ]


def test_json_toml_ini_configs_have_key_lines(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "cfg/train.json": '{\n  "train": {\n    "lr": 0.1,\n    "seed": 3\n  },\n'
            '  "lr": 2\n}\n',
            "cfg/train.toml": "[train]\nlr = 0.1\n\n[eval]\nlr = 0.5\nseeds = [1, 2]\n",
            "cfg/train.ini": "[train]\nLR = 0.1\nseed: 4\n",
        },
    )
    facts = probe(root)
    configs = {c.path: c for c in facts.configs}
    assert [(c.format, c.line, c.seeds, c.keys) for c in configs.values()] == [
        ("ini", 3, ("4",), ("train", "train.LR", "train.seed")),
        ("json", 4, ("3",), ("train", "train.lr", "train.seed", "lr")),
        ("toml", 6, ("1", "2"), ("train", "train.lr", "eval", "eval.lr", "eval.seeds")),
    ]
    found = [(h.path, h.name, h.line, h.default) for h in by_source(facts, "config")]
    assert found == [
        ("cfg/train.ini", "train.LR", 2, "0.1"),
        ("cfg/train.ini", "train.seed", 3, "4"),
        ("cfg/train.json", "train.lr", 3, "0.1"),
        ("cfg/train.json", "train.seed", 4, "3"),
        ("cfg/train.json", "lr", 6, "2"),
        ("cfg/train.toml", "train.lr", 2, "0.1"),
        ("cfg/train.toml", "eval.lr", 5, "0.5"),
    ]


def test_a_one_line_config_cites_each_key_with_its_neighbourhood(tmp_path: Path) -> None:
    """A minified JSON config: each key's snippet is a window around it, not the whole line
    again (nasbench301 has hundreds of keys on single lines)."""
    keys = {f"param_{i:02d}": i / 100 for i in range(40)}
    text = json.dumps({"train": keys})
    root = make_repo(tmp_path, {"configs/train.json": text})
    found = {h.name: h.snippet or "" for h in by_source(probe(root), "config")}
    assert len(found) == 40
    snippet = found["train.param_20"]
    assert '"param_20": 0.2' in snippet
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 140
    assert found["train.param_00"].startswith('{"train": {"param_00": 0.0')


def test_malformed_configs_get_a_parse_error_with_a_line(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "a.yaml": "lr: 0.1\nepochs: [1, 2\nseed: 3\n",
            "b.json": '{"lr": 0.1,\n "epochs": }\n',
            "c.toml": "lr = 0.1\nepochs = = 3\n",
            "d.ini": "lr = 0.1\n",
            "e.yaml": "x: !!python/object:os.system {}\n",
            "f.yaml": "[" * 1200 + "]" * 1200 + "\n",
            "g.json": "[" * 100_000 + "]" * 100_000,
        },
    )
    errors = {c.path: c.parse_error for c in probe(root).configs}
    assert errors["a.yaml"] is not None and "line 3" in errors["a.yaml"]
    assert errors["b.json"] == "JSON syntax error at line 2: Expecting value"
    assert errors["c.toml"] is not None and "line 2" in errors["c.toml"]
    assert errors["d.ini"] is not None and "line 1" in errors["d.ini"]
    assert errors["e.yaml"] is None  # composed, never constructed: unknown tags are harmless
    assert errors["f.yaml"] is not None and errors["g.json"] is not None


def test_yaml_alias_bomb_is_bounded(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    root = make_repo(tmp_path, {"bomb.yaml": bomb})
    start = time.perf_counter()
    (config,) = probe(root).configs
    assert time.perf_counter() - start < 5
    assert config.keys == tuple("abcdefghi")


def test_ci_packaging_and_editor_configs_are_skipped(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: push\n",
            ".pre-commit-config.yaml": "repos: []\n",
            "package.json": '{"name": "x"}\n',
            "tsconfig.base.json": "{}\n",
            "mkdocs.yml": "site_name: x\n",
            "tox.ini": "[tox]\n",
            "configs/darts.yaml": "lr: 0.1\n",
            "pipelines/build.yml": "trigger: [main]\njobs:\n  - job: a\n",
            "pipelines/templates/t.yml": "parameters: []\nsteps:\n  - script: echo\n",
            "k8s/job.yaml": "apiVersion: v1\nkind: Pod\n",
            "configs/steps.yaml": "steps: 1000\nname: run\n",
        },
    )
    assert [c.path for c in probe(root).configs] == ["configs/darts.yaml", "configs/steps.yaml"]
