"""The GitHub Action (action.yml) run here: its composite `run:` steps execute with bash and
fake GITHUB_* files, its `uses:` steps are recorded with their inputs, `if:` conditions and
`${{ }}` expressions are evaluated as GitHub would for the few forms action.yml uses. Only the
install step (pip from the package index) is left out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import make_repo
from nasfixtures import compliant_files

from selfcheck.helpers import ALL_YES, MIXED, no_final_training_files, repo_with_config

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_EXPR_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class Ran:
    """What a run of the action did."""

    exit_code: int = 0
    used: dict[str, dict[str, str]] = field(default_factory=dict)  # uses -> evaluated `with`
    outputs: dict[str, str] = field(default_factory=dict)  # the action's outputs
    log: str = ""
    summary: str = ""


def lookup(name: str, context: dict[str, Any]) -> str:
    value: Any = context
    for part in name.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return str(value)


def condition(expression: str, context: dict[str, Any]) -> bool:
    """`always() && a == 'x' && b != ''`: the only forms action.yml uses."""
    results = []
    for term in _EXPR_RE.sub(r"\1", expression).split("&&"):
        term = term.strip()
        if term == "always()":
            results.append(True)
            continue
        match = re.fullmatch(r"([\w.-]+) (==|!=) '([^']*)'", term)
        assert match, f"action.yml uses an expression this test cannot evaluate: {term!r}"
        equal = lookup(match[1], context) == match[3]
        results.append(equal if match[2] == "==" else not equal)
    return all(results)


def substitute(text: str, context: dict[str, Any]) -> str:
    return _EXPR_RE.sub(lambda m: lookup(m[1], context), str(text))


def run_action(tmp_path: Path, workspace: Path, **inputs: str) -> Ran:
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    assert set(inputs) <= set(defaults), inputs
    context: dict[str, Any] = {
        "inputs": defaults | inputs,
        "github": {"action_path": str(ROOT)},
        "steps": {},
    }
    ran, failed = Ran(), False
    summary = tmp_path / "step-summary.md"
    base = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(workspace),
    }
    for index, step in enumerate(ACTION["runs"]["steps"]):
        wanted = condition(step["if"], context) if "if" in step else True
        if not wanted or (failed and "always()" not in step.get("if", "")):
            continue
        if "uses" in step:
            ran.used[step["uses"]] = {
                k: substitute(v, context) for k, v in step.get("with", {}).items()
            }
            continue
        if step.get("id") == "install":
            continue  # installs from the package index; the venv running the tests has it
        outputs = tmp_path / f"output-{index}"
        outputs.touch()
        env = base | {k: substitute(v, context) for k, v in step.get("env", {}).items()}
        env["GITHUB_OUTPUT"] = str(outputs)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        ran.log += done.stdout + done.stderr
        if "id" in step:
            pairs = [line.split("=", 1) for line in outputs.read_text().splitlines()]
            context["steps"][step["id"]] = {"outputs": dict(pairs)}
        if done.returncode:
            failed, ran.exit_code = True, done.returncode
    ran.outputs = {k: substitute(v["value"], context) for k, v in ACTION["outputs"].items()}
    ran.summary = summary.read_text(encoding="utf-8") if summary.exists() else ""
    return ran


def test_the_action_declares_its_inputs_and_steps() -> None:
    assert ACTION["runs"]["using"] == "composite"
    inputs = set(ACTION["inputs"])
    assert {"path", "tier", "fail-on", "sarif", "python-version", "version"} <= inputs
    uses = [s["uses"].split("@")[0] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == [
        "actions/setup-python",
        "actions/upload-artifact",
        "github/codeql-action/upload-sarif",
    ]
    install = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "install")
    assert install["env"]["NAS_AUDIT_SOURCE"] == "${{ github.action_path }}"
    assert 'pip install --quiet "$NAS_AUDIT_SOURCE"' in install["run"]
    for step in ACTION["runs"]["steps"]:  # inputs reach scripts through env, never inline
        assert "${{" not in step.get("run", "")


def test_a_passing_check_writes_the_job_summary_and_uploads_html(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    repo_with_config(workspace / "paper", ALL_YES, compliant_files())
    ran = run_action(tmp_path, workspace, path="paper")
    assert ran.exit_code == 0, ran.log
    assert ran.outputs["exit-code"] == "0" and ran.outputs["sarif"] == ""
    assert (workspace / ran.outputs["html"]).is_file()
    assert ran.used["actions/setup-python@v5"] == {"python-version": "3.11"}
    assert ran.used["actions/upload-artifact@v4"]["path"] == "nas-audit-report"
    assert "github/codeql-action/upload-sarif@v3" not in ran.used
    assert ran.summary.startswith("## nas-audit check\n```text\nnas-audit check · paper @ ")
    assert "16 confirmed" in ran.summary
    markdown = (workspace / "nas-audit-report" / "nas-audit-report.md").read_text()
    assert ran.summary.endswith(markdown)


def test_a_failing_policy_fails_the_job_after_uploading_sarif(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    repo_with_config(workspace, MIXED, no_final_training_files())
    ran = run_action(tmp_path, workspace, sarif="true", **{"fail-on": "contradicted"})
    assert ran.exit_code == 1 and ran.outputs["exit-code"] == "1"
    sarif = ran.used["github/codeql-action/upload-sarif@v3"]["sarif_file"]
    assert sarif == "nas-audit-report/nas-audit-report.sarif" and (workspace / sarif).is_file()
    assert "actions/upload-artifact@v4" in ran.used
    assert "Contradicted:\n  R1  " in ran.summary
    assert "::error title=nas-audit::nas-audit: check failed (--fail-on contradicted)" in ran.log


@pytest.mark.parametrize(
    ("config", "inputs", "message"),
    [
        ("answers: {R1: {answer: perhaps}}\n", {}, "answers.R1.answer: Input should be"),
        ("answers: {}\n", {"sarif": "yes"}, "input sarif must be true or false, not 'yes'"),
        ("answers: {}\n", {"tier": "smoke"}, "--tier smoke needs a `rerun:` section"),
    ],
)
def test_input_errors_exit_2_and_say_why_in_the_summary(
    tmp_path: Path, config: str, inputs: dict[str, str], message: str
) -> None:
    workspace = make_repo(tmp_path / "ws", {"train.py": "print(1)\n", "nas-audit.yaml": config})
    ran = run_action(tmp_path, workspace, **inputs)
    assert ran.exit_code == 2 and ran.outputs["html"] == ""
    assert "actions/upload-artifact@v4" not in ran.used
    assert ran.summary.startswith("## nas-audit check\nnas-audit check could not run (exit 2)")
    assert message in ran.summary and message in ran.log
