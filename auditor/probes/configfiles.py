"""Config files (YAML, JSON, TOML, INI): their keys, the seeds they list, hyperparameter leaves.

Only ML-ish configs are read: CI, packaging, editor and lint configs are skipped by name or
folder (`EXCLUDED_NAMES`, `EXCLUDED_PREFIXES`, `EXCLUDED_DIRS`), except files in a hydra
config folder, which are always read. Malformed files become a `parse_error`, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from auditor.facts import ConfigFile, Hyperparameter, clip_around, clip_snippet
from auditor.inventory import FileKind
from auditor.repo import Repo

if TYPE_CHECKING:
    from auditor.probes.configparse import Format, Parsed

FORMATS: dict[str, Format] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
}
EXCLUDED_NAMES = frozenset(
    {
        "package.json",
        "package-lock.json",
        "composer.json",
        "bower.json",
        "lerna.json",
        "jsconfig.json",
        "pyrightconfig.json",
        "renovate.json",
        ".zenodo.json",
        "codemeta.json",
        "manifest.json",
        ".pre-commit-config.yaml",
        ".pre-commit-hooks.yaml",
        ".readthedocs.yml",
        ".readthedocs.yaml",
        "readthedocs.yml",
        "mkdocs.yml",
        "mkdocs.yaml",
        "_config.yml",
        "codecov.yml",
        ".codecov.yml",
        "codecov.yaml",
        ".travis.yml",
        "appveyor.yml",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
        "bitbucket-pipelines.yml",
        ".mergify.yml",
        "docker-compose.yml",
        "docker-compose.yaml",
        "compose.yaml",
        ".yamllint",
        ".yamllint.yml",
        "dependabot.yml",
        "meta.yaml",
        ".condarc",
        "tox.ini",
        "pytest.ini",
        "mypy.ini",
        ".bumpversion.cfg",
        "ruff.toml",
        ".ruff.toml",
        "cargo.toml",
        "netlify.toml",
        "crowdin.yml",
        "crowdin.yaml",
    }
)
EXCLUDED_PREFIXES = (
    "tsconfig",
    ".eslintrc",
    ".prettierrc",
    ".stylelintrc",
    ".babelrc",
    ".markdownlint",
)
EXCLUDED_DIRS = frozenset(
    {
        ".github",
        ".gitlab",
        ".circleci",
        ".vscode",
        ".idea",
        ".devcontainer",
        ".azure-pipelines",
        ".buildkite",
        ".husky",
    }
)
# Top-level keys of CI pipelines (Azure, GitHub, GitLab, Travis) kept outside the folders above
CI_KEYS = frozenset(
    {
        "trigger",
        "pr",
        "pool",
        "stages",
        "jobs",
        "steps",
        "on",
        "schedules",
        "before_script",
        "after_script",
        "matrix",
        "language",
        "dist",
    }
)
CI_TEMPLATE_KEYS = frozenset({"parameters", "variables", "resources", "extends", "name"})
SEED_KEYS = frozenset({"seed", "seeds", "random_seed", "rng_seed", "manual_seed"})

MAX_KEYS = 200
MAX_KEY_DEPTH = 3
MAX_HYPERPARAMETERS_PER_FILE = 100
MAX_HYPERPARAMETER_FILE_BYTES = 512 * 1024  # bigger "configs" are data tables, not settings
_HP_KEY_RE = re.compile(r"[A-Za-z_][\w\-]{0,39}")


def is_ml_config(path: str, hydra_dirs: list[str]) -> bool:
    """Whether a config file is worth reading (not CI, packaging or editor configuration)."""
    if _in_any(path, hydra_dirs):
        return True
    p = PurePosixPath(path)
    name = p.name.lower()
    if p.suffix.lower() not in FORMATS or name in EXCLUDED_NAMES:
        return False
    if name.startswith(EXCLUDED_PREFIXES):
        return False
    return not any(part.lower() in EXCLUDED_DIRS for part in p.parts[:-1])


def is_ci_pipeline(parsed: Parsed) -> bool:
    """CI pipelines, their templates and Kubernetes manifests, recognised by their top-level
    keys: two CI keys (`trigger`, `jobs`), only CI keys with a list of `steps`/`jobs`/`stages`,
    or `apiVersion` with `kind`."""
    top = {e.path[0]: e for e in parsed.entries if len(e.path) == 1 and not e.in_list}
    if len(top.keys() & CI_KEYS) >= 2 or {"apiVersion", "kind"} <= top.keys():
        return True
    listed = [top[k] for k in ("steps", "jobs", "stages") if k in top]
    return (
        bool(listed)
        and top.keys() <= CI_KEYS | CI_TEMPLATE_KEYS
        and all(e.scalar is None for e in listed)
    )


def _in_any(path: str, folders: list[str]) -> bool:
    return any(path.startswith(folder.rstrip("/") + "/") for folder in folders)


def read_configs(
    repo: Repo, hydra_dirs: list[str]
) -> tuple[list[ConfigFile], list[Hyperparameter]]:
    """Every ML config of the repo as a ConfigFile, and its hyperparameter-like leaves."""
    configs: list[ConfigFile] = []
    hyperparameters: list[Hyperparameter] = []
    for entry in repo.files(FileKind.CONFIG):
        if not is_ml_config(entry.path, hydra_dirs):
            continue
        text = repo.text(entry.path)
        if text is None:
            continue
        found = repo.derived(entry.path, text, config_facts, ConfigFacts)
        if found.ci_pipeline and not _in_any(entry.path, hydra_dirs):
            continue
        configs.append(found.config)
        if entry.size <= MAX_HYPERPARAMETER_FILE_BYTES:
            hyperparameters.extend(found.hyperparameters)
    return configs, hyperparameters


@dataclass(frozen=True)
class ConfigFacts:
    """What one config file shows on its own (kept between audits: `Repo.derived`)."""

    ci_pipeline: bool
    config: ConfigFile
    hyperparameters: tuple[Hyperparameter, ...]


def config_facts(path: str, text: str) -> ConfigFacts:
    """Parse one config file into its facts."""
    # NOTE: imported here: an unchanged file's facts come from the cache (`Repo.derived`), so a
    # second audit never loads the parsers (configparser, tomllib)
    from auditor.probes.configparse import parse_config

    fmt = FORMATS[PurePosixPath(path).suffix.lower()]
    parsed = parse_config(text, fmt)
    return ConfigFacts(
        is_ci_pipeline(parsed),
        _config_file(path, text, fmt, parsed),
        tuple(_hyperparameters(path, text, parsed)),
    )


# ------------------------------------------------------------------------------------ facts


def _config_file(path: str, text: str, fmt: Format, parsed: Parsed) -> ConfigFile:
    from auditor.probes.configparse import MAX_SEEDS  # NOTE: lazy, see `config_facts`

    keys: list[str] = []
    seen: set[str] = set()
    seeds: list[str] = []
    seed_line: int | None = None
    for entry in parsed.entries:
        dotted = ".".join(entry.path)
        if (
            not entry.in_list
            and len(entry.path) <= MAX_KEY_DEPTH
            and dotted not in seen
            and len(keys) < MAX_KEYS
        ):
            seen.add(dotted)
            keys.append(dotted)
        if entry.path[-1].lower() in SEED_KEYS:
            values = entry.items or ((entry.scalar[0],) if entry.scalar else ())
            if entry.scalar and entry.scalar[1] == "null":
                values = ()
            seeds.extend(v for v in values if v not in seeds and len(seeds) < MAX_SEEDS)
            seed_line = seed_line or (entry.line if values else None)
    line = seed_line or 1
    lines = text.splitlines()
    snippet = clip_snippet(
        lines[line - 1] if seed_line and line <= len(lines) else "\n".join(lines[:3]), max_lines=3
    )
    return ConfigFile(
        path=path,
        line=line,
        snippet=snippet or None,
        format=fmt,
        keys=tuple(keys),
        seeds=tuple(seeds),
        parse_error=parsed.error,
    )


def _hyperparameters(path: str, text: str, parsed: Parsed) -> Iterator[Hyperparameter]:
    """Scalar leaves with short identifier-like keys, as `source="config"` hyperparameters."""
    lines = text.splitlines()
    count = 0
    for item in parsed.entries:
        if count >= MAX_HYPERPARAMETERS_PER_FILE:
            return
        if item.in_list or item.scalar is None or len(item.path) > MAX_KEY_DEPTH:
            continue
        value, kind = item.scalar
        if kind == "null" or not all(_HP_KEY_RE.fullmatch(part) for part in item.path):
            continue
        if kind == "str" and (len(value) > 40 or "\n" in value):
            continue
        line = item.line if item.line and item.line <= len(lines) else None
        count += 1
        yield Hyperparameter(
            path=path,
            line=line or 1,
            snippet=clip_around(lines[line - 1], item.path[-1]) if line else None,
            name=".".join(item.path),
            default=value,
            type=kind,
            source="config",
        )
