"""The command line, in-process: exit codes, formats, progress on stderr, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import git, make_repo, write_files

from auditor.cli import main
from auditor.models import AuditReport

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def small_repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "repo",
        {
            "train.py": """
            import argparse
            import torch
            parser = argparse.ArgumentParser()
            parser.add_argument("--seed", type=int, default=0)
            args = parser.parse_args()
            torch.manual_seed(args.seed)
            if __name__ == "__main__":
                print(args)
        """,
            "README.md": "# Tiny\n",
        },
    )


def test_checklist_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "checklist", "--format", "json")
    assert code == 0 and len(json.loads(out)["sections"]) == 3
    code, out, _ = run(capsys, "checklist", "--format", "markdown")
    assert code == 0 and "### C6. Comparison to random search" in out
    code, out, _ = run(capsys, "checklist", "--format", "schema")
    assert code == 0 and json.loads(out)["title"] == "Checklist"


def test_audit_json_keeps_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = small_repo(tmp_path)
    code, out, err = run(capsys, "audit", str(root), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == "1"
    assert data["tool"]["name"] == "nas-audit"
    assert len(data["target"]["commit"]) == 40
    assert data["checklist"]["id"] == "lindauer-hutter-2020"
    assert [i["id"] for i in data["items"]][:3] == ["R1", "R2", "R3"]
    assert {i["status"] for i in data["items"]} <= {
        "pass",
        "partial",
        "fail",
        "not_applicable",
        "needs_review",
    }
    seed = data["facts"]["seed_calls"][0]
    assert (seed["path"], seed["line"], seed["call"]) == ("train.py", 6, "torch.manual_seed")
    assert "opening" in err  # progress goes to stderr
    assert "unchanged since an earlier audit" not in err
    AuditReport.model_validate(data)

    code, _, err = run(capsys, "audit", str(root), "--format", "json")
    assert "1 of 1 Python files unchanged since an earlier audit" in err
    code, _, err = run(capsys, "audit", str(root), "--format", "json", "--no-cache")
    assert "unchanged since an earlier audit" not in err


def test_text_output_to_file_and_fail_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = small_repo(tmp_path)
    out_file = tmp_path / "out" / "report.txt"
    code, out, err = run(capsys, "audit", str(root), "--output", str(out_file), "--fail-on", "fail")
    assert code == 1  # this tiny repo fails items (no search code, no random search, ...)
    assert out == "" and "wrote" in err
    text = out_file.read_text()
    assert "R1" in text and "D3" in text
    json_file = tmp_path / "report.json"
    run(capsys, "audit", str(root), "-q", "--format", "json", "-o", str(json_file))
    present = {item["status"] for item in json.loads(json_file.read_text())["items"]}
    absent = sorted({"pass", "partial", "fail", "not_applicable", "needs_review"} - present)
    assert absent, present
    code, _, _ = run(capsys, "audit", str(root), "-q", "--fail-on", absent[0], "-o", str(out_file))
    assert code == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["audit", "/definitely/not/here"], "no such file or directory"),
        (["audit", "--fail-on", "bogus", "."], "unknown status bogus"),
        (["audit", ".", "--max-file-size", "lots"], "not a size"),
        (["audit", ".", "--checklist", "nope"], "unknown checklist 'nope'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_and_input_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2


def test_file_instead_of_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "train.py").write_text("x = 1\n")
    code, _, err = run(capsys, "audit", str(tmp_path / "train.py"))
    assert code == 2 and "is a file, not a directory" in err


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = small_repo(tmp_path)
    (tmp_path / "blocker").write_text("")
    code, _, err = run(
        capsys, "audit", str(root), "-q", "--output", str(tmp_path / "blocker" / "r.json")
    )
    assert code == 2 and "cannot write" in err


def test_schema_command_matches_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    committed = (ROOT / "docs" / "report.schema.json").read_text()
    assert code == 0
    assert out == committed, (
        "the report model changed: run `nas-audit schema > docs/report.schema.json` and bump "
        "SCHEMA_VERSION in auditor/models.py if the change is not backward compatible"
    )


def test_static_audit_never_imports_torch(tmp_path: Path) -> None:
    root = small_repo(tmp_path)
    argv = ["audit", str(root), "--format", "json", "-q", "-o", str(tmp_path / "r.json")]
    code = (
        "import sys\nfrom auditor.cli import main\n"
        f"rc = main({argv!r})\n"
        "assert rc == 0, rc\n"
        "heavy = sorted(m for m in ('torch', 'tensorflow', 'jax', 'numpy') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.strip() == ""


# parsers a second audit of an unchanged repository never runs (results kept with the index)
_PARSER_MODULES = (
    "auditor.probes.docs_topics",  # README topics
    "auditor.probes.configparse",  # config files
    "auditor.probes.search_space",  # per-module scans
    "auditor.probes.retrain",
    "auditor.probes.logdata",  # committed logs (there are none here)
    "auditor.probes.logtext",
    "tomllib",  # pyproject.toml (there is none here)
    "configparser",
)


def test_a_second_audit_of_an_unchanged_repository_loads_no_parser(tmp_path: Path) -> None:
    """What the first audit found in single files comes from the cache in the second, so its
    process does not import the modules that find it (their start-up is most of a second
    audit's fixed cost), nor compile the per-module scans' patterns; the first audit's
    process does."""
    root = small_repo(tmp_path)
    write_files(root, {"configs/search.yaml": "seed: 3\nlr: 0.1\n"})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "config")
    argv = ["audit", str(root), "--format", "json", "-q", "--cache-dir", str(tmp_path / "cache")]
    code = (
        "import re, sys\nfrom auditor.cli import main\n"
        # which modules' lazily compiled patterns (auditor.lazyre) the audit compiles
        "lazy, compile = set(), re.compile\n"
        "def spy(*args, **kwargs):\n"
        "    if sys._getframe(1).f_code.co_filename.endswith('lazyre.py'):\n"
        "        lazy.add(sys._getframe(2).f_globals['__name__'])\n"
        "    return compile(*args, **kwargs)\n"
        "re.compile = spy\n"
        f"assert main({argv!r} + ['-o', sys.argv[1]]) == 0\n"
        f"print(','.join(m for m in {_PARSER_MODULES!r} if m in sys.modules))\n"
        "print(','.join(sorted(lazy)))\n"
    )
    loaded, lazy = zip(
        *(
            subprocess.run(
                [sys.executable, "-c", code, str(tmp_path / f"{n}.json")],
                capture_output=True,
                text=True,
                check=True,
                cwd=tmp_path,
            ).stdout.split("\n")[:2]
            for n in (1, 2)
        ),
        strict=True,
    )
    assert set(loaded[0].split(",")) >= set(_PARSER_MODULES[:4])
    assert loaded[1] == ""
    per_module = {"auditor.probes.protocol", "auditor.probes.methods"}
    assert set(lazy[0].split(",")) >= per_module
    assert not set(lazy[1].split(",")) & per_module
    first, second = (json.loads((tmp_path / f"{n}.json").read_text()) for n in (1, 2))
    assert first["items"] == second["items"] and first["facts"] == second["facts"]


def test_the_process_exits_quickly_with_all_its_output_and_exit_code(tmp_path: Path) -> None:
    """`python -m auditor` leaves through os._exit: a report piped to stdout arrives whole,
    and the exit code is main's."""
    root = small_repo(tmp_path)
    command = [sys.executable, "-m", "auditor", "audit", str(root), "--format", "json", "-q"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["facts"]["seed_calls"]
    failing = subprocess.run([*command, "--fail-on", "fail"], capture_output=True, check=False)
    assert failing.returncode == 1
    out = tmp_path / "report.json"
    closed = subprocess.run(  # stdout closed at start: Python's sys.stdout is None
        ["sh", "-c", '"$@" >&-', "sh", *command, "-o", str(out)], capture_output=True, check=False
    )
    assert closed.returncode == 0, closed.stderr
    assert json.loads(out.read_text())["facts"]["seed_calls"]


def test_the_program_looks_for_no_pydantic_plugins(tmp_path: Path) -> None:
    """`python -m auditor` tells pydantic there are no plugins (importlib.metadata stays
    unloaded) and a static JSON audit loads no re-run, template or clone machinery."""
    root = small_repo(tmp_path)
    argv = ["nas-audit", "audit", str(root), "--format", "json", "-q", "-o", str(tmp_path / "r")]
    unwanted = ("importlib.metadata", "jinja2", "git", "auditor.rerun.api")
    code = (
        "import os, sys\nfrom auditor import __main__\n"
        f"sys.argv = {argv!r}\n"
        "os_exit = os._exit\n"
        "def leave(code):\n"
        f"    loaded = [m for m in {unwanted!r} if m in sys.modules]\n"
        "    print(code, ','.join(loaded), flush=True)\n"
        "    os_exit(0)\n"
        "os._exit = leave\n"
        "__main__.run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.split() == ["0"], result.stdout


def test_the_plugin_stand_in_gives_way_to_the_real_loader() -> None:
    """Asked for anything but `get_plugins`, the stand-in loads pydantic's own loader."""
    code = (
        "import sys\nfrom auditor.__main__ import skip_pydantic_plugins\n"
        "skip_pydantic_plugins()\nfrom pydantic import BaseModel\n"
        "class M(BaseModel):\n    x: int = 0\n"
        "assert M(x=1).x == 1 and 'importlib.metadata' not in sys.modules\n"
        "stand_in = sys.modules['pydantic.plugin._loader']\n"
        "assert not hasattr(stand_in, 'no_such_name')\n"
        "assert sys.modules['pydantic.plugin._loader'] is not stand_in\n"
        "assert 'importlib.metadata' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_report_in_bytes_reaches_a_stdout_that_takes_text_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """JSON is rendered as UTF-8 bytes; a stdout without a byte buffer gets the text."""
    import io

    from auditor.cli import _write

    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    _write("before ", None)
    _write('{"name": "café"}\n'.encode(), None)
    assert stdout.getvalue() == 'before {"name": "café"}\n'


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("nas-audit ")
