"""Cut the network and protect the filesystem where the OS allows it.

Tried in order, each verified once per process by running a probe (the answer is cached):
1. bubblewrap: no network, the whole filesystem read-only except the run's own directory.
2. `unshare --net --mount` (as root, else with `--map-root-user`): no network; the original
   checkout (and the shared base copy) bind-mounted read-only inside the run.
3. `unshare --net` alone: no network, nothing read-only.
4. none: the run can reach the network; the report says so and warns.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.rerun.models import Isolation, IsolationKind

_PROBE_TIMEOUT = 20


@dataclass(frozen=True)
class IsolationPlan:
    """How to wrap a run's command line for the isolation available here."""

    kind: IsolationKind
    prefix: tuple[str, ...] = ()  # unshare's argv; bwrap's is built per run
    mounts: bool = False  # unshare with a mount namespace: can bind paths read-only
    detail: str = ""

    def argv(
        self, inner: Sequence[str], *, readable: Sequence[Path], writable: Sequence[Path]
    ) -> list[str]:
        """The full argv: bwrap/unshare options, then `inner` (the run's /bin/sh line).

        `readable`/`writable` matter to bwrap only: its fresh /tmp hides the sandbox, so the
        sandbox's tools are bound back read-only and the run's own directory read-write."""
        if self.kind == "bwrap":
            return [*bwrap_options(readable, writable), *inner]
        return [*self.prefix, *inner]

    def prelude(self, readonly: Sequence[Path]) -> str:
        """Shell lines run inside the namespace before the command: read-only bind mounts."""
        if not self.mounts:
            return ""
        lines = []
        for path in readonly:
            quoted = shlex.quote(str(path))
            lines.append(
                f"{{ mount --bind {quoted} {quoted} && "
                f"mount -o remount,bind,ro {quoted}; }} 2>/dev/null || "
                f"echo 'nas-audit: could not protect '{quoted} >&2"
            )
        return "\n".join(lines)

    def describe(self, readonly: Sequence[Path]) -> Isolation:
        """The report's view: what was enforced."""
        protected = readonly if self.kind == "unshare" and self.mounts else ()
        if self.kind == "bwrap":
            protected = (Path("/"),)
        return Isolation(
            kind=self.kind,
            network_cut=self.kind != "none",
            readonly_paths=tuple(str(p) for p in protected),
            detail=self.detail,
        )


def bwrap_options(readable: Sequence[Path], writable: Sequence[Path]) -> list[str]:
    """bubblewrap: read-only root, fresh /dev /proc /tmp, GPUs passed, `writable` bound rw."""
    argv = [
        "bwrap",
        "--unshare-net",
        "--die-with-parent",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",
    ]
    for dev in [*sorted(Path("/dev").glob("nvidia*")), Path("/dev/dri")]:
        if dev.exists():
            argv += ["--dev-bind", str(dev), str(dev)]
    for path in readable:
        argv += ["--ro-bind", str(path), str(path)]
    for path in writable:
        argv += ["--bind", str(path), str(path)]
    return argv


def _works(argv: list[str]) -> bool:
    try:
        done = subprocess.run(
            argv, capture_output=True, timeout=_PROBE_TIMEOUT, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _try_bwrap(scratch: Path) -> IsolationPlan | None:
    if not shutil.which("bwrap"):
        return None
    probe = f"touch {shlex.quote(str(scratch))}/ok && ! touch /nas-audit-probe 2>/dev/null"
    if _works([*bwrap_options([], [scratch]), "/bin/sh", "-c", probe]):
        return IsolationPlan(
            "bwrap",
            detail="bubblewrap: no network, read-only filesystem except the run's directory",
        )
    return None


def _unshare_prefix(*extra: str) -> tuple[str, ...]:
    root = os.geteuid() == 0
    return ("unshare", "--net", *extra) if root else ("unshare", "--net", *extra, "--map-root-user")


def _try_unshare(scratch: Path) -> IsolationPlan | None:
    if not shutil.which("unshare"):
        return None
    with_mounts = IsolationPlan(
        "unshare",
        _unshare_prefix("--mount"),
        mounts=True,
        detail="unshare: no network; the original checkout read-only",
    )
    target = shlex.quote(str(scratch))
    probe = (
        f"mount --bind {target} {target} && mount -o remount,bind,ro {target} && "
        f"! touch {target}/x 2>/dev/null"
    )
    if shutil.which("mount") and _works([*with_mounts.prefix, "/bin/sh", "-c", probe]):
        return with_mounts
    net_only = IsolationPlan(
        "unshare", _unshare_prefix(), detail="unshare: no network; filesystem writes not blocked"
    )
    return net_only if _works([*net_only.prefix, "/bin/sh", "-c", "true"]) else None


NO_ISOLATION = IsolationPlan(
    "none",
    detail="no bubblewrap or usable unshare: the run can reach "
    "the network and write anywhere this user can",
)


@functools.cache
def detect_isolation() -> IsolationPlan:
    """The strongest isolation that works here (probed once per process)."""
    with tempfile.TemporaryDirectory(prefix="nas-audit-probe-") as tmp:
        scratch = Path(tmp)
        return _try_bwrap(scratch) or _try_unshare(scratch) or NO_ISOLATION
