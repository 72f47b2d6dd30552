"""The seeds probe's call graph: resolution of repo calls and reachability from entry points."""

from __future__ import annotations

from pathlib import Path

from builders import lines_of, make_repo

from auditor.inventory import build_inventory
from auditor.probes.callgraph import CallGraph, FuncKey, module_dotted
from auditor.repo import Repo
from auditor.target import open_target


def graph_of(root: Path, entries: tuple[str, ...]) -> CallGraph:
    snapshot = open_target(str(root))
    graph = Repo(snapshot, build_inventory(snapshot)).call_graph()
    graph.set_entries(frozenset(entries))
    return graph


def callers(graph: CallGraph, key: FuncKey) -> list[tuple[FuncKey, int | None]]:
    found = [(k, c.line if c else None) for k, c in graph.callers(key)]
    return sorted(found, key=lambda kc: (kc[0][0], kc[0][1] or "", kc[1] or 0))


def at(root: Path, path: str, needle: str) -> int:
    (found,) = lines_of(root, path, needle)
    return found


PACKAGE = {
    "pkg/__init__.py": "from .seeding import seed_all\n",
    "pkg/seeding.py": "def seed_all(s):\n    return s\n",
    "pkg/models.py": """
        class Base:
            def reset(self):
                return self.init()

            def init(self):
                return 0

        class Net(Base):
            def forward(self, x):
                return x
    """,
    "train.py": """
        import pkg.models
        from pkg import seed_all
        from pkg import models as m

        def helper():
            return 1

        def main():
            def inner():
                return helper()
            inner()
            seed_all(1)
            net = m.Net()
            return pkg.models

        if __name__ == "__main__":
            main()
    """,
    "tools/callbacks.py": """
        from torch.utils.data import DataLoader

        def init_worker(i):
            return i

        HOOKS = {"w": init_worker}

        def make(ds):
            return DataLoader(ds, worker_init_fn=init_worker)
    """,
}


def test_calls_resolve_through_imports_re_exports_nested_scopes_and_classes(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path, PACKAGE)
    graph = graph_of(root, ("train.py",))
    main = ("train.py", "main")
    assert callers(graph, ("pkg/seeding.py", "seed_all")) == [
        (main, at(root, "train.py", "seed_all(1)"))
    ]
    assert callers(graph, ("train.py", "helper")) == [
        (("train.py", "main.inner"), at(root, "train.py", "return helper()"))
    ]
    assert callers(graph, ("train.py", "main.inner")) == [
        (main, None),
        (main, at(root, "train.py", "    inner()")),
    ]
    # creating Net reaches the class node, which reaches its methods and its base class's node
    models = "pkg/models.py"
    assert callers(graph, (models, "Net")) == [(main, at(root, "train.py", "m.Net()"))]
    assert callers(graph, (models, "Net.forward")) == [((models, "Net"), None)]
    assert callers(graph, (models, "Base")) == [((models, "Net"), None)]
    assert callers(graph, (models, "Base.init")) == [
        ((models, "Base"), None),
        ((models, "Base.reset"), at(root, models, "self.init()")),
    ]
    assert graph.entries_reaching((models, "Base.init")) == {"train.py"}
    # the module's top level runs when it is imported
    assert (("train.py", None), None) in graph.callers(("pkg/models.py", None))


def test_references_count_as_callers_and_reachability_is_per_entry(tmp_path: Path) -> None:
    graph = graph_of(make_repo(tmp_path, PACKAGE), ("train.py",))
    refs = callers(graph, ("tools/callbacks.py", "init_worker"))
    assert refs == [(("tools/callbacks.py", None), None), (("tools/callbacks.py", "make"), None)]
    assert graph.entries_reaching(("pkg/seeding.py", "seed_all")) == {"train.py"}
    assert graph.entries_reaching(("pkg/models.py", "Base.reset")) == {"train.py"}
    assert graph.entries_reaching(("tools/callbacks.py", "make")) == frozenset()


def test_cycles_and_unknown_names_are_safe(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "a.py": "import b\n\ndef f():\n    b.g()\n    model.fit()\n\nf()\n",
            "b.py": "import a\n\ndef g():\n    a.f()\n",
            "model.py": "def fit():\n    return 0\n",
        },
    )
    graph = graph_of(root, ("a.py",))
    assert graph.entries_reaching(("b.py", "g")) == {"a.py"}
    # `model` is a variable here, not the imported module model.py
    assert graph.callers(("model.py", "fit")) == []


def test_module_dotted() -> None:
    assert module_dotted("pkg/utils.py") == "pkg.utils"
    assert module_dotted("pkg/__init__.py") == "pkg"
    assert module_dotted("run.ipynb") == "run"
