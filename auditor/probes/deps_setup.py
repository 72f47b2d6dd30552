"""Dependencies declared by setuptools: setup.py (read from its AST, never run) and setup.cfg."""

from __future__ import annotations

import ast

from auditor.facts import Dependency
from auditor.probes.deps_formats import make_dep
from auditor.probes.deps_specs import parse_requirement
from auditor.pyast import PyModule

_SETUP_NAMES = frozenset({"setup", "setuptools.setup", "distutils.core.setup"})
_MAX_DEPTH = 4


def setup_py(path: str, module: PyModule) -> list[Dependency]:
    """`install_requires=[...]` / `extras_require={...}` literals of `setup(...)` calls.

    A name is followed to a module-level assignment of a literal list (or a sum of lists) in
    the same file; anything computed (read from a file, a loop) is left to the files it reads.
    """
    if not module.parsed:
        return []
    out: list[Dependency] = []
    for call in module.calls:
        if call.node is None or call.name not in _SETUP_NAMES:
            continue
        for keyword in call.node.keywords:
            if keyword.arg == "install_requires":
                items = _strings(module, keyword.value, call.line, 0)
            elif keyword.arg == "extras_require":
                items = [
                    s
                    for value in _dict_values(module, keyword.value, call.line)
                    for s in _strings(module, value, call.line, 0)
                ]
            else:
                continue
            for line, spec in items:
                if (req := parse_requirement(spec)) is not None:
                    out.append(make_dep(path, module.file_line(line), module.lines[line - 1], req))
    return out


def _resolve(module: PyModule, expr: ast.expr, before: int) -> ast.expr:
    """A module-level name's last literal assignment before `before`, else the expression."""
    if not isinstance(expr, ast.Name):
        return expr
    found = [
        a for a in module.assigns if a.target == expr.id and a.scope is None and a.line < before
    ]
    return found[-1].value if found else expr


def _strings(module: PyModule, expr: ast.expr, before: int, depth: int) -> list[tuple[int, str]]:
    """(line, text) of string literals in a list/tuple (or sum of them), through names."""
    if depth > _MAX_DEPTH:
        return []
    expr = _resolve(module, expr, before)
    if isinstance(expr, (ast.List, ast.Tuple)):
        return [
            (elt.lineno, elt.value)
            for elt in expr.elts
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str)
        ]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _strings(module, expr.left, before, depth + 1) + _strings(
            module, expr.right, before, depth + 1
        )
    return []


def _dict_values(module: PyModule, expr: ast.expr, before: int) -> list[ast.expr]:
    expr = _resolve(module, expr, before)
    if isinstance(expr, ast.Dict):
        return list(expr.values)
    return []


def setup_cfg(path: str, text: str) -> list[Dependency]:
    """`[options] install_requires` and `[options.extras_require]` lists (dangling or inline)."""
    out: list[Dependency] = []
    section = ""
    collecting = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not line[:1].isspace():
            collecting = False
            if stripped.startswith("[") and stripped.endswith("]"):
                section = stripped[1:-1].strip()
                continue
            key, sep, value = stripped.partition("=")
            if not sep:
                continue
            collecting = (
                section == "options" and key.strip() == "install_requires"
            ) or section == "options.extras_require"
            stripped = value.strip()
        if collecting and stripped and (req := parse_requirement(stripped)) is not None:
            out.append(make_dep(path, number, line, req))
    return out
