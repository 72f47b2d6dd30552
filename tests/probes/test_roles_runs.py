"""Roles from how a file is run and what it trains: `tf.app.run()` runs the module's `main()`,
run scripts that fix the architecture make a searching file final training too (ENAS), and
training a weight-sharing supernet is search whatever the file is called (SPOS)."""

from __future__ import annotations

from pathlib import Path

import pytest
from structural import at, structural_facts
from test_roles import DARTS_LIKE

from auditor.facts import Facts, Role

# ENAS: absl flags through the repo's own wrappers, an RNN controller, and one main.py that
# both searches and trains a fixed architecture, run by TensorFlow's `tf.app.run()`.
UTILS = """
import tensorflow as tf

def DEFINE_integer(name, default_value, doc_string):
    tf.app.flags.DEFINE_integer(name, default_value, doc_string)

def get_train_ops(loss, tf_variables):
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    return opt.apply_gradients(zip(loss, tf_variables))
"""
CONTROLLER = """
import tensorflow as tf

class Controller(object):
    def __init__(self):
        self.lstm = tf.nn.rnn_cell.LSTMCell(32)
"""
MAIN = """
import tensorflow as tf
from absl import app
from utils import DEFINE_integer, get_train_ops
from controller import Controller

DEFINE_integer("num_epochs", 310, "")

def train():
    Controller()
    get_train_ops(None, None)

def main(_):
    train()

if __name__ == "__main__":
    {run}
"""
SEARCH_RUN = "python main.py --controller_training --num_epochs=150\n"
FINAL_RUN = 'python main.py --child_fixed_arc="0 3 0" --nocontroller_training\n'


def enas(run: str = "tf.app.run()", **scripts: str) -> dict[str, str]:
    files = {"utils.py": UTILS, "controller.py": CONTROLLER, "main.py": MAIN.format(run=run)}
    return files | {f"scripts/{name}.sh": text for name, text in scripts.items()}


def roles_of(facts: Facts) -> dict[str, tuple[Role, ...]]:
    return {e.path: e.roles for e in facts.entry_points}


@pytest.mark.parametrize("run", ["tf.app.run()", "tf.compat.v1.app.run()", "app.run(main)"])
def test_app_run_reaches_main_and_search_and_final_scripts_give_both_roles(
    tmp_path: Path, run: str
) -> None:
    root, facts = structural_facts(tmp_path, enas(run, search=SEARCH_RUN, final=FINAL_RUN))
    assert roles_of(facts) == {"main.py": (Role.SEARCH, Role.FINAL_TRAINING)}
    (main,) = facts.entry_points
    controller = at(root, "controller.py", "class Controller")
    step = at(root, "utils.py", "apply_gradients")
    assert main.reasons == (
        "run with --child_fixed_arc by scripts/final.sh",
        f"reinforcement_learning: controller Controller (controller.py:{controller})",
        f"calls opt.apply_gradients (utils.py:{step})",
    )
    assert main.invoked_by == ("scripts/final.sh", "scripts/search.sh")


def test_app_run_given_another_function_does_not_reach_main(tmp_path: Path) -> None:
    files = enas("tf.app.run(main=print)", search=SEARCH_RUN, final=FINAL_RUN)
    _, facts = structural_facts(tmp_path, files)
    assert roles_of(facts) == {"main.py": (Role.OTHER,)}


@pytest.mark.parametrize(
    "flags",
    [
        '--child_fixed_arc="0 3 0" --num_epochs=310',
        "--arch DARTS_V2",
        "--genotype_path=found.json",
        "--nocontroller_training",
        "--controller_training=False",
        "--no-search",
    ],
)
def test_runs_that_fix_the_architecture_only_make_final_training(
    tmp_path: Path, flags: str
) -> None:
    _, facts = structural_facts(tmp_path, enas(final=f"python main.py {flags}\n"))
    assert roles_of(facts) == {"main.py": (Role.FINAL_TRAINING,)}


@pytest.mark.parametrize(
    "flags",
    [
        "--controller_training --num_epochs=150",
        "--arch_learning_rate=3e-4",
        "--search_space=darts --nosearch_space_check",
        "--noreset_output_dir",
        "--child_fixed_arc=None",
        "",
    ],
)
def test_runs_that_may_search_keep_the_search_role(tmp_path: Path, flags: str) -> None:
    _, facts = structural_facts(tmp_path, enas(search=f"python main.py {flags}\n"))
    assert roles_of(facts) == {"main.py": (Role.SEARCH,)}


