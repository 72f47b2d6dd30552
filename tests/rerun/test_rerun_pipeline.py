"""End-to-end re-runs of tiny fixture repositories: determinism, claims, bad runs, cache."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from builders import make_repo
from conftest import FAST, RerunFn

from auditor.rerun import RerunError, load_manifest, run_rerun

MANIFEST = """
rerun:
  command: "python train.py --seed {seed} --epochs {epochs}"
  params: {epochs: 3}
  seeds: [0, 1, 2]
  repeats: 2
  timeout: 30
  metrics:
    - name: valid_acc
      pattern: 'valid_acc ([0-9.]+)'
      goal: max
  claims:
    - metric: valid_acc
      value: %(claim)s
      source: "README, Table 1"
"""

SEEDED = """
import argparse, random
parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--epochs", type=int, default=50)
args = parser.parse_args()
random.seed(args.seed)
acc = 90.0
for epoch in range(args.epochs):
    acc += random.random()
    print("epoch %d valid_acc %f" % (epoch, acc))
"""


def _files(script: str, claim: float = 91.9, manifest: str = MANIFEST) -> dict[str, str]:
    return {"train.py": script, "nas-audit.yaml": manifest % {"claim": claim}}


def test_deterministic_compliant_repo_reproduces_its_claim(rerun: RerunFn) -> None:
    result = rerun(_files(SEEDED))
    assert [r.status for r in result.runs] == ["ok"] * 6
    (metric,) = result.metrics
    assert metric.deterministic is True and result.deterministic is True
    assert all(d.bitwise_equal and d.abs_diff == 0.0 for d in metric.repeats)
    assert metric.n_seeds == 3 and metric.std is not None and metric.std > 0
    (claim,) = result.claims
    assert claim.verdict == "reproduced", claim.reason
    assert claim.source == "README, Table 1"
    assert result.totals.by_status == {"ok": 6}
    json.dumps(result.model_dump(mode="json"))  # the report block is plain JSON


def test_unseeded_script_is_flagged_non_deterministic(rerun: RerunFn) -> None:
    unseeded = SEEDED.replace("random.seed(args.seed)", "")
    result = rerun(_files(unseeded))
    (metric,) = result.metrics
    assert metric.deterministic is False
    assert any(d.bitwise_equal is False and (d.rel_diff or 0) > 0 for d in metric.repeats)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_numpy_seeded_but_torch_not_differs_between_repeats(rerun: RerunFn) -> None:
    script = """
    import argparse
    import numpy as np
    import torch
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int)
    parser.add_argument("--epochs", type=int)
    args = parser.parse_args()
    np.random.seed(args.seed)
    acc = 90 + np.random.rand() + torch.rand(1).item()
    print("valid_acc %.8f" % acc)
    """
    manifest = MANIFEST.replace("seeds: [0, 1, 2]", "seeds: [0]")
    result = rerun(_files(script, manifest=manifest))
    assert [r.status for r in result.runs] == ["ok", "ok"]
    (diff,) = result.metrics[0].repeats
    assert diff.bitwise_equal is False and diff.abs_diff is not None and diff.abs_diff > 0


def test_claim_far_off_is_not_reproduced_with_gap_in_std(rerun: RerunFn) -> None:
    (claim,) = rerun(_files(SEEDED, claim=97.24)).claims
    assert claim.verdict == "not_reproduced"
    assert claim.direction == "lower" and claim.gap is not None and claim.gap < -4
    assert claim.gap_in_std is not None and claim.gap_in_std < -3
    assert "lower than claimed" in claim.reason and "worse than claimed" in claim.reason


def test_crash_is_failed_with_log_tail_and_claim_inconclusive(rerun: RerunFn) -> None:
    crash = SEEDED + "\nraise RuntimeError('CUDA out of memory (pretend)')\n"
    result = rerun(_files(crash))
    assert {r.status for r in result.runs} == {"failed"}
    run = result.runs[0]
    assert run.exit_code == 1 and "CUDA out of memory (pretend)" in run.stderr_tail
    assert "RuntimeError" in run.reason
    assert result.claims[0].verdict == "inconclusive"


def test_command_not_found(rerun: RerunFn) -> None:
    manifest = MANIFEST.replace("python train.py", "trainx")
    result = rerun(_files(SEEDED, manifest=manifest))
    assert {r.status for r in result.runs} == {"command_not_found"}
    assert "not found" in result.runs[0].reason


def test_missing_script_is_command_not_found(rerun: RerunFn) -> None:
    manifest = MANIFEST.replace("train.py", "nosuch.py")
    result = rerun(_files(SEEDED, manifest=manifest))
    assert {r.status for r in result.runs} == {"command_not_found"}


def test_metric_never_printed_is_missing_and_claim_inconclusive(rerun: RerunFn) -> None:
    silent = SEEDED.replace("valid_acc", "val_accuracy")
    result = rerun(_files(silent))
    assert all(r.status == "ok" for r in result.runs)
    assert {r.metrics["valid_acc"].status for r in result.runs} == {"missing"}
    assert result.metrics[0].statuses == {"missing": 6}
    (claim,) = result.claims
    assert claim.verdict == "inconclusive" and "missing: 6" in claim.reason


def test_nan_metric_is_a_status(rerun: RerunFn) -> None:
    script = 'print("valid_acc nan")\n'
    manifest = MANIFEST.replace("([0-9.]+)", r"(\S+)")
    result = rerun(_files(script, manifest=manifest))
    assert {r.metrics["valid_acc"].status for r in result.runs} == {"nan"}
    assert result.runs[0].metrics["valid_acc"].value is None
    assert result.claims[0].verdict == "inconclusive"


def test_cache_reuse_and_no_cache(rerun: RerunFn) -> None:
    first = rerun(_files(SEEDED))
    assert first.totals.cached == 0 and not any(r.cached for r in first.runs)
    second = rerun(_files(SEEDED))
    assert second.totals.cached == 6 and all(r.cached for r in second.runs)
    assert [r.metrics for r in second.runs] == [r.metrics for r in first.runs]
    forced = rerun(_files(SEEDED), no_cache=True)
    assert forced.totals.cached == 0 and not any(r.cached for r in forced.runs)


def test_setup_runs_once_and_runs_see_its_files(rerun: RerunFn) -> None:
    manifest = MANIFEST.replace("rerun:\n", "rerun:\n  setup: 'echo 91.25 > prepared.txt'\n")
    script = 'print("valid_acc " + open("prepared.txt").read().strip())\n'
    result = rerun(_files(script, manifest=manifest))
    assert result.setup is not None and result.setup.status == "ok"
    assert {r.metrics["valid_acc"].value for r in result.runs} == {91.25}


def test_failing_setup_starts_no_run(rerun: RerunFn) -> None:
    manifest = MANIFEST.replace("rerun:\n", "rerun:\n  setup: 'exit 3'\n")
    result = rerun(_files(SEEDED, manifest=manifest))
    assert result.setup is not None and result.setup.status == "failed"
    assert result.runs == () and any("setup failed" in w for w in result.warnings)


def test_large_repository_shares_one_copy_with_a_warning(rerun: RerunFn) -> None:
    result = rerun(_files(SEEDED), config=replace(FAST, copy_limit_bytes=10))
    assert result.sharing == "shared_copy"
    assert any("shared one working copy" in w for w in result.warnings)
    assert all(r.status == "ok" for r in result.runs)


def test_bad_interpreter_and_unknown_commit_are_errors(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", _files(SEEDED))
    manifest = load_manifest(root)
    assert manifest is not None
    options: dict[str, Any] = {
        "jobs": 1,
        "cache_dir": tmp_path / "c",
        "no_cache": True,
        "strict_determinism": False,
        "progress": lambda _: None,
        "config": FAST,
        "tty": False,
    }
    with pytest.raises(RerunError, match="--python nosuch-python"):
        run_rerun(root, None, manifest, python="nosuch-python", **options)
    with pytest.raises(RerunError, match="cannot export commit"):
        run_rerun(root, "0" * 40, manifest, python=None, **options)


def test_live_table_on_a_terminal(rerun: RerunFn, capsys: pytest.CaptureFixture[str]) -> None:
    result = rerun(_files(SEEDED), tty=True)
    assert result.totals.by_status == {"ok": 6}
    assert "seed2-rep1" in capsys.readouterr().err
