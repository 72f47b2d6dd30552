"""One run in the sandbox: process-tree kill, output cap, environment, network, writes."""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import pytest
from builders import git, make_repo
from conftest import FAST, ISOLATION

from auditor.rerun import RunResult, RunSpec, SandboxConfig
from auditor.rerun.procs import read_stat
from auditor.rerun.sandbox import Sandbox

SPAWN = """
import os, subprocess, sys, time
child = subprocess.Popen(["sleep", "1000"], start_new_session=%(setsid)s)
print(os.getpgid(0), child.pid, flush=True)
time.sleep(1000)
"""


def run_one(
    root: Path, command: str, *, timeout: float = 20.0, config: SandboxConfig = FAST
) -> RunResult:
    """Run `command` once in a sandbox of the committed repository at `root`."""
    commit = git(root, "rev-parse", "HEAD").strip()
    with Sandbox(
        root, commit, interpreter=Path(sys.executable), strict_determinism=False, config=config
    ) as sandbox:
        sandbox.choose_sharing()
        spec = RunSpec(run_id="t", seed=0, repeat=0, command=command, timeout=timeout)
        return sandbox.run(spec, threading.Event())


def repo(tmp_path: Path, files: Mapping[str, str]) -> Path:
    return make_repo(tmp_path / "repo", files)


def gone(pid: int) -> bool:
    """Not running: no such process, or a zombie nobody reaped yet."""
    info = read_stat(pid)
    return info is None or info.state == "Z"


@pytest.mark.parametrize("setsid", [False, True], ids=["grandchild", "setsid-grandchild"])
def test_timeout_kills_the_whole_process_tree(tmp_path: Path, setsid: bool) -> None:
    root = repo(tmp_path, {"spawn.py": SPAWN % {"setsid": setsid}})
    result = run_one(root, "python spawn.py", timeout=1.5)
    assert result.status == "timeout" and "killed" in result.reason
    pgid, grandchild = map(int, result.stdout_tail.split())
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)
    assert gone(grandchild)


def test_daemon_that_left_the_tree_is_stopped_after_a_normal_exit(tmp_path: Path) -> None:
    daemon = """
    import subprocess, time
    time.sleep(0.2)
    child = subprocess.Popen(["sleep", "1000"], start_new_session=True)
    print(child.pid, flush=True)
    """  # spawned between two polls, orphaned at once, in its own session: only the marker
    # variable in its environment ties it to the run
    root = repo(tmp_path, {"daemon.py": daemon})
    result = run_one(root, "python daemon.py && sleep 1")
    assert result.status == "ok"
    assert result.leftover_processes == 1
    assert gone(int(result.stdout_tail.split()[0]))


def test_background_process_left_behind_is_killed(tmp_path: Path) -> None:
    root = repo(tmp_path, {"x.txt": "x"})
    result = run_one(root, "sleep 1000 & echo started")
    assert result.status == "ok" and result.leftover_processes == 1


def test_endless_output_is_capped_and_killed(tmp_path: Path) -> None:
    root = repo(tmp_path, {"loud.py": "while True:\n    print('x' * 1000)\n"})
    config = replace(FAST, output_cap_bytes=100_000)
    result = run_one(root, "python loud.py", config=config)
    assert result.status == "killed" and "endless output" in result.reason
    assert result.output_truncated
    assert len(result.stdout_tail) <= FAST.tail_bytes


def test_secrets_in_the_parent_environment_are_not_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-value")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_value")
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    script = "import os\nfor k, v in sorted(os.environ.items()):\n    print(k, v)\n"
    root = repo(tmp_path, {"env.py": script})
    result = run_one(root, "python env.py", config=replace(FAST, parent_env=dict(os.environ)))
    assert result.status == "ok"
    seen = dict(line.split(" ", 1) for line in result.stdout_tail.splitlines())
    assert "AWS_SECRET_ACCESS_KEY" not in seen and "GITHUB_TOKEN" not in seen
    assert "secret" not in result.stdout_tail
    assert seen["PYTHONHASHSEED"] == "0" and seen["OMP_NUM_THREADS"] == "3"
    assert seen["MKL_NUM_THREADS"] == "1" and seen["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"
    assert "/runs/t/home" in seen["HOME"]


@pytest.fixture
def server() -> Iterator[tuple[int, list[bool]]]:
    """A TCP server on 127.0.0.1 (ephemeral port) that records each accepted connection."""
    accepted: list[bool] = []
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            accepted.append(True)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1], accepted
    stop.set()
    thread.join()
    sock.close()


