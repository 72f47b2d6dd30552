"""`nas-audit init`: the commented nas-audit.yaml (golden files for the example and fixture
repositories), that it loads and checks as written, and that it never clobbers a file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import audit, make_repo
from nasfixtures import compliant_files
from naskinds import benchmark_release_files
from report.golden import assert_golden

from auditor.rerun.recipe import infer_recipe
from auditor.selfcheck.config import load_config
from auditor.selfcheck.init import render_init
from checklist import load_checklist
from selfcheck.helpers import run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tiny-nas"
CHECKLIST = load_checklist("lindauer-hutter-2020")


def assert_init_golden(request: pytest.FixtureRequest, name: str, text: str) -> None:
    """Golden files of `init` live in tests/selfcheck/golden (`pytest --update-golden`)."""
    assert_golden(request, f"../../selfcheck/golden/{name}", text)


def init_text(root: Path) -> str:
    return render_init(audit(root), infer_recipe(root), CHECKLIST)


@pytest.mark.parametrize(
    ("name", "files"),
    [("compliant", compliant_files), ("benchmark-release", benchmark_release_files)],
)
def test_init_golden_on_fixture_repositories(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    name: str,
    files: Callable[[], dict[str, str]],
) -> None:
    root = make_repo(tmp_path / name, files())
    assert_init_golden(request, f"init-{name}.yaml", init_text(root))


def test_init_golden_on_the_example(request: pytest.FixtureRequest) -> None:
    text = init_text(EXAMPLE)
    assert_init_golden(request, "init-tiny-nas.yaml", text)


def test_the_written_file_loads_and_checks_as_undeclared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "r", compliant_files())
    code, out, err = run(capsys, "init", str(root))
    assert code == 0 and out == ""
    assert f"nas-audit: wrote {root / 'nas-audit.yaml'}\n" in err
    assert "answer the 16 items" in err and "not a git repository" not in err
    config = load_config(root / "nas-audit.yaml", CHECKLIST)
    assert config.answers is not None and list(config.answers) == [i.id for i in CHECKLIST.items]
    assert all(a.answer is None and not a.where for a in config.answers.values())
    assert config.rerun is None and config.waive == {}  # its README runs no script
    code, out, _ = run(capsys, "check", str(root), "-q")
    assert code == 0 and "16 undeclared" in out and "tier static (" in out


def test_init_never_overwrites_and_force_keeps_numbered_backups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "print(1)\n"})
    config = root / "nas-audit.yaml"
    assert run(capsys, "init", str(root), "-q")[0] == 0
    fresh = config.read_text()
    config.write_text("answers: {R1: {answer: yes}}\n")
    code, _, err = run(capsys, "init", str(root), "-q")
    assert code == 2 and "nas-audit.yaml exists; edit it, or replace it with --force" in err
    assert config.read_text() == "answers: {R1: {answer: yes}}\n"
    code, _, err = run(capsys, "init", str(root), "-q", "--force")
    assert code == 0 and "(the old one is kept as nas-audit.yaml.bak)" in err
    assert (root / "nas-audit.yaml.bak").read_text() == "answers: {R1: {answer: yes}}\n"
    assert config.read_text() == fresh and oct(config.stat().st_mode & 0o777) == "0o644"
    code, _, err = run(capsys, "init", str(root), "-q", "--force")
    assert code == 0 and "kept as nas-audit.yaml.bak.1" in err
    assert (root / "nas-audit.yaml.bak.1").read_text() == fresh
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".nas-audit")) == []


def test_init_in_a_plain_folder_says_it_is_not_a_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "train.py").write_text("print(1)\n")
    code, _, err = run(capsys, "init", str(tmp_path), "-q")
    assert code == 0 and (tmp_path / "nas-audit.yaml").is_file()
    assert f"nas-audit: note: {tmp_path} is not a git repository" in err


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/definitely/not/here", "no such file or directory"),
        ("FILE", "is a file, not a directory"),
        ("https://github.com/o/r", "init works on a local folder"),
    ],
)
def test_init_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, message: str
) -> None:
    (tmp_path / "f.py").write_text("x = 1\n")
    code, _, err = run(capsys, "init", str(tmp_path / "f.py") if target == "FILE" else target)
    assert code == 2 and message in err and len(err.splitlines()) == 1


def test_init_in_a_read_only_folder(tmp_path: Path) -> None:
    bwrap = shutil.which("bwrap")
    probe = [bwrap or "bwrap", "--bind", "/", "/", "true"]
    if bwrap is None or subprocess.run(probe, capture_output=True, check=False).returncode:
        pytest.skip("needs bubblewrap (make system-deps) to mount a folder read-only")
    root = make_repo(tmp_path / "r", {"train.py": "print(1)\n"})
    done = subprocess.run(
        [bwrap, "--bind", "/", "/", "--ro-bind", str(root), str(root),
         sys.executable, "-m", "auditor", "init", str(root)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"nas-audit: error: {root}: cannot write here: Read-only file system\n"
    assert not (root / "nas-audit.yaml").exists()


def test_entry_points_listed_final_training_first_tests_left_out_and_bounded(
    tmp_path: Path,
) -> None:
    files = {
        f"tools/tool{k:02d}.py": "if __name__ == '__main__':\n    print(1)\n" for k in range(40)
    }
    files["train.py"] = (
        "import torch\n\ndef main(model, opt, data):\n    for epoch in range(10):\n"
        "        for x in data:\n            opt.zero_grad()\n            model(x).backward()\n"
        "            opt.step()\n\nif __name__ == '__main__':\n    main(None, None, [])\n"
    )
    files["tests/test_a.py"] = "def test_a():\n    assert True\n"
    text = init_text(make_repo(tmp_path / "r", files))
    listed = [line for line in text.splitlines() if line.startswith("#   ") and ".py:" in line]
    assert listed[0].startswith("#   train.py: final training")
    assert len(listed) == 30 and not any("tests/test_a.py" in line for line in listed)
    assert "#   … and 11 more (all of them: `nas-audit audit . -f json`," in text
