"""`python -m auditor` and the `nas-audit` console script: the command line, then a quick exit."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

from auditor.cli import main


def run() -> NoReturn:
    """Run the command line and end the process without tearing its heap down.

    NOTE: an audit leaves every module's index and the facts on the heap; freeing them object
    by object at exit costs about 50 ms on a repository of NASLib's size, so the process
    flushes its output and leaves through `os._exit`, as mypy does. Nothing is left to run at
    exit: reports are written and closed, cache entries land through `os.replace`, forked
    workers are reaped and re-run sandboxes removed before `main` returns.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # NOTE: a closed pipe (`| head`)
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
