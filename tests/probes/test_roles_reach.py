"""Roles reach search code only where it runs: a registry's members where the registry is used,
a class's own signals where the class is created or its methods run, a sampler made by a
closure where its maker is called (AutoDL-Projects: exps/basic/basic-main.py, RANDOM.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from structural import at, structural_facts

from auditor.facts import Facts, Role

GUARD = "if __name__ == '__main__':\n    "
TRAINS = "    for epoch in range(3):\n        optimizer.step()\n"

# A search model with architecture parameters, and a plain model.
SEARCH_NET = """
import torch
class SearchNet(torch.nn.Module):
    def __init__(self):
        self.arch_parameters = torch.nn.Parameter(torch.zeros(3))
    def forward(self, x):
        return x
"""
RESNET = "class ResNet:\n    def forward(self, x):\n        return x\n"
# A package whose __init__ keeps a registry of search models, as AutoDL's cell_searchs does.
MODELS = {
    "models/search_net.py": SEARCH_NET,
    "models/resnet.py": RESNET,
    "models/registry.py": 'from .search_net import SearchNet\nSUPER_NETS = {"darts": SearchNet}\n',
    "models/__init__.py": (
        "from .resnet import ResNet\n"
        "from .registry import SUPER_NETS as nets\n\n"
        "def get_model(name):\n    return ResNet()\n\n"
        "def get_search_model(name):\n    return nets[name]()\n"
    ),
}
# An RNN controller: its class statement is an RL method signal.
CONTROLLER = """
import torch
class Controller(torch.nn.Module):
    def __init__(self):
        self.lstm = torch.nn.LSTMCell(32, 32)
    def forward(self, x):
        return self.lstm(x)

def count_params(model):
    return 0
"""


def roles_of(facts: Facts) -> dict[str, tuple[Role, ...]]:
    return {e.path: e.roles for e in facts.entry_points}


def run_py(imports: str, body: str) -> str:
    """An entry point (a name with no role of its own) that trains after `body`."""
    return f"{imports}\n\ndef main():\n{body}{TRAINS}\n{GUARD}main()\n"


def test_a_registry_is_not_used_by_importing_its_package(tmp_path: Path) -> None:
    files = {**MODELS, "run.py": run_py("from models import get_model", "    get_model('r')\n")}
    _, facts = structural_facts(tmp_path, files)
    assert roles_of(facts) == {"run.py": (Role.FINAL_TRAINING,)}


@pytest.mark.parametrize(
    ("imports", "body"),
    [
        ("from models import get_search_model", "    get_search_model('darts')\n"),
        ("from models.registry import SUPER_NETS", "    SUPER_NETS['darts']()\n"),
        ("from models.registry import SUPER_NETS", "    SUPER_NETS.get('darts')()\n"),
        ("from models.registry import SUPER_NETS", "    cls = SUPER_NETS['darts']\n    cls()\n"),
        (
            "from models.registry import SUPER_NETS",
            "    for c in SUPER_NETS.values():\n        c()\n",
        ),
        ("import models.registry as reg", "    build(reg.SUPER_NETS)\n"),
    ],
    ids=[
        "through-a-function",
        "subscript-call",
        "get-call",
        "subscript-then-call",
        "values",
        "passed",
    ],
)
def test_code_that_uses_a_registry_runs_its_members(
    tmp_path: Path, imports: str, body: str
) -> None:
    files = {**MODELS, "run.py": run_py(imports, body)}
    _, facts = structural_facts(tmp_path, files)
    assert roles_of(facts) == {"run.py": (Role.SEARCH,)}
    (run,) = facts.entry_points
    assert any("self.arch_parameters" in r and "search_net.py" in r for r in run.reasons)


def test_a_controller_class_imported_but_never_created_is_not_search(tmp_path: Path) -> None:
    body = "    count_params(None)\n"
    files = {
        "controller.py": CONTROLLER,
        "run.py": run_py("from controller import Controller, count_params", body),
    }
    _, facts = structural_facts(tmp_path, files)
    assert roles_of(facts) == {"run.py": (Role.FINAL_TRAINING,)}


@pytest.mark.parametrize(
    "body",
    ["    Controller()\n", "    Controller.forward(None, 1)\n"],
    ids=["created", "method-called"],
)
def test_a_controller_class_created_or_called_is_search(tmp_path: Path, body: str) -> None:
    files = {
        "controller.py": CONTROLLER,
        "run.py": run_py("from controller import Controller", body),
    }
    root, facts = structural_facts(tmp_path, files)
    assert roles_of(facts) == {"run.py": (Role.SEARCH,)}
    (run,) = facts.entry_points
    line = at(root, "controller.py", "class Controller")
    assert run.reasons[0] == f"reinforcement_learning: controller Controller (controller.py:{line})"


def test_random_architecture_samplers_are_search_where_they_are_made(tmp_path: Path) -> None:
    sampler = (
        "import random\n\n"
        "def random_topology_func(ops):\n"
        "    def random_architecture():\n"
        "        return [random.choice(ops) for _ in range(3)]\n"
        "    return random_architecture\n\n"
        "def random_architecture_func(ops):\n"
        "    return lambda: random.choice(ops)\n"
    )
    loop = "    for _ in range(10):\n        arch = sample()\n"
    files = {
        "samplers.py": sampler,
        "random_wo_share.py": run_py(
            "from samplers import random_topology_func", "    sample = random_topology_func([])\n"
        ).replace(TRAINS, loop),
        "RANDOM.py": run_py(
            "from samplers import random_architecture_func",
            "    sample = random_architecture_func([])\n",
        ).replace(TRAINS, loop),
        "report.py": run_py("import samplers", "    print(samplers)\n").replace(TRAINS, ""),
    }
    _, facts = structural_facts(tmp_path, files)
    assert roles_of(facts) == {
        "RANDOM.py": (Role.SEARCH,),
        "random_wo_share.py": (Role.SEARCH,),
        "report.py": (Role.OTHER,),
    }
    reasons = {e.path: e.reasons for e in facts.entry_points}
    assert reasons["random_wo_share.py"] == (
        "samples architectures: random_architecture (samplers.py:3)",
    )
    assert reasons["RANDOM.py"] == (
        "samples architectures: random_architecture_func (samplers.py:8)",
    )
