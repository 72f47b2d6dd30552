"""The index pass skips names, constants and operators for speed; it must still find every
call, assignment and definition that a full `ast.walk` finds, wherever it is nested."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from auditor.pyast import PyModule, parse_module

NESTED = """
import numpy as np

@register(np.random.seed(0))
class Net(Base, metaclass=make_meta()):
    table: dict = build_table()

    def forward(self, x: annotate(1) = default(), *, y=[f(z) for z in g()]) -> ret():
        async def inner():
            async with ctx() as c, other():
                return [await h(i) async for i in c if check(i)]
        lam = lambda q=ldefault(): lbody(q)
        total += step() if cond() else other_step()
        print(f"{fmt(x)!r:>{width()}}")
        del items[index()]
        assert ok(), message()
        global G
        with open(path()) as fh:
            data = {k(): v() for k, v in pairs()}
        try:
            risky()
        except (Err1, err_type()) as exc:
            handle(exc)
        finally:
            cleanup()
        match subject():
            case {"k": [1, *rest]} if guard(rest):
                matched()
            case Point(x=0) | None:
                pass
        while (n := nxt()) is not None:
            if n:
                yield from gen(n)
        OPS[op_name()](x)
        raise Boom(msg()) from cause()

if False:
    dead_call()
"""


def _walked(module: PyModule) -> tuple[set[int], set[int], set[int]]:
    """ids of calls (with a qualified name, or of a named container's item: `OPS[k](x)`),
    assignments and definitions by a full walk."""
    assert module.tree is not None
    nodes = list(ast.walk(module.tree))
    calls = {
        id(n)
        for n in nodes
        if isinstance(n, ast.Call)
        and module.qualname(n.func.value if isinstance(n.func, ast.Subscript) else n.func)
    }
    assigns = {
        id(n)
        for n in nodes
        if isinstance(n, (ast.Assign, ast.AnnAssign))
        and n.value is not None
        and any(
            isinstance(t, (ast.Name, ast.Attribute)) and module.qualname(t)
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
        )
    }
    return calls, assigns, _first_defs(module.tree, "", set())


def _first_defs(node: ast.AST, prefix: str, seen: set[str]) -> set[int]:
    """ids of the first definition of each dotted function name: the index keeps a name's
    first `def` (`@overload` stubs come before their implementation)."""
    found: set[int] = set()
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            dotted = prefix + child.name
            if not isinstance(child, ast.ClassDef) and dotted not in seen:
                seen.add(dotted)
                found.add(id(child))
            found |= _first_defs(child, dotted + ".", seen)
        else:
            found |= _first_defs(child, prefix, seen)
    return found


def _indexed(module: PyModule) -> tuple[set[int], set[int], set[int]]:
    calls = {id(c.node) for c in module.calls}
    assign_values = {id(a.value) for a in module.assigns}
    assert module.tree is not None
    assigns = {
        id(n)
        for n in ast.walk(module.tree)
        if isinstance(n, (ast.Assign, ast.AnnAssign)) and id(n.value) in assign_values
    }
    defs = {id(f.node) for f in module.functions.values()}
    return calls, assigns, defs


def test_index_finds_calls_in_every_nesting() -> None:
    module = parse_module("m.py", textwrap.dedent(NESTED))
    assert _indexed(module) == _walked(module)
    names = {c.name for c in module.calls}
    for expected in ("numpy.random.seed", "annotate", "ldefault", "lbody", "width", "guard"):
        assert expected in names
    assert "OPS[]" in names  # a call of what a container holds names the container
    fstring_line = NESTED.splitlines().index('        print(f"{fmt(x)!r:>{width()}}")') + 1
    assert {c.line for c in module.calls if c.name == "width"} == {fstring_line}


@pytest.mark.parametrize("package", ["auditor", "tests"])
def test_index_matches_a_full_walk_on_real_code(package: str) -> None:
    root = Path(__file__).resolve().parents[1] / package
    for path in sorted(root.rglob("*.py")):
        module = parse_module(str(path), path.read_text(encoding="utf-8"))
        assert _indexed(module) == _walked(module), path
