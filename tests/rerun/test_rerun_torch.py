"""The one torch test (about 3 s): environment fingerprint and the strict-determinism shim."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
from dataclasses import replace

import pytest
from conftest import FAST, RerunFn

from auditor.rerun.strict_shim import refused_op

SCRIPT = """
import torch
print("deterministic", torch.are_deterministic_algorithms_enabled())
x = torch.zeros(5)
x.put_(torch.tensor([1, 1]), torch.tensor([1.0, 2.0]))  # no deterministic implementation
print("valid_acc 1.0")
"""

MANIFEST = """
rerun:
  command: "python train.py"
  seeds: [0]
  repeats: 1
  metrics:
    - name: valid_acc
      pattern: 'valid_acc (\\S+)'
"""


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_fingerprint_and_strict_determinism_with_torch(rerun: RerunFn) -> None:
    torch_version = importlib.metadata.version("torch").split("+")[0]
    result = rerun(
        {"train.py": SCRIPT, "nas-audit.yaml": MANIFEST},
        strict_determinism=True,
        config=replace(FAST, take_fingerprint=True),
    )
    (run,) = result.runs
    assert run.status == "ok", run.stderr_tail
    assert "deterministic True" in run.stdout_tail
    assert run.strict is not None and run.strict.torch_patched
    assert [r.op for r in run.strict.refusals] == ["put_"]
    fingerprint = result.fingerprint
    assert fingerprint is not None and run.fingerprint == fingerprint
    assert fingerprint.error is None
    assert fingerprint.torch is not None and fingerprint.torch.split("+")[0] == torch_version
    assert fingerprint.python == platform.python_version()
    assert fingerprint.numpy == importlib.metadata.version("numpy")
    assert fingerprint.pip_freeze_sha256 and fingerprint.cpu_model
    assert fingerprint.determinism_env["PYTHONHASHSEED"] == "0"
    assert fingerprint.torch_flags["deterministic_algorithms"] is False  # no shim in the probe


def test_strict_mode_without_torch_reports_nothing_patched(rerun: RerunFn) -> None:
    result = rerun(
        {"train.py": "print('valid_acc 2')\n", "nas-audit.yaml": MANIFEST}, strict_determinism=True
    )
    (run,) = result.runs
    assert run.status == "ok" and run.strict is not None
    assert not run.strict.torch_patched and run.strict.refusals == ()


def test_refused_op_names() -> None:
    message = (
        "scatter_add_cuda_kernel does not have a deterministic implementation, but you "
        "set 'torch.use_deterministic_algorithms(True, warn_only=True)'"
    )
    assert refused_op(message) == "scatter_add_cuda_kernel"
    assert refused_op("does not have a deterministic implementation") == "unknown"
