"""Environment probe, run as a script by the runs' own interpreter: prints one JSON object.

Standard library only, plus torch when it is installed (imported here, in the child, never
in the auditor). Every part is optional: a failure leaves that field null.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

ENV_FLAGS = (
    "PYTHONHASHSEED",
    "CUBLAS_WORKSPACE_CONFIG",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "CUDA_VISIBLE_DEVICES",
    "CUDA_LAUNCH_BLOCKING",
    "TF_DETERMINISTIC_OPS",
)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _field(text: str, key: str, sep: str) -> str | None:
    for line in text.splitlines():
        name, _, value = line.partition(sep)
        if name.strip() == key:
            return value.strip().strip('"') or None
    return None


def system_info() -> dict[str, Any]:
    """Python, OS, CPU and the NVIDIA driver's GPU list (no torch needed)."""
    gpus = [
        _field(_read(str(p)), "Model", ":")
        for p in sorted(Path("/proc/driver/nvidia/gpus").glob("*/information"))
    ]
    return {
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "os": _field(_read("/etc/os-release"), "PRETTY_NAME", "=") or platform.platform(),
        "kernel": platform.release(),
        "machine": platform.machine(),
        "cpu_model": _field(_read("/proc/cpuinfo"), "model name", ":") or platform.processor(),
        "cpu_count": os.cpu_count(),
        "gpus": [g for g in gpus if g],
        "determinism_env": {k: os.environ[k] for k in ENV_FLAGS if k in os.environ},
    }


def pip_freeze() -> dict[str, Any]:
    """A hash of `pip freeze --all` (sorted lines), to tell environments apart."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "freeze", "--all"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    lines = sorted(ln.strip() for ln in done.stdout.splitlines() if ln.strip())
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return {"pip_freeze_sha256": digest, "pip_packages": len(lines)}


def torch_info() -> dict[str, Any]:
    """torch, CUDA, cuDNN, GPU names and the determinism flags as torch starts up."""
    if importlib.util.find_spec("torch") is None:
        return {}
    torch = importlib.import_module("torch")
    info: dict[str, Any] = {
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cuda_available": bool(torch.cuda.is_available()),
    }
    with contextlib.suppress(Exception):
        cudnn = torch.backends.cudnn.version()
        info["cudnn"] = None if cudnn is None else str(cudnn)
    if info["cuda_available"]:
        info["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    info["torch_flags"] = {
        "deterministic_algorithms": bool(torch.are_deterministic_algorithms_enabled()),
        "cudnn_deterministic": bool(torch.backends.cudnn.deterministic),
        "cudnn_benchmark": bool(torch.backends.cudnn.benchmark),
        "matmul_allow_tf32": bool(torch.backends.cuda.matmul.allow_tf32),
        "num_threads": int(torch.get_num_threads()),
    }
    return info


def main() -> None:
    """Print the fingerprint as JSON on the last line of stdout."""
    result: dict[str, Any] = {}
    errors: list[str] = []
    for part in (system_info, pip_freeze, torch_info):
        try:
            result.update({k: v for k, v in part().items() if v not in (None, [])})
        except Exception as exc:  # one broken part must not hide the others
            errors.append(f"{part.__name__}: {type(exc).__name__}: {exc}"[:300])
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        result["numpy"] = importlib.metadata.version("numpy")
    if errors:
        result["error"] = "; ".join(errors)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