CONNECT = """
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3).close()
    print("connected")
except OSError as exc:
    print("blocked", exc)
"""


@pytest.mark.skipif(ISOLATION.kind == "none", reason="isolation here: none (no bwrap/unshare)")
def test_network_is_cut_under_the_isolation_in_force(
    tmp_path: Path, server: tuple[int, list[bool]]
) -> None:
    port, accepted = server
    root = repo(tmp_path, {"connect.py": CONNECT})
    result = run_one(root, f"python connect.py {port}")
    assert result.isolation == ISOLATION.kind
    assert result.stdout_tail.startswith("blocked"), f"isolation {ISOLATION.kind}"
    assert accepted == []


def test_network_is_reachable_without_isolation(
    tmp_path: Path, server: tuple[int, list[bool]]
) -> None:
    """The control: the same probe does connect when isolation is off."""
    port, accepted = server
    root = repo(tmp_path, {"connect.py": CONNECT})
    result = run_one(root, f"python connect.py {port}", config=replace(FAST, isolate=False))
    assert result.isolation == "none"
    assert result.stdout_tail.startswith("connected") and accepted == [True]


def _writer(root: Path) -> str:
    return f"open({str(root / 'evil.txt')!r}, 'w').write('x')\nprint('wrote')\n"


@pytest.mark.skipif(
    not ISOLATION.mounts and ISOLATION.kind != "bwrap",
    reason=f"isolation here: {ISOLATION.kind} without read-only mounts",
)
def test_write_into_the_checkout_is_blocked(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_repo(root, {"write.py": _writer(root)})
    result = run_one(root, "python write.py")
    # bwrap mounts a fresh /tmp, so a checkout under /tmp is not even visible to the run
    blocked = ("Read-only file system", "No such file or directory")
    assert result.status == "failed"
    assert any(why in result.stderr_tail for why in blocked), result.stderr_tail
    assert not (root / "evil.txt").exists() and result.wrote_outside == ()


def test_write_into_the_checkout_is_detected_without_isolation(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_repo(root, {"write.py": _writer(root)})
    result = run_one(root, "python write.py", config=replace(FAST, isolate=False))
    assert result.status == "ok"
    assert result.wrote_outside == ("evil.txt",)


def test_memory_limit(tmp_path: Path) -> None:
    root = repo(tmp_path, {"hog.py": "x = bytearray(600 * 1024 * 1024)\nprint('allocated')\n"})
    no_gpu = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}  # a visible GPU lifts the limit
    config = replace(FAST, memory_limit_bytes=300 << 20, parent_env=no_gpu)
    result = run_one(root, "python hog.py", config=config)
    assert result.status == "failed" and "MemoryError" in result.stderr_tail


def test_python_means_the_chosen_interpreter_and_peak_memory_is_measured(
    tmp_path: Path,
) -> None:
    script = "import sys\nx = bytearray(80 * 1024 * 1024)\nprint(sys.executable)\n"
    root = repo(tmp_path, {"which.py": script})
    result = run_one(root, "python which.py")
    assert result.stdout_tail.strip() == sys.executable
    assert result.peak_rss_mib is not None and result.peak_rss_mib > 80


def test_the_run_works_on_a_copy(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "data.txt": "original\n",
            "edit.py": "open('data.txt', 'w').write('changed')\nprint(open('data.txt').read())",
        },
    )
    result = run_one(root, "python edit.py")
    assert result.stdout_tail.strip() == "changed"
    assert (root / "data.txt").read_text() == "original\n" and result.wrote_outside == ()
