"""Load a YAML file into a pydantic model; errors name the file, the line and the field.

Users edit these files by hand, so an error must point at the exact place to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from auditor.errors import InputFileError

ModelT = TypeVar("ModelT", bound=BaseModel)


def _node_line(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the YAML node at `loc` (a pydantic error location), deepest found."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
            if not match:
                key_nodes = [k for k, _ in node.value if k.value == key]
                return key_nodes[0].start_mark.line + 1 if key_nodes else line
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key >= len(node.value):
                return line
            node = node.value[key]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _field_name(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for key in loc:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(("." if parts else "") + key)
    return "".join(parts) or "(top level)"


# NOTE: libyaml's loader is ~10x faster than the pure-Python one; the pure one still reports
# errors (its messages are the ones users see) and builds the node tree for line numbers.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml_text(text: str, path: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text into plain data and its node tree; syntax errors become InputFileError."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputFileError(path, f"YAML syntax error: {exc.problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputFileError(path, f"YAML error: {exc}") from None
    return data, node


def validate_yaml_text(text: str, path: str, model: type[ModelT]) -> ModelT:
    """Validate YAML text against `model`, naming file, line and field on the first error.

    The common case (valid YAML, valid data) parses once, with the fast loader; only a failure
    parses again, slowly, for the error's message and line.
    """
    try:
        data = yaml.load(text, Loader=_FAST_LOADER)  # a safe loader: plain data only
    except yaml.YAMLError:
        data, _ = parse_yaml_text(text, path)  # raises the error users see
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        _, node = parse_yaml_text(text, path)
        raise InputFileError(
            path, first["msg"], line=_node_line(node, loc), field=_field_name(loc)
        ) from None


def load_yaml_model(path: Path, model: type[ModelT]) -> ModelT:
    """Read and validate a YAML file; unreadable files become InputFileError too."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(str(path), f"cannot read: {exc}") from None
    return validate_yaml_text(text, str(path), model)
