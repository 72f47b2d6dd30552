"""The index cache: an unchanged file is read back, never a stale or damaged entry."""

from __future__ import annotations

import functools
import json
import os
import pickle
import time
from pathlib import Path
from types import ModuleType

import pytest
from builders import audit, git, make_repo, write_files
from nasfixtures import compliant_files

from auditor import indexcache
from auditor.indexcache import IndexCache, fingerprint
from auditor.inventory import build_inventory
from auditor.models import AuditReport
from auditor.probes import configfiles, docs, experiments, invocations
from auditor.pyast import PyModule, parse_module
from auditor.repo import Repo
from auditor.target import open_target

_TIMING = ("started_at", "finished_at", "duration_seconds")
# the file each per-file finding reads again once the README, a config and a script changed
_CHANGED = {
    "mentions_in": "README.md",
    "doc_file_scripts": "README.md",
    "shell_file_scripts": "scripts/run_all.sh",
}


def _comparable(report: AuditReport) -> dict[str, object]:
    data = json.loads(report.model_dump_json())
    return {k: v for k, v in data.items() if k not in _TIMING}


def _indexed(root: Path, cache: IndexCache) -> Repo:
    snapshot = open_target(str(root))
    repo = Repo(snapshot, build_inventory(snapshot), index_cache=cache)
    assert repo.modules
    return repo


def _entries(cache_dir: Path) -> list[Path]:
    """Indexed modules (not what probes derived from other files: `<key>-<finding>.pickle`)."""
    return sorted(p for p in cache_dir.glob("index/*/*.pickle") if "-" not in p.stem)


def test_second_audit_reads_every_module_back_with_the_same_report(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", compliant_files())
    cache_dir = tmp_path / "cache"
    first = audit(root, cache_dir=cache_dir)
    python_files = first.facts.python_files
    assert len(_entries(cache_dir)) == python_files > 3

    cache = IndexCache(cache_dir)
    _indexed(root, cache)
    assert (cache.hits, cache.misses) == (python_files, 0)
    assert _comparable(audit(root, cache_dir=cache_dir)) == _comparable(first)


@pytest.mark.parametrize(
    ("module", "finding"),
    [
        (docs, "mentions_in"),
        (configfiles, "config_facts"),
        (experiments, "config_signals"),
        (invocations, "doc_file_scripts"),
        (invocations, "shell_file_scripts"),
    ],
)
def test_a_second_audit_reads_what_probes_found_in_unchanged_files_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: ModuleType, finding: str
) -> None:
    root = make_repo(tmp_path / "r", compliant_files())
    cache_dir = tmp_path / "cache"
    first = audit(root, cache_dir=cache_dir)
    assert len(list(cache_dir.glob("index/*/*-derived.pickle"))) == 1  # one per repository
    read: list[str] = []
    real = getattr(module, finding)

    @functools.wraps(real)
    def counted(path: str, text: str) -> object:
        read.append(path)
        return real(path, text)

    monkeypatch.setattr(module, finding, counted)
    assert _comparable(audit(root, cache_dir=cache_dir)) == _comparable(first)
    assert read == []
    write_files(root, {"README.md": "# Changed\n\nRuns on one V100 GPU in 2 hours.\n"})
    write_files(root, {"configs/train.yaml": "seed: 3\nlr: 0.1\n"})
    write_files(root, {"scripts/run_all.sh": "for seed in 0 1; do python train.py; done\n"})
    changed = audit(root, cache_dir=cache_dir)
    assert read == [_CHANGED.get(finding, "configs/train.yaml")]
    assert _comparable(changed) == _comparable(audit(root, cache_dir=cache_dir, no_cache=True))


@pytest.mark.parametrize("damage", [b"not a pickle", b"\x80\x05K\x01.", b"\x80\x05}q\x00."])
def test_damaged_or_foreign_derived_results_are_found_again(tmp_path: Path, damage: bytes) -> None:
    """Garbage, a pickle of something else (the int 1), and an empty dict."""
    root = make_repo(tmp_path / "r", compliant_files())
    cache_dir = tmp_path / "cache"
    first = audit(root, cache_dir=cache_dir)
    [derived] = cache_dir.glob("index/*/*-derived.pickle")
    derived.write_bytes(damage)
    assert _comparable(audit(root, cache_dir=cache_dir)) == _comparable(first)


