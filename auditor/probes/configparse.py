"""Parse config texts (YAML, JSON, TOML, INI) into flat entries with lines; never raise.

YAML is composed, never constructed (no tags run, node marks give lines); a node budget and a
seen-set bound alias bombs and huge data dumps. JSON/TOML/INI key lines come from a forward
search of the text. Any parse failure becomes a one-line message with its line number.
"""

from __future__ import annotations

import bisect
import configparser
import json
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

import yaml

Format = Literal["yaml", "json", "toml", "ini"]

MAX_SEEDS = 100  # list items kept per key
MAX_DEPTH = 40
MAX_NODES = 20_000
# NOTE: libyaml's composer is ~10x faster than PyYAML's pure-Python scanner, same nodes and marks
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Entry:
    """One key of a config tree: its dotted path, line, and scalar value(s) if it has any."""

    path: tuple[str, ...]
    line: int | None
    scalar: tuple[str, str] | None  # (text as written, type: int/float/bool/null/str)
    items: tuple[str, ...] = ()  # scalar texts of a list value
    in_list: bool = False  # reached through a list: no flat key of its own


@dataclass
class Parsed:
    """What one config file yielded."""

    entries: list[Entry]
    error: str | None


def parse_config(text: str, fmt: Format) -> Parsed:
    """Entries of a config text in document order; a one-line error if it does not parse."""
    if fmt == "yaml":
        return _parse_yaml(text)
    lines = _LineIndex(text)
    try:
        data = _load_data(text, fmt)
    except json.JSONDecodeError as exc:
        return Parsed([], f"JSON syntax error at line {exc.lineno}: {exc.msg}")
    except tomllib.TOMLDecodeError as exc:
        return Parsed([], f"TOML syntax error: {_first_line(str(exc))}")
    except configparser.Error as exc:
        return Parsed([], f"INI syntax error{_ini_where(exc)}: {_first_line(str(exc))}")
    except RecursionError:
        return Parsed([], f"{fmt.upper()} too deeply nested to read")
    except (ValueError, TypeError) as exc:  # e.g. lone surrogates, invalid numbers
        return Parsed([], f"{fmt.upper()} error: {_first_line(str(exc))}")
    return Parsed(list(_preorder(data, _data_children(lines, fmt), [MAX_NODES])), None)


# --------------------------------------------------------------------------------------- YAML


def _parse_yaml(text: str) -> Parsed:
    """Compose (never construct) each document: node marks give lines, tags give types."""
    entries: list[Entry] = []
    budget = [MAX_NODES]
    documents = yaml.compose_all(text, Loader=_LOADER)
    try:
        for node in documents:
            if node is not None:
                entries.extend(_preorder(node, _yaml_children, budget))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return Parsed(entries, f"YAML syntax error{where}: {_first_line(str(exc.problem))}")
    except RecursionError:
        return Parsed(entries, "YAML too deeply nested to read")
    except Exception as exc:  # NOTE: PyYAML raises assorted errors on hostile input; never crash
        return Parsed(entries, f"YAML error: {_first_line(str(exc)) or type(exc).__name__}")
    return Parsed(entries, None)


Child = tuple[Entry | None, object, tuple[str, ...], bool]  # entry, node, path, in_list


def _preorder(
    root: object,
    children: Callable[[object, tuple[str, ...], bool], Iterator[Child]],
    budget: list[int],
) -> Iterator[Entry]:
    """Entries in document order (a key, then everything under it), within a node budget.

    A node reached twice (a YAML alias) is not walked again: alias bombs stay small.
    """
    stack = [children(root, (), False)]
    seen: set[int] = set()
    while stack and budget[0] > 0:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        budget[0] -= 1
        entry, node, path, in_list = child
        if entry is not None:
            yield entry
        if (
            len(stack) < MAX_DEPTH
            and isinstance(node, (yaml.CollectionNode, list, dict))
            and id(node) not in seen
        ):
            seen.add(id(node))
            stack.append(children(node, path, in_list))


