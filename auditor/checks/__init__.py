"""Checks: one pure function per checklist item, registered with `@check`. Importing this
package registers them all."""

# NOTE: rerun_signals first: each check's decorator picks up the re-run signals of its item.
from auditor.checks import rerun_signals  # noqa: I001
from auditor.checks import comparing, releasing, reporting

__all__ = ["comparing", "releasing", "reporting", "rerun_signals"]