def test_derived_results_of_another_kind_are_not_used(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", compliant_files())
    cache_dir = tmp_path / "cache"
    first = audit(root, cache_dir=cache_dir)
    [derived] = cache_dir.glob("index/*/*-derived.pickle")
    with derived.open("rb") as handle:
        entries = pickle.load(handle)
    with derived.open("wb") as handle:
        pickle.dump({key: "not a result" for key in entries}, handle)
    assert _comparable(audit(root, cache_dir=cache_dir)) == _comparable(first)


def test_a_changed_file_is_indexed_again_and_its_change_is_seen(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "import torch\n", "util.py": "x = 1\n"})
    cache_dir = tmp_path / "cache"
    _indexed(root, IndexCache(cache_dir))
    write_files(root, {"train.py": "import torch\ntorch.manual_seed(7)\n"})

    cache = IndexCache(cache_dir)
    repo = _indexed(root, cache)
    assert (cache.hits, cache.misses) == (1, 1)
    assert [c.name for c in repo.modules["train.py"].calls] == ["torch.manual_seed"]


def test_the_same_text_under_another_path_is_not_shared(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"a.py": "def f():\n    pass\n"})
    cache_dir = tmp_path / "cache"
    _indexed(root, IndexCache(cache_dir))
    git(root, "mv", "a.py", "b.py")

    cache = IndexCache(cache_dir)
    repo = _indexed(root, cache)
    assert (cache.hits, cache.misses) == (0, 1)
    assert repo.modules["b.py"].path == "b.py"


def test_a_stored_module_holds_the_text_it_is_loaded_with_not_a_copy(tmp_path: Path) -> None:
    """The entry leaves out the text its key is made from; a Python 2 file keeps the text it
    parsed after repairs. Dropped call nodes are found again in the text given back."""
    cache = IndexCache(tmp_path / "cache")
    plain, old = "import os\nos.makedirs(3)\n", "print 'hi'\nos.makedirs(4)\n"
    for path, text in (("a.py", plain), ("b.py", old)):
        module = parse_module(path, text)
        module.release_tree()
        source = module.source
        assert cache.store(module, text)
        assert module.source is source  # storing leaves the module as it was
    entries = {entry.read_bytes() for entry in _entries(tmp_path / "cache")}
    assert not any(plain.encode() in entry for entry in entries)
    assert any(b"print('hi')" in entry or b"print ('hi')" in entry for entry in entries)

    text = "".join(plain)  # an equal text, another object: the one the audit read
    loaded = cache.load("a.py", text)
    assert loaded is not None and loaded.source is text
    [call] = loaded.calls
    assert call.kept is None and call.node is not None  # found again in the given text
    assert loaded.segment(call.node) == "os.makedirs(3)"
    repaired = cache.load("b.py", old)
    assert repaired is not None and repaired.source != old and "'hi'" in repaired.source


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path: Path, damage: bytes) -> None:
    """Truncated files, garbage, and a valid pickle of something else (the int 1)."""
    root = make_repo(tmp_path / "r", {"train.py": "import random\nrandom.seed(3)\n"})
    cache_dir = tmp_path / "cache"
    _indexed(root, IndexCache(cache_dir))
    [entry] = _entries(cache_dir)
    entry.write_bytes(damage)

    cache = IndexCache(cache_dir)
    repo = _indexed(root, cache)
    assert (cache.hits, cache.misses) == (0, 1)
    assert [c.name for c in repo.modules["train.py"].calls] == ["random.seed"]


def test_an_entry_of_another_path_under_this_key_is_a_miss(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache = IndexCache(cache_dir)
    text = "x = 1\n"
    cache.store(parse_module("other.py", text), text)
    [entry] = _entries(cache_dir)
    entry.rename(entry.with_name(f"{IndexCache.key('mine.py', text)}.pickle"))
    assert cache.load("mine.py", text) is None


def test_no_cache_reads_nothing_but_stores_fresh_entries(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "x = 1\n"})
    cache_dir = tmp_path / "cache"
    _indexed(root, IndexCache(cache_dir))
    [entry] = _entries(cache_dir)
    entry.write_bytes(b"stale")  # a read would miss on it; a fresh store replaces it

    cache = IndexCache(cache_dir, read=False)
    _indexed(root, cache)
    assert (cache.hits, cache.misses) == (0, 0)
    assert isinstance(cache.load_fresh("train.py", "x = 1\n"), PyModule)