def _yaml_children(node: object, path: tuple[str, ...], in_list: bool) -> Iterator[Child]:
    if isinstance(node, yaml.SequenceNode):
        yield from ((None, item, path, True) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                child_path = (*path, str(key.value))
                entry = Entry(
                    child_path,
                    key.start_mark.line + 1,
                    _yaml_scalar(value),
                    _yaml_items(value),
                    in_list,
                )
                yield entry, value, child_path, in_list


def _yaml_scalar(node: yaml.Node) -> tuple[str, str] | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    tag = str(node.tag).rsplit(":", 1)[-1]
    return str(node.value), tag if tag in {"int", "float", "bool", "null"} else "str"


def _yaml_items(node: yaml.Node) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        return ()
    return tuple(str(v.value) for v in node.value[:MAX_SEEDS] if isinstance(v, yaml.ScalarNode))


# ------------------------------------------------------------------------- JSON, TOML, INI


class _CaseParser(configparser.ConfigParser):
    """INI parser that keeps option names as written."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def _load_data(text: str, fmt: Format) -> object:
    if fmt == "json":
        return json.loads(text)
    if fmt == "toml":
        return tomllib.loads(text)
    parser = _CaseParser(interpolation=None, strict=False)
    parser.read_string(text)
    return {name: dict(parser.items(name, raw=True)) for name in parser.sections()}


class _LineIndex:
    """Finds the line of a key by searching the text forward from the previous key found."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.cursor = 0

    def line_of(self, key: str, fmt: Format) -> int | None:
        pattern = _key_pattern(key, fmt)
        match = pattern.search(self.text, self.cursor) or pattern.search(self.text)
        if match is None:
            return None
        self.cursor = match.end()
        return bisect.bisect_right(self.starts, match.start())


def _key_pattern(key: str, fmt: Format) -> re.Pattern[str]:
    if fmt == "json":
        return re.compile(re.escape(json.dumps(key)) + r"\s*:")
    escaped = re.escape(key)
    if fmt == "toml":
        return re.compile(
            rf"(?m)^[ \t]*(?:\[{{1,2}}[ \t]*(?:[^\]\n]*\.)?)?[\"']?{escaped}[\"']?"
            r"[ \t]*(?:=|\])"
        )
    return re.compile(rf"(?m)^[ \t]*(?:\[[ \t]*{escaped}[ \t]*\]|{escaped}[ \t]*[=:])")


def _data_children(
    lines: _LineIndex, fmt: Format
) -> Callable[[object, tuple[str, ...], bool], Iterator[Child]]:
    def children(value: object, path: tuple[str, ...], in_list: bool) -> Iterator[Child]:
        if isinstance(value, list):
            yield from ((None, item, path, True) for item in value)
        elif isinstance(value, dict):
            for key, child in value.items():
                child_path = (*path, str(key))
                listed = child[:MAX_SEEDS] if isinstance(child, list) else []
                items = tuple(s[0] for s in map(_data_scalar, listed) if s is not None)
                entry = Entry(
                    child_path, lines.line_of(str(key), fmt), _data_scalar(child), items, in_list
                )
                yield entry, child, child_path, in_list

    return children


def _data_scalar(value: object) -> tuple[str, str] | None:
    """(text, type) of a parsed scalar; None for containers."""
    if isinstance(value, bool):
        return ("true" if value else "false"), "bool"
    if isinstance(value, int):
        return str(value), "int"
    if isinstance(value, float):
        return repr(value), "float"
    if value is None:
        return "null", "null"
    if isinstance(value, (dict, list)):
        return None
    return str(value), _ini_type(str(value))


def _ini_type(text: str) -> str:
    if re.fullmatch(r"[-+]?\d+", text):
        return "int"
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", text):
        return "float"
    return "bool" if text.lower() in {"true", "false"} else "str"


def _ini_where(exc: configparser.Error) -> str:
    line = getattr(exc, "lineno", None)
    errors = getattr(exc, "errors", None)  # ParsingError: [(lineno, line), ...]
    if line is None and isinstance(errors, list) and errors and isinstance(errors[0], tuple):
        line = errors[0][0]
    return f" at line {line}" if isinstance(line, int) else ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else ""
