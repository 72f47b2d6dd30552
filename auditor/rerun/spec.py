"""What run results and the manifest share: `{name}` placeholders, the names a manifest
defines (for exact validation errors) and where a metric is read from (`MetricSpec`).

NOTE: its own module so that the report model (auditor.rerun.models) needs neither the YAML
loading nor the rest of the manifest: a static audit imports this, not auditor.rerun.manifest.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RUN_PLACEHOLDERS = ("seed", "repeat")
# `{{`/`}}` are literal braces; `${VAR}` is left to the shell.
_PLACEHOLDER_RE = re.compile(r"\{\{|\}\}|(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")

ParamValue = int | float | str | bool
MetricSource = Literal["stdout", "stderr", "file", "tensorboard"]
Reduce = Literal["last", "max", "min", "mean"]
Goal = Literal["max", "min"]


def placeholders(template: str) -> list[str]:
    """Names used as `{name}` in a command or path template, in order of appearance."""
    return [m.group(1) for m in _PLACEHOLDER_RE.finditer(template) if m.group(1)]


def render(template: str, values: Mapping[str, ParamValue], *, quote: bool) -> str:
    """Fill `{name}` placeholders; shell-quote values in commands (`quote=True`)."""

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        text = str(values[match.group(1)])
        return shlex.quote(text) if quote else text

    return _PLACEHOLDER_RE.sub(fill, template)


@dataclass(frozen=True)
class _Scope:
    """Names a manifest defines, visible to the validators of its parts (exact error lines)."""

    params: frozenset[str]
    metrics: frozenset[str]


SCOPE: ContextVar[_Scope | None] = ContextVar("nas_audit_manifest_scope", default=None)


def scope_of(data: Any) -> _Scope:
    """Param and metric names from the raw mapping, before validation."""
    params = data.get("params") if isinstance(data, dict) else None
    metrics = data.get("metrics") if isinstance(data, dict) else None
    names = [m.get("name") for m in metrics or [] if isinstance(m, dict)]
    return _Scope(
        params=frozenset(str(k) for k in params) if isinstance(params, dict) else frozenset(),
        metrics=frozenset(n for n in names if isinstance(n, str)),
    )


def _check_defined(what: str, template: str, defined: frozenset[str]) -> None:
    missing = sorted(set(placeholders(template)) - defined)
    if missing:
        names = ", ".join("{" + m + "}" for m in missing)
        raise ValueError(
            f"{what} uses {names}, which is not defined (available: "
            f"{', '.join('{' + d + '}' for d in sorted(defined)) or 'none'}; "
            "add it to `params:`)"
        )


def check_placeholders(what: str, template: str | None, *, per_run: bool) -> None:
    scope = SCOPE.get()
    if scope is not None and template is not None:
        extra = frozenset(RUN_PLACEHOLDERS) if per_run else frozenset()
        _check_defined(what, template, scope.params | extra)


def check_relative(path: str) -> str:
    """`path` when it is relative to the repository root and has no `..`; else ValueError."""
    parts = PurePosixPath(path).parts
    if not path.strip() or path.startswith("/") or ".." in parts:
        raise ValueError("must be a path relative to the repository root, without '..'")
    return path


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MetricSpec(SpecModel):
    """Where one metric is read from after each run, and how several values reduce to one."""

    name: str
    source: MetricSource | None = Field(default=None, alias="from")
    file: str | None = None
    pattern: str | None = None
    key: str | None = None
    column: str | None = None
    tag: str | None = None
    reduce: Reduce = "last"
    goal: Goal | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME_RE.match(value):
            raise ValueError("use letters, digits, '_', '.' or '-' (e.g. valid_acc)")
        return value

    @field_validator("file")
    @classmethod
    def _file(cls, value: str | None) -> str | None:
        check_placeholders("the path", value, per_run=True)
        return None if value is None else check_relative(value)

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            groups = re.compile(value).groups
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if groups != 1:
            raise ValueError(f"needs exactly one capturing group (the number); has {groups}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> MetricSpec:
        source = self.kind
        readers = [n for n in ("pattern", "key", "column", "tag") if getattr(self, n) is not None]
        if source in ("stdout", "stderr"):
            if self.file is not None or readers != ["pattern"]:
                raise ValueError(f"from: {source} needs `pattern:` only (no file/key/column/tag)")
        elif self.file is None:
            raise ValueError(f"from: {source} needs `file:` (a path relative to the repository)")
        elif source == "tensorboard" and readers != ["tag"]:
            raise ValueError("from: tensorboard needs `tag:` (the scalar's name)")
        elif source == "file" and (len(readers) != 1 or readers == ["tag"]):
            raise ValueError(
                "from: file needs exactly one of `key:` (JSON/JSONL), "
                "`column:` (CSV) or `pattern:` (text)"
            )
        return self

    @property
    def kind(self) -> MetricSource:
        """The source, defaulting to `file` when `file:` is given and `stdout` otherwise."""
        if self.source is not None:
            return self.source
        return "file" if self.file is not None else "stdout"
