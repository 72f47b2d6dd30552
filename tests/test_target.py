"""Opening targets: local paths, subdirectories, URLs, refs, and every bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import git, make_repo

from auditor.errors import TargetError
from auditor.target import open_target, permalink_base


def test_local_git_repo_records_commit_and_permalink(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "print(1)\n"})
    snap = open_target(str(root))
    assert snap.is_git and not snap.dirty
    assert snap.commit == git(root, "rev-parse", "HEAD").strip()
    assert snap.permalink_base == f"https://github.com/example/nas-repo/blob/{snap.commit}/"


def test_dirty_repo_has_no_permalink(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "print(1)\n"})
    (root / "train.py").write_text("print(2)\n")
    snap = open_target(str(root))
    assert snap.dirty and snap.permalink_base is None


def test_subdirectory_permalinks_carry_prefix(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"sub/train.py": "x = 1\n"})
    snap = open_target(str(root / "sub"))
    assert snap.permalink_base is not None and snap.permalink_base.endswith("/sub/")


def test_plain_directory_is_not_git(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    snap = open_target(str(tmp_path))
    assert not snap.is_git and snap.commit is None and snap.permalink_base is None


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:o/r.git", "https://github.com/o/r/blob/C/"),
        ("https://user:token@github.com/o/r.git", "https://github.com/o/r/blob/C/"),
        ("ssh://git@gitlab.com/g/s/r.git", "https://gitlab.com/g/s/r/-/blob/C/"),
        ("/local/path", None),
        ("file:///srv/r.git", None),
        ('https://github.com/o/r"><img src=x onerror=alert(1)>', None),
        ("https://github.com/o/r?x=javascript:alert(1)", None),
        ("https://host:8443/g/r.git", "https://host:8443/g/r/blob/C/"),
    ],
)
def test_permalink_base_forms(remote: str, expected: str | None) -> None:
    assert permalink_base(remote, "C") == expected


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="no such file"):
        open_target(str(tmp_path / "nope"))


def test_file_instead_of_directory(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("")
    with pytest.raises(TargetError, match="is a file"):
        open_target(str(tmp_path / "f.py"))


def test_clone_file_url_and_ref(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "origin", {"train.py": "x = 1\n"})
    git(root, "tag", "v1")
    snap = open_target(f"file://{root}", ref="v1", cache_dir=tmp_path / "cache")
    assert (snap.root / "train.py").is_file()
    assert snap.commit == git(root, "rev-parse", "HEAD").strip()


def test_unknown_ref(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "origin", {"train.py": "x = 1\n"})
    with pytest.raises(TargetError, match="--ref 'nope' does not exist"):
        open_target(f"file://{root}", ref="nope", cache_dir=tmp_path / "cache")


def test_url_that_does_not_resolve(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="cannot clone"):
        open_target(f"file://{tmp_path}/missing.git", cache_dir=tmp_path / "cache")


def test_url_needing_credentials_fails_without_prompt(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="cannot clone"):
        open_target("https://127.0.0.1:9/private/repo.git", cache_dir=tmp_path / "cache")


def test_empty_repository_clone(tmp_path: Path) -> None:
    origin = tmp_path / "empty"
    origin.mkdir()
    git(origin, "init", "-q", "--bare")
    snap = open_target(f"file://{origin}", cache_dir=tmp_path / "cache")
    assert snap.commit is None


def test_ref_on_local_path_is_a_usage_error(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"a.py": ""})
    with pytest.raises(TargetError, match="--ref applies to URLs"):
        open_target(str(root), ref="main")


def test_without_git_the_error_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "x = 1\n"})
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(TargetError, match="git is not installed"):
        open_target(str(root))
