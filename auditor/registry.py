"""The one place checks are registered: `@check("R3")` on a pure function of the facts."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditor.facts import Facts
from auditor.models import Finding

CheckFn = Callable[[Facts], Iterable[Finding]]

CHECKS: dict[str, CheckFn] = {}


class DuplicateCheckError(RuntimeError):
    """Two functions claim the same checklist item."""


def check(item_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register `fn` as the check of checklist item `item_id`."""

    def register(fn: CheckFn) -> CheckFn:
        if item_id in CHECKS:
            raise DuplicateCheckError(
                f"item {item_id} already has check {CHECKS[item_id].__name__}"
            )
        CHECKS[item_id] = fn
        return fn

    return register


def registered_checks() -> dict[str, CheckFn]:
    """All checks, importing the check modules on first use."""
    import auditor.checks  # noqa: F401  (registers on import)

    return CHECKS
