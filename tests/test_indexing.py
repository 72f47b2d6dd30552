"""Indexing over several processes gives exactly what indexing here gives, whatever the workers
do."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from auditor import indexing
from auditor.indexcache import IndexCache
from auditor.indexing import index_sources
from auditor.pyast import PyModule

SOURCES = [
    (f"pkg/mod{i}.py", f"import torch\n\ndef f{i}(x):\n    return torch.manual_seed(x + {i})\n")
    for i in range(7)
] + [("old.py", "print 'python 2'\n"), ("broken.py", "def (:\n")]


def _shape(module: PyModule) -> tuple[object, ...]:
    """What the probes read of a module (nodes compare by identity, so not those)."""
    return (
        module.path,
        module.mode,
        module.error,
        [(c.name, c.line, c.scope, c.span, c.args_text) for c in module.calls],
        sorted(module.functions),
        [(a.target, a.line) for a in module.assigns],
        module.imports,
    )


def _shapes(modules: dict[str, PyModule]) -> list[tuple[object, ...]]:
    return [_shape(m) for m in modules.values()]


@pytest.fixture
def few_files_suffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexing, "PARALLEL_MIN_FILES", 2)


@pytest.mark.usefixtures("few_files_suffice")
@pytest.mark.parametrize("workers", [1, 3])
def test_workers_give_the_same_modules_in_the_same_order(tmp_path: Path, workers: int) -> None:
    here = index_sources(SOURCES, None, workers=0)
    cache = IndexCache(tmp_path / "cache", read=False)
    spread = index_sources(SOURCES, cache, workers=workers)
    assert list(spread) == [path for path, _ in SOURCES]
    assert _shapes(spread) == _shapes(here)
    assert len(list((tmp_path / "cache").glob("index/*/*.pickle"))) == len(SOURCES)


@pytest.mark.usefixtures("few_files_suffice")
def test_workers_annotate_what_they_index_and_the_cache_keeps_it(tmp_path: Path) -> None:
    def annotate(module: PyModule) -> None:
        module.signals = {"test": [("note", 1, "pid", str(os.getpid()), module.path)]}

    spread = index_sources(SOURCES, IndexCache(tmp_path / "cache"), workers=2, annotate=annotate)
    signals = [module.signals for module in spread.values()]
    assert all(s and s["test"][0][4] == path for s, (path, _) in zip(signals, SOURCES, strict=True))
    assert len({s["test"][0][3] for s in signals if s}) == 3  # this process and both workers
    cache = IndexCache(tmp_path / "cache")
    again = index_sources(SOURCES, cache, workers=2, annotate=None)
    assert cache.hits == len(SOURCES)
    assert [module.signals for module in again.values()] == signals


@pytest.mark.usefixtures("few_files_suffice")
def test_what_a_dead_worker_did_not_deliver_is_indexed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = indexing._indexed

    def dies_in_a_worker(
        path: str, text: str, cache: IndexCache | None, annotate: indexing.Annotate | None
    ) -> PyModule:
        if os.getpid() != parent:
            os._exit(3)
        return real(path, text, cache, annotate)

    monkeypatch.setattr(indexing, "_indexed", dies_in_a_worker)
    spread = index_sources(SOURCES, IndexCache(tmp_path / "cache"), workers=2)
    assert _shapes(spread) == _shapes(index_sources(SOURCES, None, workers=0))


@pytest.mark.usefixtures("few_files_suffice")
def test_no_workers_without_a_cache_to_hand_work_over_or_with_another_thread(
    tmp_path: Path,
) -> None:
    assert indexing._worker_count(9, None, 2) == 0
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert indexing._worker_count(9, IndexCache(blocked), 2) == 0
    cache = IndexCache(tmp_path / "cache")
    assert indexing._worker_count(9, cache, 2) == 2
    assert indexing._worker_count(1, cache, 2) == 0  # too few files to be worth it
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert indexing._worker_count(9, cache, 2) == 0
    finally:
        release.set()
        other.join()


def test_shares_balance_bytes_and_keep_every_source_once() -> None:
    sources = [(f"{i}.py", "x" * size) for i, size in enumerate([9000, 10, 10, 4000, 4000, 10])]
    shares = indexing._shares(sources, 1)
    assert sorted(s for share in shares for s in share) == sorted(sources)
    # largest first, each to the lighter share; a file counts 2000 bytes more than its size
    assert [sorted(p for p, _ in share) for share in shares] == [
        ["0.py", "1.py", "5.py"],
        ["2.py", "3.py", "4.py"],
    ]
