"""`nas-audit check --tier`: static runs nothing, smoke runs the first seed once with the smoke
params and a short timeout, full runs the manifest; without --tier, `rerun.smoke` decides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import make_repo

from selfcheck.helpers import run

TRAIN = """
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--epochs", type=int, default=3)
args = parser.parse_args()
print(f"epochs {args.epochs}")
print(f"valid_acc {90 + args.seed + args.epochs / 100:.4f}")
"""
MANIFEST = """
rerun:
  command: "python train.py --seed {seed} --epochs {epochs}"
  params: {epochs: 50}
  seeds: [3, 4]
  repeats: 2
  timeout: 600
  metrics:
    - {name: valid_acc, from: stdout, pattern: 'valid_acc ([0-9.]+)', goal: max}
  claims:
    - {metric: valid_acc, value: 93.5, source: README}
"""
SMOKE = "  smoke:\n    params: {epochs: 1}\n"


def check_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: str, *flags: str
) -> tuple[dict, str]:  # type: ignore[type-arg]
    root = make_repo(tmp_path / "r", {"train.py": TRAIN, "nas-audit.yaml": manifest})
    out_dir = tmp_path / "out"
    argv = [
        "check",
        str(root),
        "-f",
        "json",
        "--output-dir",
        str(out_dir),
        "-q",
        "--fail-on",
        "none",
    ]
    code, out, err = run(capsys, *argv, "--cache-dir", str(tmp_path / "cache"), *flags)
    assert code == 0, out + err
    return json.loads((out_dir / "nas-audit-report.json").read_text()), out


@pytest.mark.slow
def test_default_tier_is_smoke_when_the_manifest_allows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, summary = check_json(tmp_path, capsys, MANIFEST + SMOKE)
    assert "tier smoke (" in summary.splitlines()[0] and "has rerun.smoke)" in summary
    rerun = report["rerun"]
    assert (rerun["seeds"], rerun["repeats"], rerun["params"]) == ([3], 1, {"epochs": 1})
    assert rerun["manifest_source"].endswith("nas-audit.yaml (smoke)")
    assert rerun["claims"] == [] and rerun["totals"]["by_status"] == {"ok": 1}
    assert rerun["runs"][0]["metrics"]["valid_acc"]["value"] == pytest.approx(93.01)
    assert "Re-run: `python train.py" in summary


@pytest.mark.slow
def test_full_tier_runs_the_manifest_and_static_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, summary = check_json(tmp_path, capsys, MANIFEST + SMOKE, "--tier", "full")
    assert "tier full (--tier full)" in summary
    rerun = report["rerun"]
    assert (rerun["seeds"], rerun["repeats"], rerun["params"]) == ([3, 4], 2, {"epochs": 50})
    assert rerun["totals"]["by_status"] == {"ok": 4} and len(rerun["claims"]) == 1
    static, summary = check_json(tmp_path / "s", capsys, MANIFEST + SMOKE, "--tier", "static")
    assert static["rerun"] is None and "tier static (--tier static)" in summary
    plain, summary = check_json(tmp_path / "p", capsys, MANIFEST)
    assert plain["rerun"] is None and "has no rerun.smoke)" in summary
