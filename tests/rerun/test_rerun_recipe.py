"""The inferred recipe: README command + argparse flags + a metric from the log format."""

from __future__ import annotations

from pathlib import Path

from builders import lines_of, make_repo
from conftest import FAST

from auditor.rerun import infer_recipe, run_rerun

TRAIN = """
import argparse
import logging
import random
import sys

logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                    format="%(asctime)s %(message)s")
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--batch", type=int, default=96)
parser.add_argument("--seed", type=int, default=2)
parser.add_argument("--epochs", type=int, default=600)
args = parser.parse_args()
random.seed(args.seed)
for epoch in range(args.epochs):
    print("epoch %d loss %f" % (epoch, random.random()))
    logging.info("valid_acc %f", 90 + random.random())
"""

README = """
# Paper code

Search:
```bash
python train_search.py --layers 8
```
Train the final model (takes 2 days):
```bash
$ cd . && python train.py --lr 0.05 --seed 7 \\
    --batch 64   # CIFAR-10
```
"""


def test_recipe_from_readme_and_argparse(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {"README.md": README, "train.py": TRAIN, "train_search.py": "print('search')\n"},
    )
    recipe = infer_recipe(root)
    manifest = recipe.manifest
    assert manifest is not None and manifest.source == "inferred"
    assert manifest.command == (
        "cd . && python train.py --lr 0.05 --seed {seed} --batch 64 --epochs {epochs}"
    )
    assert manifest.params == {"epochs": 1} and manifest.seeds == [0, 1]
    assert manifest.repeats == 2
    (metric,) = manifest.metrics
    assert (metric.name, metric.kind, metric.goal) == ("valid_acc", "stdout", "max")
    assert metric.pattern is not None and metric.pattern.startswith("valid_acc (")
    notes = recipe.explanation
    (readme_line,) = lines_of(root, "README.md", "python train.py")
    (seed_line,) = lines_of(root, "train.py", '"--seed"')
    (epochs_line,) = lines_of(root, "train.py", '"--epochs"')
    (log_line,) = lines_of(root, "train.py", "valid_acc")
    assert notes[0] == (
        f"command: README.md:{readme_line}: `python train.py --lr 0.05 --seed 7 --batch 64`"
    )
    assert notes[1] == f"seed: train.py:{seed_line} declares --seed; each run sets it"
    assert notes[2].startswith(f"epochs: train.py:{epochs_line} declares --epochs (default 600)")
    assert notes[3].startswith(f"metric valid_acc: train.py:{log_line} prints 'valid_acc %f'")


def test_inferred_recipe_runs(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {"README.md": README, "train.py": TRAIN, "train_search.py": "print('search')\n"},
    )
    manifest = infer_recipe(root).manifest
    assert manifest is not None
    result = run_rerun(
        root,
        None,
        manifest,
        jobs=2,
        cache_dir=tmp_path / "cache",
        no_cache=True,
        strict_determinism=False,
        python=None,
        progress=lambda _: None,
        config=FAST,
        tty=False,
    )
    assert result.manifest_source == "inferred"
    assert [r.status for r in result.runs] == ["ok"] * 4, result.runs[0].reason
    assert result.metrics[0].n_values == 4 and result.deterministic is True


def test_python2_script_and_stderr_logging(tmp_path: Path) -> None:
    script = """
    import argparse, logging
    parser = argparse.ArgumentParser()
    parser.add_argument('--random_seed', type=int)
    parser.add_argument('--num_epochs', type=int)
    print "python 2"
    logging.info('Test Acc: {:.2f}'.format(1.0))
    """
    readme = "Run `python main.py --gpu 0`:\n\n    python main.py --gpu 0\n"
    root = make_repo(tmp_path / "repo", {"README": readme, "main.py": script})
    manifest = infer_recipe(root).manifest
    assert manifest is not None
    assert manifest.command == "python main.py --gpu 0 --random_seed {seed} --num_epochs {epochs}"
    (metric,) = manifest.metrics
    assert metric.name == "test_acc" and metric.kind == "stderr"
    assert metric.pattern is not None and metric.pattern.startswith("Test Acc: (")


def test_no_seed_flag_is_explained(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {"README.md": "```\npython run.py\n```\n", "run.py": "print('loss: %.3f' % 0.5)\n"},
    )
    recipe = infer_recipe(root)
    assert recipe.manifest is not None and recipe.manifest.command == "python run.py"
    assert any("runs cannot choose a seed" in note for note in recipe.explanation)
    assert recipe.manifest.metrics[0].goal == "min"


def test_nothing_to_run(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"README.md": "```\npython missing.py\n```\n"})
    recipe = infer_recipe(root)
    assert recipe.manifest is None and "no `python X.py` command" in recipe.explanation[0]
    bare = make_repo(tmp_path / "bare", {"a.py": "x = 1\n"})
    assert infer_recipe(bare).manifest is None


HELPER_TRAIN = """
import argparse
import utils as helpers

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=5)
helpers.add_common_args(parser)
args = parser.parse_args()
print("valid_acc %f" % 1.0)
"""

HELPER_UTILS = """
def add_other_args(parser):
    parser.add_argument("--random_seed", type=int, default=9)


def add_common_args(parser):
    parser.add_argument("--seed", type=int, default=3)
"""


def test_seed_flag_declared_by_a_helper_that_receives_the_parser(tmp_path: Path) -> None:
    readme = "```\npython train.py --seed $seed\n```\n"
    root = make_repo(
        tmp_path / "repo",
        {"README.md": readme, "train.py": HELPER_TRAIN, "utils.py": HELPER_UTILS},
    )
    recipe = infer_recipe(root)
    assert recipe.manifest is not None
    assert recipe.manifest.command == "python train.py --seed {seed} --epochs {epochs}"
    (seed_line,) = lines_of(root, "utils.py", '"--seed"')
    assert recipe.explanation[1] == (
        f"seed: utils.py:{seed_line} declares --seed (for train.py); each run sets it"
    )


def test_helper_without_the_parser_is_not_followed(tmp_path: Path) -> None:
    train = HELPER_TRAIN.replace("helpers.add_common_args(parser)", "helpers.add_common_args(None)")
    root = make_repo(
        tmp_path / "repo",
        {"README.md": "```\npython train.py\n```\n", "train.py": train, "utils.py": HELPER_UTILS},
    )
    recipe = infer_recipe(root)
    assert recipe.manifest is not None and "{seed}" not in recipe.manifest.command
    assert recipe.explanation[1].startswith("seed: train.py declares none of")
