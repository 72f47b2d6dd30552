"""The `rerun:` section of `nas-audit.yaml`: how to re-run a repository's training pipeline.

A reviewer who cannot change the repository passes the same file with `--manifest FILE`.
Errors name the file, the line and the field (auditor.yamlfile). The whole file (top-level
keys `rerun`, `answers`, `waive`) is read strictly by auditor.selfcheck.config; this module
defines `rerun:`, including its `smoke:` subsection (`nas-audit check --tier smoke`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    field_validator,
    model_validator,
)

from auditor.errors import InputFileError
from auditor.rerun.spec import (
    RUN_PLACEHOLDERS,
    SCOPE,
    MetricSpec,
    ParamValue,
    SpecModel,
    check_placeholders,
    scope_of,
)
from auditor.selfcheck import CONFIG_NAME

MANIFEST_NAME = CONFIG_NAME  # the re-run manifest is the `rerun:` section of that file
MAX_SEEDS = 100
MAX_REPEATS = 10
SMOKE_TIMEOUT = 120.0  # seconds: the default cap of a smoke run


class ClaimSpec(SpecModel):
    """A number the authors report, to be compared with the re-runs."""

    metric: str
    value: float
    std: float | None = Field(default=None, ge=0)
    tolerance: float | None = Field(default=None, ge=0)
    source: str | None = None

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        scope = SCOPE.get()
        if scope is not None and value not in scope.metrics:
            raise ValueError(
                f"no metric named {value!r} under `metrics:` (defined: "
                f"{', '.join(sorted(scope.metrics)) or 'none'})"
            )
        return value


class SmokeSpec(SpecModel):
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
        scope = SCOPE.get()
        if scope is not None and (unknown := sorted(set(value) - scope.params)):
            defined = ", ".join(sorted(scope.params)) or "none"
            raise ValueError(
                f"{', '.join(unknown)} is not a key of rerun.params "
                f"(smoke params override them; defined: {defined})"
            )
        return value


class Manifest(SpecModel):
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
        token = SCOPE.set(scope_of(data))
        try:
            return handler(data)
        finally:
            SCOPE.reset(token)

    @field_validator("command")
    @classmethod
    def _command(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        check_placeholders("the command", value, per_run=True)
        return value

    @field_validator("setup")
    @classmethod
    def _setup(cls, value: str | None) -> str | None:
        check_placeholders("setup (run once, so no {seed} or {repeat})", value, per_run=False)
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
