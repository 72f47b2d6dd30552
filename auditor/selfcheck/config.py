"""The whole nas-audit.yaml: `rerun:` (auditor.rerun.manifest), `answers:` and `waive:`.

Authors edit this file by hand, and nas-audit also reads it from repositories it audits, so it
is read strictly: unknown keys, duplicated keys (YAML would silently keep the last one), item
ids the checklist does not have and wrong answer words are errors that name the file, the line
and the field (InputFileError, exit code 2). A typo such as `anwsers:` must never drop every
answer without a word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from auditor.errors import InputFileError
from auditor.models import DeclaredAnswer, Waiver, WaiverReason
from auditor.rerun.manifest import Manifest
from auditor.rerun.spec import check_relative
from auditor.selfcheck import CONFIG_NAME
from auditor.yamlfile import parse_yaml_text, validate_yaml_text
from checklist import Checklist

TOP_LEVEL_KEYS = ("rerun", "answers", "waive")
ANSWER_KEYS = ("answer", "where", "justification")
WAIVER_KEYS = ("reason", "note")
MAX_CONFIG_BYTES = 1024 * 1024
MAX_TEXT = 1000  # characters of a justification or a waiver note
MAX_WHERE = 50  # paths per item


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _relative(path: str) -> str:
    return check_relative(path.strip()).rstrip("/") or "."


RelativePath = Annotated[str, AfterValidator(_relative)]


class Answer(_Model):
    """An author's answer to one item: the word, where the repository shows it, and why."""

    answer: DeclaredAnswer | None = None  # None: not answered yet (as `init` writes it)
    where: tuple[RelativePath, ...] = Field(default=(), max_length=MAX_WHERE)
    justification: str | None = Field(default=None, max_length=MAX_TEXT)

    @field_validator("answer", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: Any) -> Any:
        # NOTE: YAML 1.1 reads an unquoted yes/no as a boolean; authors mean the words.
        if isinstance(value, bool):
            return "yes" if value else "no"
        return _blank_to_none(value)

    @field_validator("where", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return ()
        return [value] if isinstance(value, str) else value

    @field_validator("justification", mode="before")
    @classmethod
    def _justification(cls, value: Any) -> Any:
        return _blank_to_none(value)


class WaiverSpec(_Model):
    """A waived item: it keeps its status and evidence, but no policy fails on it."""

    reason: WaiverReason
    note: str = Field(min_length=1, max_length=MAX_TEXT)

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("say why the item is waived (one line)")
        return value.strip() if isinstance(value, str) else value

    def to_waiver(self) -> Waiver:
        """The report's form of this waiver."""
        return Waiver(reason=self.reason, note=self.note)


class NasAuditFile(_Model):
    """nas-audit.yaml. `answers` is None when the file has no `answers:` key at all."""

    rerun: Manifest | None = None
    answers: dict[str, Answer] | None = None
    waive: dict[str, WaiverSpec] = Field(default_factory=dict)

    @field_validator("answers", "waive", mode="before")
    @classmethod
    def _blank_sections(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("answers", mode="before")
    @classmethod
    def _short_answers(cls, value: Any) -> Any:
        """`R1:` alone is not answered yet; `R1: yes` is short for `R1: {answer: yes}`."""
        if not isinstance(value, dict):
            return value
        return {
            k: {} if v is None else {"answer": v} if isinstance(v, str | bool) else v
            for k, v in value.items()
        }


def _key_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "(complex key)"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _field(parts: tuple[str, ...]) -> str:
    return ".".join(parts).replace(".[", "[")


def _no_duplicates(node: yaml.Node, path: str, parts: tuple[str, ...], seen: set[int]) -> None:
    """Raise on the first mapping that repeats a key (YAML itself keeps the last silently)."""
    if id(node) in seen:  # NOTE: aliases share nodes; visiting them again could be exponential
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            name = _key_text(key)
            if name in first:
                raise InputFileError(
                    path,
                    f"duplicate key {name!r} (first at line {first[name]}); "
                    "YAML would keep only the last one",
                    line=_line(key),
                    field=_field((*parts, name)),
                )
            first[name] = _line(key)
            _no_duplicates(value, path, (*parts, name), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _no_duplicates(value, path, (*parts, f"[{index}]"), seen)


def _check_item_keys(section: str, node: yaml.Node, path: str, ids: tuple[str, ...] | None) -> None:
    """Ids of `answers:`/`waive:` must be checklist items; their keys must be known."""
    if not isinstance(node, yaml.MappingNode):
        return  # pydantic says "should be a valid dictionary" at the right line
    allowed = ANSWER_KEYS if section == "answers" else WAIVER_KEYS
    for key, value in node.value:
        item = _key_text(key)
        if ids is not None and item not in ids:
            raise InputFileError(
                path,
                f"{item!r} is not an item of the checklist (items: {', '.join(ids)})",
                line=_line(key),
                field=f"{section}.{item}",
            )
        if isinstance(value, yaml.MappingNode):
            for sub, _ in value.value:
                if _key_text(sub) not in allowed:
                    raise InputFileError(
                        path,
                        f"unknown key {_key_text(sub)!r} (use {', '.join(allowed)})",
                        line=_line(sub),
                        field=f"{section}.{item}.{_key_text(sub)}",
                    )


def _check_keys(node: yaml.Node, path: str, checklist: Checklist | None) -> None:
    _no_duplicates(node, path, (), set())
    if not isinstance(node, yaml.MappingNode):
        raise InputFileError(
            path, f"must be a mapping with {', '.join(TOP_LEVEL_KEYS)}", line=_line(node)
        )
    ids = tuple(item.id for item in checklist.items) if checklist is not None else None
    for key, value in node.value:
        name = _key_text(key)
        if name not in TOP_LEVEL_KEYS:
            raise InputFileError(
                path,
                f"unknown top-level key {name!r} ({CONFIG_NAME} has {', '.join(TOP_LEVEL_KEYS)})",
                line=_line(key),
                field=name,
            )
        if name in ("answers", "waive"):
            _check_item_keys(name, value, path, ids)


def load_config(path: Path, checklist: Checklist | None = None) -> NasAuditFile:
    """Read and validate nas-audit.yaml; item ids are checked when `checklist` is given."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise InputFileError(str(path), f"larger than {MAX_CONFIG_BYTES // 1024} KiB")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(str(path), f"cannot read: {exc}") from None
    _, node = parse_yaml_text(text, str(path))
    if node is None:  # an empty file (or only comments): nothing declared
        return NasAuditFile()
    _check_keys(node, str(path), checklist)
    return validate_yaml_text(text, str(path), NasAuditFile)


def find_config(root: Path) -> Path | None:
    """The nas-audit.yaml of a repository folder, if it has one."""
    path = root / CONFIG_NAME
    return path if path.is_file() else None
