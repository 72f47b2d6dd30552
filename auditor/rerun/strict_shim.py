"""The strict-determinism shim: copied into a run as `sitecustomize.py`, never used in-process.

When the run imports torch, the shim calls `torch.use_deterministic_algorithms(True,
warn_only=True)` (and turns cuDNN benchmarking off), then records every operation torch
reports as having no deterministic implementation. The record is a JSON file per process
in $NAS_AUDIT_STRICT_OUT, rewritten at each new refusal and at exit.

Standard library only: it runs inside the audited project's interpreter. Limits: a run that
replaces `warnings.showwarning` or silences warnings hides refusals from it; processes that
leave through `os._exit` (DataLoader workers) keep only what was written before.
"""

from __future__ import annotations

import atexit
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from types import ModuleType
from typing import Any, TextIO

OUT_ENV = "NAS_AUDIT_STRICT_OUT"
MARKER = "does not have a deterministic implementation"
_state: dict[str, Any] = {"torch_patched": False, "refusals": [], "errors": []}


def _write() -> None:
    out = os.environ.get(OUT_ENV)
    if not out:
        return
    path = os.path.join(out, f"strict-{os.getpid()}.json")
    try:
        with open(f"{path}.tmp", "w", encoding="utf-8") as fh:
            json.dump(_state, fh)
        os.replace(f"{path}.tmp", path)
    except OSError:
        pass


def refused_op(message: str) -> str:
    """The operation named in torch's warning, e.g. 'put_' or 'scatter_add_cuda_kernel'."""
    head = message.split(MARKER, 1)[0].strip().rstrip(",:")
    return head.split()[-1] if head.split() else "unknown"


def record(message: str) -> None:
    """Keep one refusal (once per distinct operation)."""
    op = refused_op(message)
    if all(r["op"] != op for r in _state["refusals"]):
        _state["refusals"].append({"op": op, "message": message[:500]})
        _write()


def _hook_warnings() -> None:
    shown = warnings.showwarning

    def showwarning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if MARKER in str(message):
            record(str(message))
        shown(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


def enable(torch: ModuleType) -> None:
    """Switch torch to deterministic algorithms (warnings, not errors, so all are seen)."""
    try:
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        _state["torch_patched"] = True
    except Exception as exc:  # an old or broken torch: report, never break the run
        _state["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
    _write()


class TorchFinder(importlib.abc.MetaPathFinder):
    """Finds `torch` like the normal finders do, and enables determinism once it is loaded."""

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "torch":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec("torch")
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run_module = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run_module(module)
            enable(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Hook warnings and the torch import; write the record at exit."""
    _hook_warnings()
    atexit.register(_write)
    if "torch" in sys.modules:
        enable(sys.modules["torch"])
    else:
        sys.meta_path.insert(0, TorchFinder())
    _chain_next_sitecustomize()


def _chain_next_sitecustomize() -> None:
    """Run the sitecustomize this shim shadows (Debian's, a venv's), if there is one."""
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        try:
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
        except Exception as exc:  # the shadowed file's own failure, as Python would report it
            _state["errors"].append(f"sitecustomize: {exc}"[:300])


if __name__ == "sitecustomize":
    install()
