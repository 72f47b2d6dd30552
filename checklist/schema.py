"""Pydantic schema of a best-practices checklist: the data in this package drives every check.

The checklist is data, so that its wording, signals and weights live in one place and every
renderer, the docs and the engine read the same text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]+$")]
SignalId = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]+\.[a-z0-9-]+$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckMethod(StrEnum):
    """How an item can be checked: by reading files, by re-running, or by the authors' word."""

    STATIC = "static"
    RERUN = "rerun"
    DECLARED = "declared"


class Signal(_Frozen):
    """A yes/no sub-question of an item; the engine scores an item from its signals."""

    id: SignalId
    question: Text
    required: bool = True
    weight: int = Field(1, ge=1, le=10)


class Reference(_Frozen):
    """A publication or page an item builds on."""

    title: Text
    url: str | None = None


class Item(_Frozen):
    """One practice of the checklist."""

    id: ItemId
    title: Text
    question: Text
    rationale: Text
    checked_by: tuple[CheckMethod, ...] = Field(min_length=1)
    check: Text  # name of the check function registered for this item
    evidence: Text  # what a repository can show
    remediation: Text
    signals: tuple[Signal, ...] = Field(min_length=1)
    references: tuple[Reference, ...] = ()

    @model_validator(mode="after")
    def _signals_belong_to_item(self) -> Item:
        for signal in self.signals:
            if not signal.id.startswith(self.id + "."):
                raise ValueError(f"signal {signal.id} does not belong to item {self.id}")
        if not any(s.required for s in self.signals):
            raise ValueError(f"item {self.id} needs at least one required signal")
        ids = [s.id for s in self.signals]
        if len(ids) != len(set(ids)):
            raise ValueError(f"item {self.id} repeats a signal id")
        return self


class Section(_Frozen):
    """A group of items (releasing code, comparing methods, reporting details)."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
    title: Text
    prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    items: tuple[Item, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _items_use_prefix(self) -> Section:
        for item in self.items:
            if not item.id.startswith(self.prefix):
                raise ValueError(f"item {item.id} does not start with section prefix {self.prefix}")
        return self


class Checklist(_Frozen):
    """A whole checklist: sections of items, with where it comes from."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Text
    version: Text
    source: Reference
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Checklist:
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise ValueError(f"item id {item.id} appears twice")
            seen.add(item.id)
        return self

    @property
    def items(self) -> tuple[Item, ...]:
        """All items in checklist order."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError when there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def section_of(self, item_id: str) -> Section:
        """The section holding this item."""
        for section in self.sections:
            if any(item.id == item_id for item in section.items):
                return section
        raise KeyError(item_id)
