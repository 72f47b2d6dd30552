"""Errors the CLI turns into one-line messages and exit code 2 (usage or input error)."""

from __future__ import annotations


class AuditorError(Exception):
    """Base of every error a user can fix: bad path, bad URL, bad config. Exit code 2."""

    exit_code = 2


class TargetError(AuditorError):
    """The repository to audit cannot be opened or cloned."""


class InputFileError(AuditorError):
    """A file given to nas-audit (checklist, manifest) is malformed; names file, line, field."""

    def __init__(self, path: str, message: str, line: int | None = None, field: str | None = None):
        where = f"{path}:{line}" if line else path
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{message}")
        self.path = path
        self.line = line
        self.field = field


class InternalError(AuditorError):
    """A bug in nas-audit itself: exit code 3."""

    exit_code = 3
