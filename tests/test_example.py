"""The bundled example follows every practice: its audit passes, and it really runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import audit

from auditor.models import Status

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "tiny-nas"


def test_every_item_of_the_example_passes() -> None:
    report = audit(EXAMPLE)
    statuses = {v.id: v.status for v in report.items}
    assert statuses == dict.fromkeys(statuses, Status.PASS), {
        v.id: v.summary for v in report.items if v.status is not Status.PASS
    }
    assert all(v.evidence and v.evidence[0].path for v in report.items)


@pytest.mark.slow
def test_search_and_final_training_run_on_cpu(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the example needs torch (make test installs it)")
    work = tmp_path / "tiny-nas"
    shutil.copytree(EXAMPLE, work, ignore=shutil.ignore_patterns("logs", "__pycache__"))
    for script in (["train_search.py"], ["train.py", "--arch", "DARTS_TINY"]):
        result = subprocess.run(
            [sys.executable, *script, "--seed", "0"],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert list((work / "logs").rglob("seed0.json"))
