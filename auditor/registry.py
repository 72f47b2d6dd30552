"""The one place checks are registered: `@check("R3")` on a pure function of the facts."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator

from auditor.facts import Facts
from auditor.models import Finding

CheckFn = Callable[[Facts], Iterable[Finding]]

SignalFn = Callable[[Facts], Finding]

CHECKS: dict[str, CheckFn] = {}
RERUN_SIGNALS: dict[str, list[tuple[str, SignalFn]]] = {}  # item id -> (signal id, function)


class DuplicateCheckError(RuntimeError):
    """Two functions claim the same checklist item."""


def check(item_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register `fn` as the check of checklist item `item_id`."""

    def register(fn: CheckFn) -> CheckFn:
        if item_id in CHECKS:
            raise DuplicateCheckError(
                f"item {item_id} already has check {CHECKS[item_id].__name__}"
            )
        extra = RERUN_SIGNALS.get(item_id, [])

        @functools.wraps(fn)
        def with_rerun(facts: Facts) -> Iterator[Finding]:
            yield from fn(facts)
            for _, signal_fn in extra:
                yield signal_fn(facts)

        if extra and with_rerun.__doc__:
            lines = [f"        {sid}: {(sfn.__doc__ or '').strip()}" for sid, sfn in extra]
            with_rerun.__doc__ += "\n    Re-run signals (auditor/checks/rerun_signals.py):\n"
            with_rerun.__doc__ += "\n".join(lines) + "\n"
        CHECKS[item_id] = with_rerun
        return with_rerun

    return register


def rerun_signal(signal_id: str) -> Callable[[SignalFn], SignalFn]:
    """Register `fn` as the answer to a re-run signal; its item's check yields it last.

    NOTE: the re-run signal module is imported before the check modules (checks/__init__.py),
    so each check's decorator sees the signals of its item."""

    def register(fn: SignalFn) -> SignalFn:
        item_id = signal_id.split(".", 1)[0]
        if item_id in CHECKS:
            raise DuplicateCheckError(f"{signal_id} registered after the check of {item_id}")
        RERUN_SIGNALS.setdefault(item_id, []).append((signal_id, fn))
        return fn

    return register


def registered_checks() -> dict[str, CheckFn]:
    """All checks, importing the check modules on first use."""
    import auditor.checks  # noqa: F401  (registers on import)

    return CHECKS