def test_a_fixed_architecture_run_of_an_evaluation_script_trains_nothing(tmp_path: Path) -> None:
    run = "cd cnn\npython test.py --arch DARTS\npython train.py --arch DARTS\n"
    _, facts = structural_facts(tmp_path, {**DARTS_LIKE, "scripts/eval.sh": run})
    assert roles_of(facts) == {
        "cnn/test.py": (Role.EVALUATION,),
        "cnn/train.py": (Role.FINAL_TRAINING,),
        "cnn/train_search.py": (Role.SEARCH,),
    }


# SPOS: Supernet/train.py trains the one-shot supernet (its forward takes the sampled path),
# Evaluation/train.py trains the fixed network (the architecture is fixed in __init__).
SUPERNET = """
import torch.nn as nn

class ShuffleNetV2_OneShot(nn.Module):
    def __init__(self, input_size=224):
        self.features = []

    def forward(self, x, architecture):
        return x
"""
FIXED_NET = SUPERNET.replace("input_size=224", "architecture=None").replace(", architecture)", ")")
TRAIN = """
import torch
from network import ShuffleNetV2_OneShot

def main():
    model = ShuffleNetV2_OneShot()
    optimizer = torch.optim.SGD(model.parameters(), 0.5)
    for epoch in range(3):
        optimizer.step()
    validate(model)

def validate(model):
    model.eval()
    return accuracy(model(1), 1)

if __name__ == "__main__":
    main()
"""


def test_training_a_weight_sharing_supernet_is_search_whatever_the_name(tmp_path: Path) -> None:
    files = {
        "Supernet/network.py": SUPERNET,
        "Supernet/train.py": TRAIN,
        "Evaluation/network.py": FIXED_NET,
        "Evaluation/train.py": TRAIN,
    }
    root, facts = structural_facts(tmp_path, files)
    assert roles_of(facts) == {
        "Evaluation/train.py": (Role.FINAL_TRAINING,),
        "Supernet/train.py": (Role.SEARCH,),
    }
    line = at(root, "Supernet/network.py", "class ShuffleNetV2_OneShot")
    by_path = {e.path: e.reasons for e in facts.entry_points}
    assert by_path["Supernet/train.py"][:2] == (
        "name: train.py",
        "trains the weight-sharing supernet ShuffleNetV2_OneShot.forward(architecture) "
        f"(Supernet/network.py:{line})",
    )
    assert not any("supernet" in r for r in by_path["Evaluation/train.py"])


# AutoFormer/Once-for-All: the supernet is told which subnet to run by a setter, not by a
# `forward` parameter; a network with only `set_max_net()` (no choice passed) is not one.
SETTER_SUPERNET = """
import torch.nn as nn

class Vision_TransformerSuper(nn.Module):
    def set_sample_config(self, config):
        self.sample_embed_dim = config["embed_dim"]

    def forward(self, x):
        return x
"""
PLAIN_NET = """
import torch.nn as nn

class Vision_TransformerSuper(nn.Module):
    def set_max_net(self):
        self.width = 1.0

    def forward(self, x):
        return x
"""


@pytest.mark.parametrize(
    ("network", "role"), [(SETTER_SUPERNET, Role.SEARCH), (PLAIN_NET, Role.FINAL_TRAINING)]
)
def test_a_supernet_told_its_subnet_by_a_setter_is_trained_by_the_search(
    tmp_path: Path, network: str, role: Role
) -> None:
    train = TRAIN.replace("ShuffleNetV2_OneShot", "Vision_TransformerSuper")
    files = {"supernet_train.py": train, "network.py": network}
    root, facts = structural_facts(tmp_path, files)
    assert roles_of(facts) == {"supernet_train.py": (role,)}
    spaces = [(s.path, s.line, s.kind, s.detail) for s in facts.search_space]
    if role is Role.SEARCH:
        assert spaces == [
            (
                "network.py",
                at(root, "network.py", "class Vision_TransformerSuper"),
                "choice_op",
                "Vision_TransformerSuper.set_sample_config(config)",
            )
        ]
    else:
        assert spaces == []
