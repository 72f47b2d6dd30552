"""GPU determinism, where a CUDA GPU is present (skipped elsewhere, with the reason).

A seeded script whose index_add_ sums many values with atomic adds on CUDA gives different
numbers for the same seed; with deterministic settings it repeats bitwise; strict mode names
the CUDA kernel that has no deterministic implementation (AdaptiveAvgPool2d backward), even
where, as on an H100 with torch 2.11, that kernel happened to repeat exactly.
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace

import pytest
from conftest import FAST, RerunFn


def _cuda_available() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


pytestmark = pytest.mark.skipif(not _cuda_available(), reason="needs torch with a CUDA GPU")

TRAIN = """
import argparse
import torch

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--deterministic", action="store_true")
args = parser.parse_args()
torch.manual_seed(args.seed)
if args.deterministic:
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True)
model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 64, 3, padding=1), torch.nn.ReLU(),
    torch.nn.AdaptiveAvgPool2d(7), torch.nn.Flatten(), torch.nn.Linear(64 * 49, 10),
).cuda()
x = torch.randn(256, 3, 64, 64, device="cuda")
y = torch.randint(0, 10, (256,), device="cuda")
opt = torch.optim.SGD(model.parameters(), lr=0.1)
pool_ok = True
for _ in range(20):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    try:
        loss.backward()
    except RuntimeError:  # strict mode on a kernel without a deterministic implementation
        pool_ok = False
        break
    opt.step()
# index_add_ sums a million values into ten bins with atomic adds unless deterministic
bins = torch.zeros(10, device="cuda").index_add_(
    0, torch.randint(0, 10, (1_000_000,), device="cuda"), torch.randn(1_000_000, device="cuda")
)
print(f"final_loss {loss.item()!r} pool_ok {pool_ok}")
print(f"bin_sum {bins.sum().item()!r}")
"""

MANIFEST = """
rerun:
  command: "python train.py --seed {seed} FLAGS"
  seeds: [0]
  repeats: 3
  timeout: 300
  metrics:
    - name: final_loss
      pattern: 'final_loss (\\S+)'
      goal: min
    - name: bin_sum
      pattern: 'bin_sum (\\S+)'
"""


def _files(flags: str) -> dict[str, str]:
    return {"train.py": TRAIN, "nas-audit.yaml": MANIFEST.replace("FLAGS", flags)}


def test_atomic_adds_make_the_same_seed_differ_on_gpu(rerun: RerunFn) -> None:
    result = rerun(_files(""), config=replace(FAST, take_fingerprint=True))
    assert {r.status for r in result.runs} == {"ok"}, [r.stderr_tail for r in result.runs]
    assert result.deterministic is False
    assert result.fingerprint is not None and result.fingerprint.gpus


def test_deterministic_settings_repeat_bitwise_on_gpu(rerun: RerunFn) -> None:
    result = rerun(_files("--deterministic"), strict_determinism=False)
    # AdaptiveAvgPool2d backward has no deterministic CUDA kernel: torch refuses it, so the
    # deterministic variant stops at the first backward and its loss repeats exactly.
    assert {r.status for r in result.runs} == {"ok"}, [r.stderr_tail for r in result.runs]
    assert result.deterministic is True


def test_strict_mode_names_the_refusing_kernel(rerun: RerunFn) -> None:
    result = rerun(_files(""), strict_determinism=True)
    refusals = {ref.op for run in result.runs if run.strict for ref in run.strict.refusals}
    assert any("adaptive_avg_pool2d_backward" in op for op in refusals), refusals
