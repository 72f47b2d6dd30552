"""Every flag of `init` and `check` has help text and is documented in the README's section
"Self-check for authors"; the workflow there uses the action's real inputs."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
import yaml

from auditor.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Self-check for authors") : README.index("## How it works")]


def subcommand(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["init", "check", "audit"])
def test_every_flag_has_help(name: str) -> None:
    for action in subcommand(name)._actions:
        assert action.help, (name, action.dest)


@pytest.mark.parametrize("name", ["init", "check"])
def test_every_flag_is_in_the_readme(name: str) -> None:
    table = SECTION[SECTION.index(f"### `nas-audit {name}` options") :]
    for action in subcommand(name)._actions:
        for option in action.option_strings:
            if option not in ("-h", "--help"):
                assert f"`{option}" in table, (name, option)


def test_the_readme_workflow_uses_the_actions_inputs() -> None:
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    workflow = re.search(r"```yaml\n(# \.github/workflows/nas-audit\.yml.*?)```", SECTION, re.S)
    assert workflow is not None
    steps = yaml.safe_load(workflow[1])["jobs"]["self-check"]["steps"]
    used = next(s for s in steps if "nas-audit@" in s.get("uses", ""))
    assert set(used["with"]) <= inputs
    for name in inputs:
        assert f"`{name}`" in SECTION, name
