"""One call graph per audit, shared by the roles and seeds probes: its two views, and that it
leaves the repository (and its trees) free to go as soon as the audit drops it."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from builders import lines_of, make_repo

from auditor.inventory import build_inventory
from auditor.probes.callgraph import Caller
from auditor.repo import Repo
from auditor.target import open_target

FILES = {
    "models.py": """
        class Base:
            def init(self):
                return 0

        class Net(Base):
            def forward(self, x):
                return x
    """,
    "train.py": """
        from models import Net

        def default_hook():
            return 1

        def main(hook=None):
            def inner():
                return 2
            chosen = hook or default_hook
            return Net(), inner, chosen

        if __name__ == "__main__":
            main()
    """,
}


def repo_of(root: Path) -> Repo:
    snapshot = open_target(str(root))
    return Repo(snapshot, build_inventory(snapshot))


def lines(found: list[Caller]) -> list[tuple[tuple[str, str | None], int | None]]:
    return sorted(((k, c.line if c else None) for k, c in found), key=str)


def test_the_graph_is_built_once_per_repo(tmp_path: Path) -> None:
    repo = repo_of(make_repo(tmp_path, FILES))
    assert repo.call_graph() is repo.call_graph()


def test_the_graph_does_not_keep_the_repo_alive(tmp_path: Path) -> None:
    repo = repo_of(make_repo(tmp_path, FILES))
    repo.call_graph()
    alive = weakref.ref(repo)
    was_enabled = gc.isenabled()
    gc.disable()  # freed by reference counting alone: no cycle through the cached graph
    try:
        del repo
        assert alive() is None
    finally:
        if was_enabled:
            gc.enable()


def test_the_method_view_expands_classes_and_skips_closures_and_fallbacks(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path, FILES)
    graph = repo_of(root).call_graph()
    (net_line,) = lines_of(root, "train.py", "Net(), inner")
    main = ("train.py", "main")
    # full view: creating Net reaches the class node, which reaches its methods and its base
    assert lines(graph.callers(("models.py", "Net"))) == [(main, net_line)]
    assert lines(graph.callers(("models.py", "Base.init"))) == [(("models.py", "Base"), None)]
    # method view: creating Net calls each of its methods and its base's, from the call site
    for method in ("Net.forward", "Base.init"):
        assert lines(graph.method_callers(("models.py", method))) == [(main, net_line)]
    assert graph.resolve_methods(graph.modules["train.py"], "models.Net", "main") == [
        ("models.py", "Net.forward"),
        ("models.py", "Base.init"),
    ]
    assert graph.resolve(graph.modules["train.py"], "models.Net", "main") == [("models.py", "Net")]
    # closures and `a or b` fallbacks are edges of the full view only
    assert lines(graph.callers(("train.py", "main.inner"))) == [(main, None)]
    assert graph.method_callers(("train.py", "main.inner")) == []
    assert lines(graph.callers(("train.py", "default_hook"))) == [(main, None)]
    assert graph.method_callers(("train.py", "default_hook")) == []


def test_tf_app_run_calls_the_modules_main_and_isinstance_calls_nothing(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            **FILES,
            "tf_main.py": """
                import tensorflow as tf
                from models import Net

                def main(_):
                    return isinstance(_, Net)

                if __name__ == "__main__":
                    tf.app.run()
            """,
        },
    )
    graph = repo_of(root).call_graph()
    (run_line,) = lines_of(root, "tf_main.py", "tf.app.run()")
    assert lines(graph.method_callers(("tf_main.py", "main"))) == [(("tf_main.py", None), run_line)]
    assert lines(graph.callers(("tf_main.py", "main"))) == [(("tf_main.py", None), run_line)]
    # a type test neither creates nor calls the class
    assert lines(graph.method_callers(("models.py", "Net.forward"))) == [
        (("train.py", "main"), lines_of(root, "train.py", "Net(), inner")[0])
    ]
    assert [k for k, _ in graph.callers(("models.py", "Net"))] == [("train.py", "main")]