def test_an_unwritable_cache_folder_does_not_stop_the_audit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "import torch\ntorch.manual_seed(1)\n"})
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    report = audit(root, cache_dir=blocker)
    assert report.facts.python_files == 1
    assert blocker.read_text() == "a file where the folder should be"


def test_other_fingerprints_folders_are_removed_when_a_new_one_is_made(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    stale = cache_dir / "index" / "py30-v0.0.1-f0-0000000000000000"
    stale.mkdir(parents=True)
    (stale / "old.pickle").write_bytes(b"old")
    IndexCache(cache_dir).store(parse_module("a.py", "x = 1\n"), "x = 1\n")
    assert [p.name for p in (cache_dir / "index").iterdir()] == [fingerprint()]


def test_the_fingerprint_follows_the_indexer_and_the_probes_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "auditor"
    files = {"pyast.py": "", "probes/methods.py": "", "report/html.py": "", "checks/c.py": ""}
    write_files(package, files)
    monkeypatch.setattr(indexcache.pyast, "__file__", str(package / "pyast.py"))
    seen = {fingerprint()}
    for changed in ("pyast.py", "probes/methods.py"):
        write_files(package, {changed: "# changed\n"})
        seen.add(fingerprint())
    assert len(seen) == 3
    write_files(package, {"report/html.py": "# changed\n", "checks/c.py": "# changed\n"})
    assert fingerprint() in seen
    monkeypatch.setattr(indexcache.yaml, "__version__", "0.0-other")  # another PyYAML
    assert fingerprint() not in seen


def test_cached_modules_keep_line_maps_and_python2_notes(tmp_path: Path) -> None:
    """What the repository adds to a module (notebook line map, read notes) is not cached."""
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# Search\n"]},
            {"cell_type": "code", "source": ["import torch\n", "torch.manual_seed(0)\n"]},
        ],
        "nbformat": 4,
        "metadata": {},
    }
    files = {"search.ipynb": json.dumps(notebook, indent=1), "old.py": "print 'hello'\n"}
    root = make_repo(tmp_path / "r", files)
    cache_dir = tmp_path / "cache"
    fresh = _indexed(root, IndexCache(cache_dir))
    cache = IndexCache(cache_dir)
    cached = _indexed(root, cache)
    assert cache.hits == 2
    assert cached.modules["search.ipynb"].line_map == fresh.modules["search.ipynb"].line_map
    assert cached.read_notes == fresh.read_notes != []


@pytest.mark.parametrize("folder", ["index", "stamp"])
def test_entries_others_could_have_written_are_not_read(tmp_path: Path, folder: str) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "x = 1\n"})
    cache_dir = tmp_path / "cache"
    _indexed(root, IndexCache(cache_dir))
    [entry] = _entries(cache_dir)
    shared = entry.parent if folder == "stamp" else entry.parent.parent
    assert shared.stat().st_mode & 0o777 == 0o700
    shared.chmod(0o770)

    cache = IndexCache(cache_dir)
    _indexed(root, cache)
    assert (cache.hits, cache.misses) == (0, 1)


def test_entries_older_than_a_month_are_pruned_once_a_day(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    text = "x = 1\n"
    IndexCache(cache_dir).store(parse_module("old.py", text), text)
    IndexCache(cache_dir).store(parse_module("new.py", text), text)
    old, new = (cache_dir / "index" / str(fingerprint())).glob("*.pickle")
    if IndexCache.key("old.py", text) not in old.name:
        old, new = new, old
    month_ago = time.time() - indexcache.MAX_AGE_SECONDS - 60
    os.utime(old, (month_ago, month_ago))
    marker = old.parent / ".pruned"
    os.utime(marker, (month_ago, month_ago))  # the last pruning was long ago

    IndexCache(cache_dir).store(parse_module("third.py", text), text)
    assert not old.exists() and new.exists()
    assert time.time() - marker.stat().st_mtime < 60

    os.utime(new, (month_ago, month_ago))  # pruned today already: kept until tomorrow
    IndexCache(cache_dir).store(parse_module("fourth.py", text), text)
    assert new.exists()
