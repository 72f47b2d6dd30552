"""Docs probe: which README/docs sections talk about setup, hardware, time, tuning, seeds, ...

Each doc file is split into sections (Markdown and reStructuredText headings); per section and
topic the FIRST line with evidence becomes one `DocMention`. A heading that names the topic
counts as that line, unless it is as long as a title or a sentence. Patterns are deliberately
narrow (a "time" mention needs a number with a time unit) because checks treat a mention as
evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from auditor.facts import DocMention, DocTopic, Facts, clip_snippet
from auditor.inventory import FileKind
from auditor.lazyre import lazy_compile
from auditor.probes.docs_text import (
    DocLine,
    Section,
    is_rst,
    paragraphs,
    split_sections,
    version_mentions,
)
from auditor.repo import Repo

if TYPE_CHECKING:
    from auditor.probes.docs_topics import TopicRule

MAX_DOC_FILES = 200
MAX_MENTIONS_PER_FILE = 50

_DOC_DIRS = frozenset({"docs", "doc", "documentation", "wiki"})
_DOC_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".txt", ".rest", ""})
# NOTE: the patterns are compiled on first use (auditor.lazyre): a second audit of an unchanged
# repository takes each document's mentions from the index cache and matches few of them
_NOT_DOCS = lazy_compile(
    r"^(?:licen[cs]e|copying|changelog|changes|history|code_of_conduct|contributing|security"
    r"|authors|contributors|notice|citation)\b",
    re.I,
)


_RUNS_PY_FILE = lazy_compile(r"\bpython[\d.]*\s+\S+\.py\b", re.I)
_WORD = lazy_compile(r"\w+")
_LINK_TARGET = lazy_compile(r"\]\([^)]*\)")
_TABLE_ROW = lazy_compile(r"\s*\|")


def run(repo: Repo, facts: Facts) -> None:
    """Record the doc files and, per section, the first line that shows each topic."""
    for path in doc_paths(repo):
        text = repo.text(path)
        if text is None:
            continue
        facts.doc_files.append(path)
        facts.docs.extend(repo.derived(path, text, mentions_in, list))


def doc_paths(repo: Repo) -> list[str]:
    """README* anywhere, files under docs/ folders, other top-level .md/.rst; root README first."""
    found = [e.path for e in repo.files(FileKind.DOC) if _is_doc(e.path)]
    found.sort(
        key=lambda p: (
            p.count("/"),
            not PurePosixPath(p).name.lower().startswith("readme"),
            PurePosixPath(p).suffix.lower() not in {".md", ".rst"},
            p,
        )
    )
    return found[:MAX_DOC_FILES]


def _is_doc(path: str) -> bool:
    """README anywhere; docs folders; top-level .md/.rst that are not license/changelog-like."""
    pure = PurePosixPath(path)
    name = pure.name.lower()
    if pure.suffix.lower() not in _DOC_SUFFIXES or name.endswith(".ipynb.txt"):
        return False
    if name.startswith("readme"):
        return True
    if _NOT_DOCS.match(name):
        return False
    in_docs = any(part.lower() in _DOC_DIRS for part in pure.parts[:-1])
    return in_docs or (len(pure.parts) == 1 and pure.suffix.lower() in {".md", ".rst"})


def mentions_in(path: str, text: str) -> list[DocMention]:
    """Topic mentions of one document, at most one per (section, topic), bounded per file;
    in line order (topics in rule order on the same line)."""
    # NOTE: imported here: an unchanged document's mentions come from the cache
    # (`Repo.derived`), so a second audit never compiles the topic rules' ~60 patterns
    from auditor.probes.docs_topics import RULES

    raw = text.splitlines()
    out: list[DocMention] = []
    for section in split_sections(text, rst=is_rst(path)):
        blocks = [_Block.of(para) for para in paragraphs(section)]
        lower = "\n".join(block.lower for block in blocks)
        found: list[DocMention] = []
        for rule in RULES:
            line = _section_hit(rule, section, blocks, lower)
            if line is not None:
                snippet = clip_snippet(raw[line - 1], max_lines=1) or None
                found.append(
                    DocMention(
                        path=path,
                        line=line,
                        snippet=snippet,
                        topic=rule.topic,
                        heading=section.heading,
                    )
                )
        out += sorted(found, key=lambda m: m.line or 0)
        if len(out) >= MAX_MENTIONS_PER_FILE:
            return out[:MAX_MENTIONS_PER_FILE]
    return out


@dataclass(frozen=True)
class _Block:
    """Consecutive prose (or code) lines joined into one text, lower-cased once for prefilters."""

    lines: list[DocLine]
    text: str
    lower: str
    offsets: list[int]
    code: bool

    @classmethod
    def of(cls, para: list[DocLine]) -> _Block:
        text = "\n".join(line.text for line in para)
        offsets = [0]
        for line in para[:-1]:
            offsets.append(offsets[-1] + len(line.text) + 1)
        return cls(para, text, text.lower(), offsets, para[0].kind == "code")

    def line_at(self, offset: int) -> int:
        return self.lines[bisect_right(self.offsets, offset) - 1].number


def _section_hit(rule: TopicRule, section: Section, blocks: list[_Block], lower: str) -> int | None:
    """The line of the first evidence of this topic in the section (a short heading counts)."""
    if (
        section.heading
        and section.line
        and rule.heading.search(section.heading)
        and _words(section.heading) <= rule.heading_words
    ):
        return section.line
    if not _triggered(rule, lower):
        return None
    for block in blocks:
        if not _triggered(rule, block.lower):
            continue
        line = _code_hit(rule, block) if block.code else _prose_hit(rule, block)
        if line is not None:
            return line
    return None


def _triggered(rule: TopicRule, lower: str) -> bool:
    """Cheap prefilter: every match contains one of the rule's trigger substrings."""
    for trigger in rule.triggers:  # NOTE: a loop, not any(<generator>): this is a hot path
        if trigger in lower:
            return True
    return rule.trigger_rx is not None and rule.trigger_rx.search(lower) is not None


def _code_hit(rule: TopicRule, block: _Block) -> int | None:
    """Code counts for setup and reproduce commands, and for versions written in a fence."""
    if rule.code is not None and (match := rule.code.search(block.text)):
        return block.line_at(match.start() + (block.text[match.start()] == "\n"))
    if rule.topic is DocTopic.VERSIONS:
        for line in block.lines:
            if not _RUNS_PY_FILE.search(line.text) and version_mentions(line.text):
                return line.number
    return None


def _words(heading: str) -> int:
    """Words of a heading, link targets left out."""
    return len(_WORD.findall(_LINK_TARGET.sub("]", heading)))


def _prose_hit(rule: TopicRule, block: _Block) -> int | None:
    """First match in a paragraph (lines joined, so wrapped sentences match), as a line."""
    if (
        rule.table_veto is not None
        and _TABLE_ROW.match(block.text)
        and rule.table_veto.search(block.text)
    ):
        return None
    starts: list[int] = []
    if rule.prose is not None and (match := rule.prose.search(block.text)):
        starts.append(match.start())
    if rule.weak is not None and rule.context is not None:
        for weak in rule.weak.finditer(block.text):
            window = block.text[max(0, weak.start() - 80) : weak.end() + 80]
            if rule.context.search(window):
                starts.append(weak.start())
                break
    return block.line_at(min(starts)) if starts else None
