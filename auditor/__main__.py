"""`python -m auditor` and the `nas-audit` console script: the command line, then a quick exit.

The program's process is set up for speed alone (no output changes): no garbage collector, no
look-up of pydantic plugins. Callers of `auditor.cli.main` in their own process keep Python's
and pydantic's defaults.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
from types import ModuleType
from typing import Any, NoReturn

from auditor.cli import main

_PLUGIN_LOADER = "pydantic.plugin._loader"


def run() -> NoReturn:
    """Run the command line and end the process without tearing its heap down.

    NOTE: an audit leaves every module's index and the facts on the heap; freeing them object
    by object at exit costs about 50 ms on a repository of NASLib's size, so the process
    flushes its output and leaves through `os._exit`, as mypy does. Nothing is left to run at
    exit: reports are written and closed, cache entries land through `os.replace`, forked
    workers are reaped and re-run sandboxes removed before `main` returns.
    """
    # NOTE: start-up builds ~50 pydantic models and compiles ~230 regexes, the probes build
    # thousands of ASTs: no garbage cycles worth collecting, yet the collector keeps rescanning
    # them (~10-15 ms of every audit). The process ends through `os._exit`, so it never needs
    # to run: without it the heap grows by ~1 MB, on NNI as on a smoke re-run.
    gc.disable()
    skip_pydantic_plugins()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        # NOTE: a closed pipe (`| head`), or a stream closed at start (`>&-`: None)
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def skip_pydantic_plugins() -> None:
    """Tell pydantic that no plugins are installed, before it looks for them.

    pydantic looks for plugins (entry points of every installed distribution) when it builds
    its first model: that imports importlib.metadata, and with it email, zipfile, csv and more,
    then reads the metadata of each distribution: ~15 ms of every run in a small environment.
    Plugins only watch validation (tracing, logging); nas-audit uses none.
    Once pydantic has built a model, this changes nothing.
    """
    if _PLUGIN_LOADER in sys.modules:
        return
    loader = ModuleType(_PLUGIN_LOADER, "No pydantic plugins: see auditor.__main__.")
    # NOTE: the loader is private to pydantic, which asks it for `get_plugins` alone; should a
    # later pydantic ask for anything else, it gets the real module, plugins and all.
    vars(loader).update(get_plugins=_no_plugins, __getattr__=_from_real_loader)
    sys.modules[_PLUGIN_LOADER] = loader


def _no_plugins() -> tuple[()]:
    return ()


def _from_real_loader(name: str) -> Any:
    if name.startswith("__"):  # the import system asks for `__path__` and the like
        raise AttributeError(name)
    del sys.modules[_PLUGIN_LOADER]
    return getattr(importlib.import_module(_PLUGIN_LOADER), name)


if __name__ == "__main__":
    run()
