"""Index every Python source of an audit: unchanged files from the cache, the rest spread over
the CPU cores.

Parsing and indexing are most of a first audit's time, and each file is independent: with
several cores, forked workers index a share of the files each and write their entries to the
index cache, while this process indexes its own share; it then reads the workers' entries
back. Whatever a worker did not deliver (it failed or was killed, the disk is full) this
process indexes itself, so the modules never depend on the workers, only the time does.

NOTE: workers are forked (they share the parent's imports and the texts already read, and
start in about a millisecond), on Linux only: macOS's system libraries do not survive a fork
without exec, and Windows has none. Where another thread runs (a forked child would inherit
the locks it holds), everything is indexed here too, one file after another.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Sequence

from auditor.indexcache import IndexCache
from auditor.pyast import PyModule, parse_module

Source = tuple[str, str]  # repo path, text to parse
Annotate = Callable[[PyModule], None]  # adds per-module findings before the module is stored

PARALLEL_MIN_FILES = 40  # below this, a worker's start and the read-back cost more than they save
MAX_WORKERS = 8


def index_sources(
    sources: Sequence[Source],
    cache: IndexCache | None,
    workers: int | None = None,
    annotate: Annotate | None = None,
) -> dict[str, PyModule]:
    """Each source's module, trees freed, by path in the order given. `workers`: processes
    besides this one (None: one per further CPU core); `annotate` runs on each freshly indexed
    module, in the workers too, and what it adds is cached with the module."""
    found: dict[str, PyModule] = {}
    misses: list[Source] = []
    for path, text in sources:
        module = cache.load(path, text) if cache is not None else None
        if module is None:
            misses.append((path, text))
        else:
            found[path] = module
    shares = _shares(misses, _worker_count(len(misses), cache, workers))
    pids = [pid for share in shares[1:] if (pid := _fork(share, cache, annotate)) is not None]
    if len(pids) < len(shares) - 1:  # a fork failed: do every share here
        shares = [[s for share in shares for s in share]]
    for path, text in shares[0]:
        found[path] = _indexed(path, text, cache, annotate)
    for pid in pids:
        _wait(pid)
    for share in shares[1:]:
        assert cache is not None  # workers only run with a cache to hand their work over
        for path, text in share:
            module = cache.load_fresh(path, text)
            found[path] = module if module is not None else _indexed(path, text, cache, annotate)
    return {path: found[path] for path, _ in sources}


def _indexed(path: str, text: str, cache: IndexCache | None, annotate: Annotate | None) -> PyModule:
    module = parse_module(path, text)
    module.release_tree()
    if annotate is not None:
        annotate(module)
    if cache is not None:
        cache.store(module, text)
    return module


def _worker_count(misses: int, cache: IndexCache | None, wanted: int | None) -> int:
    """Workers besides this process: none for few files, without a writable cache, off Linux,
    or while another thread runs."""
    if wanted is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        wanted = min(cores, MAX_WORKERS) - 1
    if (
        wanted <= 0
        or misses < PARALLEL_MIN_FILES
        or cache is None
        or not cache.writable()
        or not sys.platform.startswith("linux")
        or threading.active_count() > 1
    ):
        return 0
    return wanted


def _shares(sources: list[Source], workers: int) -> list[list[Source]]:
    """`workers + 1` lists of about equal size in bytes; the first one is this process's."""
    shares: list[list[Source]] = [[] for _ in range(workers + 1)]
    loads = [0] * (workers + 1)
    for source in sorted(sources, key=lambda s: len(s[1]), reverse=True):
        lightest = loads.index(min(loads))
        shares[lightest].append(source)
        loads[lightest] += len(source[1]) + 2000  # NOTE: a file costs something however small
    return shares


def _fork(share: list[Source], cache: IndexCache | None, annotate: Annotate | None) -> int | None:
    """Start a worker that indexes `share` into the cache; None when it could not start."""
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    status = 1
    try:  # NOTE: the child never returns into the parent's code, whatever happens
        for path, text in share:
            _indexed(path, text, cache, annotate)
        status = 0
    finally:
        os._exit(status)


def _wait(pid: int) -> None:
    """Reap a worker; how it ended does not matter (missing entries are indexed here)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
