"""The environment a run sees: an allow-list, never the parent's environment as a whole.

Tokens, keys and cloud credentials (GITHUB_TOKEN, AWS_*, ...) are simply not on the list.
`python` resolves to the chosen interpreter through a wrapper directory put first on PATH.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
FIXED = {
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "TERM": "dumb",
    "PYTHONHASHSEED": "0",
    "CUBLAS_WORKSPACE_CONFIG": ":4096:8",
    "PYTHONDONTWRITEBYTECODE": "1",
}
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")  # as the user sets them, else 1
PASSED_IF_SET = ("CUDA_VISIBLE_DEVICES", "VIRTUAL_ENV")
DETERMINISM_VARS = (*FIXED, *THREAD_VARS, "CUDA_VISIBLE_DEVICES", "CUDA_LAUNCH_BLOCKING")


def write_python_wrappers(bin_dir: Path, interpreter: Path) -> None:
    """`python` and `python3` in `bin_dir` exec the chosen interpreter (venvs keep working,
    since the interpreter runs from its own path)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in ("python", "python3"):
        wrapper = bin_dir / name
        wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(str(interpreter))} "$@"\n')
        wrapper.chmod(0o755)


def run_environment(
    parent: Mapping[str, str],
    *,
    bin_dir: Path,
    interpreter: Path,
    home: Path,
    tmp: Path,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The allow-listed environment of one run (`extra`: e.g. the strict-determinism shim)."""
    path = os.pathsep.join(
        [str(bin_dir), str(interpreter.parent), parent.get("PATH") or DEFAULT_PATH]
    )
    env = {"PATH": path, "HOME": str(home), "TMPDIR": str(tmp), **FIXED}
    for name in THREAD_VARS:
        env[name] = parent.get(name) or "1"
    for name in PASSED_IF_SET:
        if name in parent:
            env[name] = parent[name]
    env.update(extra or {})
    return env


def gpu_visible(parent: Mapping[str, str]) -> bool:
    """Whether runs may use a GPU: a device exists and CUDA_VISIBLE_DEVICES does not hide it."""
    hidden = parent.get("CUDA_VISIBLE_DEVICES", "unset").strip() in ("", "-1")
    return not hidden and Path("/dev/nvidiactl").exists()
