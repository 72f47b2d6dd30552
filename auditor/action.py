"""The run step of the GitHub Action (action.yml): `nas-audit check` with the action's inputs.

It writes the Markdown, HTML (and SARIF) reports into the output folder, appends the check's
summary and the Markdown report to the job summary ($GITHUB_STEP_SUMMARY), sets the step's
outputs ($GITHUB_OUTPUT: exit-code, report-dir, markdown, html, sarif) and exits 0 so the
report is uploaded; the action's last step exits with `exit-code`. Inputs come as environment
variables (never pasted into a shell script): NAS_AUDIT_PATH, NAS_AUDIT_TIER,
NAS_AUDIT_FAIL_ON, NAS_AUDIT_SARIF (true/false), NAS_AUDIT_OUTPUT_DIR.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

REPORT = "nas-audit-report"
MAX_SUMMARY_BYTES = 900 * 1024  # GitHub refuses job summaries over 1 MiB per step


def check_argv(env: Mapping[str, str]) -> list[str]:
    """The `nas-audit check` arguments for the inputs; ValueError on a bad input."""
    sarif = env.get("NAS_AUDIT_SARIF", "false").strip().lower()
    if sarif not in ("true", "false"):
        raise ValueError(f"input sarif must be true or false, not {sarif!r}")
    formats = "markdown,html" + (",sarif" if sarif == "true" else "")
    argv = [
        "check",
        env.get("NAS_AUDIT_PATH", "").strip() or ".",
        "--format",
        formats,
        "--output-dir",
        env.get("NAS_AUDIT_OUTPUT_DIR", "").strip() or REPORT,
    ]
    if tier := env.get("NAS_AUDIT_TIER", "").strip():
        argv += ["--tier", tier]
    if fail_on := env.get("NAS_AUDIT_FAIL_ON", "").strip():
        argv += ["--fail-on", fail_on]
    return argv


def _fence(text: str) -> str:
    """A Markdown code block that text from the repository cannot close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}\n"


def _annotation(message: str) -> str:
    """A workflow command that shows `message` as an error on the run's page."""
    data = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::error title=nas-audit::{data}"


def job_summary(code: int, summary: str, errors: str, markdown: Path) -> str:
    """The Markdown appended to $GITHUB_STEP_SUMMARY."""
    parts = ["## nas-audit check\n"]
    if code in (0, 1):
        parts.append(_fence(summary))
        if markdown.is_file():
            parts.append("\n" + markdown.read_text(encoding="utf-8", errors="replace"))
    else:
        last = errors.strip().splitlines()[-1:] or ["(no message)"]
        parts.append(f"nas-audit check could not run (exit {code}):\n\n{_fence(last[0])}")
    text = "".join(parts)
    if len(text.encode()) > MAX_SUMMARY_BYTES:
        text = text.encode()[:MAX_SUMMARY_BYTES].decode(errors="ignore")
        text += "\n\n(cut: the full report is in the uploaded artifact)\n"
    return text


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def run(env: Mapping[str, str], python: str = sys.executable) -> int:
    """Run the check, write the job summary and outputs; the check's exit code."""
    try:
        argv = check_argv(env)
    except ValueError as exc:
        print(_annotation(str(exc)))
        code, out_dir = 2, Path(REPORT)
        summary, errors = "", f"nas-audit: error: {exc}"
    else:
        out_dir = Path(argv[argv.index("--output-dir") + 1])
        done = subprocess.run(
            [python, "-m", "auditor", *argv], capture_output=True, text=True, check=False
        )
        code, summary, errors = done.returncode, done.stdout, done.stderr
        sys.stdout.write(summary)
        sys.stderr.write(errors)
        if code != 0 and errors.strip():
            print(_annotation(errors.strip().splitlines()[-1]))
    reports = {ext: out_dir / f"{REPORT}.{ext}" for ext in ("md", "html", "sarif")}
    _append(env.get("GITHUB_STEP_SUMMARY"), job_summary(code, summary, errors, reports["md"]))
    outputs = {
        "exit-code": str(code),
        "report-dir": str(out_dir),
        "markdown": str(reports["md"]) if reports["md"].is_file() else "",
        "html": str(reports["html"]) if reports["html"].is_file() else "",
        "sarif": str(reports["sarif"]) if reports["sarif"].is_file() else "",
    }
    lines = (f"{k}={' '.join(v.splitlines())}\n" for k, v in outputs.items())  # one line each
    _append(env.get("GITHUB_OUTPUT"), "".join(lines))
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m auditor.action`: always exits 0; the outputs carry the check's exit code."""
    del argv
    run(os.environ)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
