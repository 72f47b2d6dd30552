"""The `rerun:` section of `nas-audit.yaml`: how to re-run a repository's training pipeline.

A reviewer who cannot change the repository passes the same file with `--manifest FILE`.
Errors name the file, the line and the field (auditor.yamlfile). The whole file (top-level
keys `rerun`, `answers`, `waive`) is read strictly by auditor.selfcheck.config; this module
defines `rerun:`, including its `smoke:` subsection (`nas-audit check --tier smoke`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    field_validator,
    model_validator,
)

from auditor.errors import InputFileError

MANIFEST_NAME = "nas-audit.yaml"
RUN_PLACEHOLDERS = ("seed", "repeat")
MAX_SEEDS = 100
MAX_REPEATS = 10
SMOKE_TIMEOUT = 120.0  # seconds: the default cap of a smoke run

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


_SCOPE: ContextVar[_Scope | None] = ContextVar("nas_audit_manifest_scope", default=None)


def _scope_of(data: Any) -> _Scope:
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


def _check_placeholders(what: str, template: str | None, *, per_run: bool) -> None:
    scope = _SCOPE.get()
    if scope is not None and template is not None:
        extra = frozenset(RUN_PLACEHOLDERS) if per_run else frozenset()
        _check_defined(what, template, scope.params | extra)


def check_relative(path: str) -> str:
    """`path` when it is relative to the repository root and has no `..`; else ValueError."""
    parts = PurePosixPath(path).parts
    if not path.strip() or path.startswith("/") or ".." in parts:
        raise ValueError("must be a path relative to the repository root, without '..'")
    return path


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MetricSpec(_Model):
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
        _check_placeholders("the path", value, per_run=True)
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


class ClaimSpec(_Model):
    """A number the authors report, to be compared with the re-runs."""

    metric: str
    value: float
    std: float | None = Field(default=None, ge=0)
    tolerance: float | None = Field(default=None, ge=0)
    source: str | None = None

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        scope = _SCOPE.get()
        if scope is not None and value not in scope.metrics:
            raise ValueError(
                f"no metric named {value!r} under `metrics:` (defined: "
                f"{', '.join(sorted(scope.metrics)) or 'none'})"
            )
        return value


class SmokeSpec(_Model):
    """`smoke:` in `rerun:`: how `nas-audit check` runs the pipeline quickly.

    One seed (the first of `seeds`), one run, no claims (a smaller budget cannot reproduce the
    paper's numbers), `params` overridden for the smallest budget, a short timeout. Its presence
    (even `smoke: {}`) allows the smoke tier.
    """

    params: dict[str, ParamValue] = Field(default_factory=dict)
    timeout: float | None = Field(default=None, gt=0)

    @field_validator("params")
    @classmethod
    def _known_params(cls, value: dict[str, ParamValue]) -> dict[str, ParamValue]:
        scope = _SCOPE.get()
        if scope is not None and (unknown := sorted(set(value) - scope.params)):
            defined = ", ".join(sorted(scope.params)) or "none"
            raise ValueError(
                f"{', '.join(unknown)} is not a key of rerun.params "
                f"(smoke params override them; defined: {defined})"
            )
        return value


class Manifest(_Model):
    """How to re-run the pipeline: command template, seeds, repeats, metrics and claims."""

    setup: str | None = None
    command: str
    params: dict[str, ParamValue] = Field(default_factory=dict)
    seeds: list[int] = Field(default_factory=lambda: [0, 1], min_length=1, max_length=MAX_SEEDS)
    repeats: int = Field(default=2, ge=1, le=MAX_REPEATS)
    timeout: float = Field(default=3600.0, gt=0)
    metrics: list[MetricSpec] = Field(default_factory=list)
    claims: list[ClaimSpec] = Field(default_factory=list)
    smoke: SmokeSpec | None = None
    _source: str = PrivateAttr(default="manifest")

    @model_validator(mode="wrap")
    @classmethod
    def _in_scope(cls, data: Any, handler: ModelWrapValidatorHandler[Manifest]) -> Manifest:
        """Let the parts' validators see which params and metrics are defined."""
        token = _SCOPE.set(_scope_of(data))
        try:
            return handler(data)
        finally:
            _SCOPE.reset(token)

    @field_validator("command")
    @classmethod
    def _command(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        _check_placeholders("the command", value, per_run=True)
        return value

    @field_validator("setup")
    @classmethod
    def _setup(cls, value: str | None) -> str | None:
        _check_placeholders("setup (run once, so no {seed} or {repeat})", value, per_run=False)
        return value

    @field_validator("params")
    @classmethod
    def _params(cls, value: dict[str, ParamValue]) -> dict[str, ParamValue]:
        reserved = sorted(set(value) & set(RUN_PLACEHOLDERS))
        if reserved:
            raise ValueError(f"{', '.join(reserved)} is set per run; list seeds under `seeds:`")
        return value

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("seeds must be distinct")
        return value

    @field_validator("metrics")
    @classmethod
    def _metrics(cls, value: list[MetricSpec]) -> list[MetricSpec]:
        names = [m.name for m in value]
        if len(set(names)) != len(names):
            raise ValueError("metric names must be distinct")
        return value

    @property
    def source(self) -> str:
        """Where this manifest came from: a file path, or `inferred` for a proposed recipe."""
        return self._source

    def with_source(self, source: str) -> Manifest:
        """A copy that remembers where it came from (for the report)."""
        copy = self.model_copy()
        copy._source = source
        return copy

    def to_yaml(self) -> str:
        """The manifest as a `nas-audit.yaml` document (to save an inferred recipe)."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return yaml.safe_dump({"rerun": data}, sort_keys=False, allow_unicode=True)

    def smoke_variant(self) -> Manifest:
        """The smoke run: first seed, one repeat, smoke params, short timeout, no claims.

        The timeout is `smoke.timeout`, else the shorter of `timeout` and SMOKE_TIMEOUT.
        """
        smoke = self.smoke or SmokeSpec()
        variant = self.model_copy(
            update={
                "seeds": self.seeds[:1],
                "repeats": 1,
                "params": {**self.params, **smoke.params},
                "timeout": smoke.timeout or min(self.timeout, SMOKE_TIMEOUT),
                "claims": [],
                "smoke": None,
            }
        )
        return variant.with_source(f"{self.source} (smoke)")

    def run_values(self, seed: int, repeat: int) -> dict[str, ParamValue]:
        """Placeholder values of one run: the params plus its seed and repeat."""
        return {**self.params, "seed": seed, "repeat": repeat}


def load_manifest(repo_root: Path, manifest_path: Path | None = None) -> Manifest | None:
    """The repository's manifest, or the one given with `--manifest FILE`.

    None when the repository has no `nas-audit.yaml` or it has no `rerun:` section. A file
    given explicitly must exist and have `rerun:`. The whole file is validated (strict top-level
    keys, no duplicate keys); errors raise InputFileError (exit code 2).
    """
    from auditor.selfcheck.config import load_config  # NOTE: that module imports this one

    path = manifest_path if manifest_path is not None else repo_root / MANIFEST_NAME
    if manifest_path is None and not path.is_file():
        return None
    loaded = load_config(path)
    if loaded.rerun is None:
        if manifest_path is not None:
            raise InputFileError(str(path), "no `rerun:` section", field="rerun")
        return None
    return loaded.rerun.with_source(str(path))
