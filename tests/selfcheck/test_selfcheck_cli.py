"""`nas-audit check` and `audit` with declared answers, end to end on fixture repositories:
verdicts, the summary, the policy's exit codes, formats, tiers and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import make_repo

from selfcheck.helpers import ALL_YES, MIXED, no_final_training_files, repo_with_config, run


def test_a_backed_up_repository_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo_with_config(tmp_path / "r", ALL_YES)
    code, out, err = run(capsys, "check", str(root))
    assert code == 0, out + err
    assert out.startswith("nas-audit check · ") and "tier static" in out.splitlines()[0]
    assert "16 confirmed" in out
    assert "Confirmed: R1, R2, R3, R4, R5, C1, C2, C3, C4, C5, C6, C7, C8, D1, D2, D3" in out
    assert err.splitlines()[-1] == (
        "nas-audit: check passed (--fail-on contradicted,releasing-code:fail)"
    )
    assert "opening" in err  # progress on stderr
    code, _, err = run(capsys, "check", str(root), "-q")
    assert (
        code == 0
        and err == "nas-audit: check passed (--fail-on contradicted,releasing-code:fail)\n"
    )


def test_contradictions_fail_the_default_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo_with_config(tmp_path / "r", MIXED, no_final_training_files())
    code, out, err = run(capsys, "check", str(root), "-q")
    assert code == 1
    lines = out.splitlines()
    assert lines[1].startswith("Declared answers (") and lines[2] == "Contradicted:"
    assert lines[3].startswith("  R1  Final-evaluation training pipeline")
    assert lines[4].startswith("      Declared yes, but the audit found no evidence (fail)")
    assert "Searched: " in lines[4] and "where: train_search.py holds no evidence" not in out
    assert "  C6  " in out and "finds the item applies (pass)" in out
    assert "Unsupported paths:\n  R2  " in out and "env/missing.yml does not exist" in out
    assert "Unverified (a person must check):\n  C4  " in out
    assert "Honest gaps:\n  R3  " in out
    assert err == (
        "nas-audit: check failed (--fail-on contradicted,releasing-code:fail): "
        "contradicted: R1, C6; releasing-code:fail: R1, R3\n"
    )


def test_waived_items_never_fail_a_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    waived = MIXED + (
        "waive:\n"
        "  R1: {reason: accepted, note: 'final training comes with the camera-ready'}\n"
        "  R3: {reason: accepted, note: 'same'}\n"
        "  C6: {reason: false-positive, note: 'we compare with published numbers'}\n"
    )
    root = repo_with_config(tmp_path / "r", waived, no_final_training_files())
    code, out, _ = run(capsys, "check", str(root), "-q")
    assert code == 0, out
    assert "Waived (no policy fails on them):\n  R1  accepted: final training comes" in out
    assert "Contradicted:\n  R1  " in out  # the waived item keeps its verdict


@pytest.mark.parametrize(
    ("fail_on", "code", "why"),
    [
        (["none"], 0, None),
        (["unsupported_path"], 1, "unsupported_path: R2"),
        (["comparing-methods:needs_review"], 1, "comparing-methods:needs_review: C4"),
        (["C:needs_review", "honest_gap"], 1, "C:needs_review: C4; honest_gap: R3"),
        (["reporting-details:fail"], 0, None),
        (["releasing:fail"], 2, "'releasing' is neither a section"),
        (["maybe"], 2, "unknown status maybe"),
    ],
)
def test_fail_on_statuses_agreements_and_sections(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fail_on: list[str],
    code: int,
    why: str | None,
) -> None:
    root = repo_with_config(tmp_path / "r", MIXED, no_final_training_files())
    flags = [arg for value in fail_on for arg in ("--fail-on", value)]
    found, _, err = run(capsys, "check", str(root), "-q", *flags)
    assert found == code, err
    if why:
        assert why in err and len(err.splitlines()) == 1


def test_audit_shows_declarations_and_fails_on_agreements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    waived = MIXED + "waive:\n  R3: {reason: accepted, note: 'camera-ready'}\n"
    root = repo_with_config(tmp_path / "r", waived, no_final_training_files())
    code, out, _ = run(capsys, "audit", str(root), "-q", "-f", "json")
    assert code == 0  # audit has no policy unless --fail-on says so
    items = {i["id"]: i for i in json.loads(out)["items"]}
    assert items["R1"]["declaration"]["agreement"] == "contradicted"
    assert items["R1"]["declaration"]["justification"] == "we think so"
    assert items["R2"]["declaration"]["unsupported_paths"] == ["env/missing.yml"]
    assert items["D1"]["declaration"]["agreement"] == "undeclared"
    assert items["R3"]["waiver"] == {"reason": "accepted", "note": "camera-ready"}
    assert items["R3"]["status"] == "fail" and items["R3"]["evidence"]  # keeps its verdict
    code, _, err = run(
        capsys, "audit", str(root), "-q", "--fail-on", "contradicted", "-o", "/dev/null"
    )
    assert (
        code == 1
        and err == "nas-audit: audit failed (--fail-on contradicted): contradicted: R1, C6\n"
    )
    code, _, _ = run(capsys, "audit", str(root), "-q", "--fail-on", "R3:fail", "-o", "/dev/null")
    assert code == 0  # R3 fails, but it is waived


def test_a_report_on_stdout_moves_the_summary_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo_with_config(tmp_path / "r", MIXED, no_final_training_files())
    code, out, err = run(capsys, "check", str(root), "-q", "-f", "json")
    assert code == 1
    assert json.loads(out)["items"][0]["declaration"]["agreement"] == "contradicted"
    assert err.startswith("nas-audit check · ") and "Contradicted:" in err


def test_every_format_shows_declarations_and_waivers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = "final training comes with the camera-ready"
    waived = MIXED + f"waive:\n  R3: {{reason: accepted, note: '{note}'}}\n"
    root = repo_with_config(tmp_path / "r", waived, no_final_training_files())
    out_dir = tmp_path / "out"
    code, out, _ = run(
        capsys,
        "check",
        str(root),
        "-q",
        "-f",
        "json,markdown,html,sarif",
        "--output-dir",
        str(out_dir),
    )
    assert code == 1 and out.startswith("nas-audit check")  # the summary keeps stdout
    for ext in ("json", "md", "html", "sarif"):
        text = (out_dir / f"nas-audit-report.{ext}").read_text(encoding="utf-8")
        assert note in text, ext
        assert "contradicted" in text.lower(), ext


BAD = [
    ("answers:\n  R1: {answer: yep}\n", "nas-audit.yaml:2: answers.R1.answer: Input should be"),
    (
        "answers:\n  R1: {answer: yes}\n  R1: {answer: no}\n",
        "nas-audit.yaml:3: answers.R1: duplicate",
    ),
    ("answers:\n  Q1: {answer: yes}\n", "nas-audit.yaml:2: answers.Q1: 'Q1' is not an item"),
    ("anwsers: {}\n", "nas-audit.yaml:1: anwsers: unknown top-level key"),
    ("answers: [\n", "nas-audit.yaml:2: YAML syntax error"),
]


@pytest.mark.parametrize(("config", "message"), BAD)
@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_bad_nas_audit_yaml_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, config: str, message: str
) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "print(1)\n", "nas-audit.yaml": config})
    code, out, err = run(capsys, command, str(root), "-q")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("nas-audit: error: ")
    assert message in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "/definitely/not/here"], "no such file or directory"),
        (["check", "https://github.com/o/r"], "check works on a local folder"),
        (["check", "REPO", "--tier", "smoke"], "--tier smoke needs a `rerun:` section"),
        (["check", "REPO", "--tier", "full"], "--tier full needs a `rerun:` section"),
        (["check", "REPO", "--tier", "fast"], "invalid choice: 'fast'"),
        (["check", "REPO", "-f", "json,html"], "2 formats (json, html) need --output-dir DIR"),
        (["check", "REPO", "--fail-on", ""], "empty policy"),
    ],
)
def test_check_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    root = make_repo(tmp_path / "r", {"train.py": "print(1)\n"})
    code, _, err = run(capsys, *(str(root) if a == "REPO" else a for a in argv))
    assert code == 2 and message in err, err


def test_check_of_a_folder_without_git_or_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "train.py").write_text("print(1)\n")
    code, out, _ = run(capsys, "check", str(tmp_path), "-q")
    assert code == 1  # releasing-code items fail
    assert "tier static (no nas-audit.yaml)" in out
    assert "@ no commit" in out.splitlines()[0]
    assert f"Declared answers: none (no nas-audit.yaml in {tmp_path}; `nas-audit init`" in out
