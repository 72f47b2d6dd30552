"""`nas-audit audit --rerun` end to end: the re-run block lands in the report and its results
become evidence for the checklist items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import make_repo

from auditor.cli import main

TRAIN = """
import argparse
import random

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    random.seed(args.seed)
    print(f"valid_acc {90 + random.random():.4f}")
"""
MANIFEST = """
rerun:
  command: "python train.py --seed {seed} --epochs {epochs}"
  params: {epochs: 1}
  seeds: [0, 1]
  repeats: 2
  timeout: 60
  metrics:
    - {name: valid_acc, from: stdout, pattern: 'valid_acc ([0-9.]+)', goal: max}
  claims:
    - {metric: valid_acc, value: CLAIM, source: README}
"""
README = "# Fixture\n\n```bash\npython train.py --seed 0 --epochs 3\n```\n"


def rerun_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    code = main(["audit", *argv, "--format", "json", "-q", "--cache-dir", str(tmp_path / "c")])
    assert code == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def statuses(report: dict, signal: str) -> str:  # type: ignore[type-arg]
    item = next(i for i in report["items"] if i["id"] == signal.split(".")[0])
    return next(f["outcome"] for f in item["findings"] if f["signal"] == signal)


def test_manifest_rerun_in_a_subdirectory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "paper/train.py": TRAIN,
            "paper/nas-audit.yaml": MANIFEST.replace("CLAIM", "90.5"),
        },
    )
    report = rerun_json(tmp_path, capsys, str(root / "paper"), "--rerun", "--jobs", "2")
    rerun = report["rerun"]
    assert rerun["totals"]["by_status"] == {"ok": 4}
    assert rerun["deterministic"] is True
    assert rerun["claims"][0]["verdict"] == "reproduced"
    assert statuses(report, "R1.rerun-completes") == "true"
    assert statuses(report, "R3.rerun-deterministic") == "true"
    assert statuses(report, "C7.rerun-claims") == "true"
    assert "rerun" not in report["facts"]


def test_claim_far_off_is_not_reproduced_and_fails_the_signal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "r", {"train.py": TRAIN})
    manifest = tmp_path / "reviewer.yaml"
    manifest.write_text(MANIFEST.replace("CLAIM", "97.2"))
    report = rerun_json(tmp_path, capsys, str(root), "--manifest", str(manifest))
    assert report["rerun"]["claims"][0]["verdict"] == "not_reproduced"
    assert statuses(report, "C7.rerun-claims") == "false"


def test_no_manifest_is_a_usage_error_that_proposes_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "r", {"train.py": TRAIN, "README.md": README})
    assert main(["audit", str(root), "--rerun", "-q"]) == 2
    err = capsys.readouterr().err
    assert "no nas-audit.yaml with a `rerun:` section" in err
    assert "python train.py" in err and "--rerun inferred" in err


def test_inferred_recipe_runs_with_rerun_inferred(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "r", {"train.py": TRAIN, "README.md": README})
    report = rerun_json(tmp_path, capsys, str(root), "--rerun", "inferred")
    assert report["rerun"]["manifest_source"] == "inferred"
    assert report["rerun"]["totals"]["by_status"].get("ok", 0) >= 2


def test_rerun_flag_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", ".", "--rerun", "--jobs", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err
    assert main(["audit", ".", "--rerun", "sometimes"]) == 2
    assert "invalid choice" in capsys.readouterr().err
