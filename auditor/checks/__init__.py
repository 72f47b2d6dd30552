"""Checks: one pure function per checklist item, registered with `@check`. Importing this
package registers them all."""

from auditor.checks import comparing, releasing, reporting

__all__ = ["comparing", "releasing", "reporting"]
