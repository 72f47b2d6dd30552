"""The one error the re-run raises before any run starts (bad interpreter, missing commit).

Everything that goes wrong inside a run is a status in the result, never an exception.
"""

from __future__ import annotations

from auditor.errors import AuditorError


class RerunError(AuditorError):
    """The re-run cannot start: the user must fix an option or the repository (exit code 2)."""
