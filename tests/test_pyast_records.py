"""The compact records kept after a module's tree is freed must say what a walk of the tree
says: the probes read them instead of the function and class nodes."""

from __future__ import annotations

import ast
import dataclasses
import pickle
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.pyast import Assign, CallSite, FunctionInfo, PyModule, parse_module

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)
_TERMINAL = (ast.Return, ast.Raise, ast.Continue, ast.Break)

SOURCE = """
import unittest

@deco([x for x in range(3)])
def outer(a, b=[i for i in y]):
    def inner():
        return 1
    for k in a:
        if k:
            continue
            dead_in_loop()
    while a:
        break
    return
    after_return()

class Case(unittest.TestCase):
    def test(self):
        try:
            import missing
        except (ImportError, ValueError):
            pass
        raise SystemExit
        print("gone")

if True:
    class InIf(Case):
        pass
try:
    class InTry:
        pass
except Exception:
    pass

def maker():
    class InDef(object):
        pass
    return InDef
"""


def _reference_loops(node: ast.AST) -> set[tuple[int, int, bool]]:
    return {
        (n.lineno, getattr(n, "end_lineno", None) or n.lineno, isinstance(n, _COMPREHENSIONS))
        for n in ast.walk(node)
        if isinstance(n, (*_LOOPS, *_COMPREHENSIONS))
    }


def _reference_dead(body: list[ast.stmt]) -> set[int]:
    """Lines after a terminal statement, block by block (recursive, unlike the index)."""
    dead: set[int] = set()
    terminated = False
    for stmt in body:
        if terminated:
            dead |= set(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
            continue
        terminated = isinstance(stmt, _TERMINAL)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        blocks = [getattr(stmt, name, None) for name in ("body", "orelse", "finalbody")]
        blocks += [h.body for h in getattr(stmt, "handlers", [])]
        for block in blocks:
            if isinstance(block, list):
                dead |= _reference_dead(block)
    return dead


def _check_functions(module: PyModule) -> None:
    for info in module.functions.values():
        node = info.node
        assert node is not None
        assert set(info.loops) == _reference_loops(node), info.name
        returns = any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(node))
        assert info.returns_value == returns, info.name
        dead = {n for start, end in info.after_terminal for n in range(start, end + 1)}
        assert dead == _reference_dead(node.body), info.name
        assert info.args is node.args
        expected = tuple(
            module.qualname(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list
        )
        assert info.decorators == expected


def test_function_records_match_a_walk_of_the_function() -> None:
    module = parse_module("m.py", textwrap.dedent(SOURCE))
    _check_functions(module)
    outer = module.functions["outer"]
    assert (4, 4, True) in outer.loops  # in the decorator
    assert outer.returns_value  # through the nested `inner`
    assert not module.functions["Case.test"].returns_value


def test_classes_and_try_blocks_are_recorded_where_the_probes_look() -> None:
    module = parse_module("m.py", textwrap.dedent(SOURCE))
    places = [(c.name, c.place, c.bases) for c in module.class_list]
    assert places == [
        ("Case", "module", ("unittest.TestCase",)),
        ("InIf", "if", ("Case",)),
        ("InTry", "try", ()),
        ("InDef", "def", ("object",)),
    ]
    handlers = [h for _, _, hs in module.tries for h in hs]
    assert ("ImportError", "ValueError") in handlers
    assert ("Exception",) in handlers


def test_release_tree_keeps_the_records() -> None:
    module = parse_module("m.py", textwrap.dedent(SOURCE))

    def records() -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        for f in module.functions.values():
            args = ast.dump(f.args or ast.arguments())
            out.append((f.name, args, f.decorators, f.loops, f.returns_value, f.after_terminal))
        return out

    before = records()
    module.release_tree()
    assert module.tree is None and module.parsed
    assert all(f.node is None and f.kept_args is None for f in module.functions.values())
    assert records() == before  # the parameters are found again by re-parsing


def test_functions_that_seed_or_take_a_seed_keep_their_parameters() -> None:
    """The seeds probe binds those in every audit; keeping them saves re-parsing the module."""
    source = textwrap.dedent(
        """
        def set_seed(seed=0):
            pass
        def make(n, rng=None):
            pass
        def f(x):
            pass
        def loaders(config):
            return DataLoader(ds, worker_init_fn=np.random.seed(config.seed))
        """
    )
    module = parse_module("m.py", source)
    before = {name: ast.dump(f.args or ast.arguments()) for name, f in module.functions.items()}
    module.release_tree()
    kept = sorted(name for name, f in module.functions.items() if f.kept_args is not None)
    assert kept == ["loaders", "make", "set_seed"]
    assert {
        name: ast.dump(f.args or ast.arguments()) for name, f in module.functions.items()
    } == before


@pytest.mark.parametrize("package", ["auditor", "tests"])
def test_function_records_match_on_real_code(package: str) -> None:
    root = Path(__file__).resolve().parents[1] / package
    for path in sorted(root.rglob("*.py")):
        _check_functions(parse_module(str(path), path.read_text(encoding="utf-8")))


CALLS = """
import numpy as np
import torch

def run(seed, fn):
    np.random.seed(seed)
    pool.map(worker, data, key=np.sum, **opts)
    loader = DataLoader(ds, worker_init_fn=init, generator=g)
    set_seed(config.seed)
    f(x)(y)
"""


def test_dropped_call_nodes_are_found_again() -> None:
    module = parse_module("m.py", textwrap.dedent(CALLS))
    before = [(c.name, c.span, c.refs, c.keywords, ast.dump(c.node)) for c in module.calls]
    module.release_tree()
    kept = {c.name for c in module.calls if c.kept is not None}
    # calls that seed (by name or keyword) or pass a seed on keep theirs; the others are re-parsed
    assert kept == {"numpy.random.seed", "DataLoader", "set_seed"}
    after = [(c.name, c.span, c.refs, c.keywords, ast.dump(c.node)) for c in module.calls]
    assert after == before
    by_name = {c.name: c for c in module.calls}
    assert by_name["pool.map"].refs == ("worker", "data", "numpy.sum", "opts")
    assert by_name["pool.map"].keywords == ("key", None)
    assert by_name["DataLoader"].keywords == ("worker_init_fn", "generator")
    assert module.segment_at(by_name["DataLoader"].span or (0, 0, 0, 0)).startswith("DataLoader(")


ASSIGNS = """
import torch

OPS = {"skip": Skip, "conv": conv3x3, **more}
PRIMITIVES = ["none", "max_pool", other]
g = torch.Generator()
args = parser.parse_args()
model = build(arch, cells, n=layers, depth=size(3))
fn = helper if flag else other_helper
seed = args.seed or int(time.time())
cfg = config.search if mode == "train" else config.evaluation
opt = make(lr=0.1) if flag else None
"""


def test_dropped_assigned_values_are_found_again() -> None:
    module = parse_module("m.py", textwrap.dedent(ASSIGNS))
    before = [(a.target, a.span, a.kind, _dump(a.value)) for a in module.assigns]
    module.release_tree()
    kept = {a.target for a in module.assigns if a.kept is not None}
    # calls of leaves and choices between leaves keep their text; larger values are re-parsed
    assert kept == {"g", "args", "fn", "cfg"}
    assert all(isinstance(a.kept, str) for a in module.assigns if a.kept is not None)
    assert [(a.target, a.span, a.kind, _dump(a.value)) for a in module.assigns] == before
    by_target = {a.target: a for a in module.assigns}
    assert by_target["OPS"].strings == 2 and by_target["PRIMITIVES"].strings == 2
    assert by_target["OPS"].refs == ("Skip", "conv3x3", "more")
    assert by_target["g"].made_by == "torch.Generator"
    assert by_target["model"].arg_names == ("arch", "cells", "layers")
    assert by_target["fn"].refs == ("helper", "other_helper")
    assert by_target["fn"].kind is ast.IfExp and by_target["seed"].kind is ast.BoolOp
    assert module.segment_at(by_target["seed"].span) == "args.seed or int(time.time())"


def _dump(node: ast.AST) -> str:
    return ast.dump(node, include_attributes=True)  # positions too: evidence quotes them


# values kept as text must come back with every position: over several lines, after wide
# characters (columns count UTF-8 bytes), with CRLF, tabs, backslashes and joined strings
AWKWARD = (
    "größe = 1; ψ = config.wärme\n"
    "def f():\n"
    "\tseed = (args.seed\n"
    "\t        if args.seed is not None\n"
    "\t        else 0)\n"
    "\targs = parse(\n"
    "\t    'naïve', n=-3,  # comment\n"
    "\t    key=cfg.ü)\r\n"
    "name = ('a'\n"
    "        'b')\n"
    "total = -\\\n"
    "    limit\n"
)


def test_values_kept_as_text_come_back_with_their_positions() -> None:
    module = parse_module("m.py", AWKWARD)
    before = [(a.target, _dump(a.value)) for a in module.assigns]
    module.release_tree()
    assert {a.target for a in module.assigns if isinstance(a.kept, str)} == {
        "größe", "ψ", "seed", "args", "name", "total"
    }  # fmt: skip
    assert [(a.target, _dump(a.value)) for a in module.assigns] == before


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from(["args = ", "é = 0; cfg = ", "self.größe_seed: int = "]),
    in_function=st.booleans(),
    parts=st.lists(
        st.sampled_from(["a", "b.c", "1", "'ß'", "-2", "None", "x.y.z"]), min_size=1, max_size=4
    ),
    breaks=st.lists(st.booleans(), min_size=4, max_size=4),
    shape=st.sampled_from(["leaf", "call", "choice"]),
)
def test_any_small_value_comes_back_from_its_text(
    prefix: str, in_function: bool, parts: list[str], breaks: list[bool], shape: str
) -> None:
    gaps = [",\n      " if b else ", " for b in breaks]
    if shape == "leaf":
        value = parts[0]
    elif shape == "call":
        value = "f(" + "".join(p + g for p, g in zip(parts, gaps, strict=False)) + "k=v)"
    else:
        value = f"({parts[0]}\n  if {parts[-1]} else {parts[len(parts) // 2]})"
    source = ("def m(self):\n    " if in_function else "") + prefix + value + "\n"
    module = parse_module("m.py", source)
    [assign] = [a for a in module.assigns if a.target.endswith(("args", "cfg", "seed"))]
    before = _dump(assign.value)
    module.release_tree()
    assert isinstance(assign.kept, str)
    assert _dump(assign.value) == before


FORWARD = """
def forward(self, x):
    out = self.op(x)
    args = parser.parse_args()
    rng = numpy.random.default_rng(args.seed)
    return out
"""


def test_calls_in_functions_stay_held_only_where_a_seed_may_be_read_through_them() -> None:
    module = parse_module("m.py", textwrap.dedent(FORWARD))
    before = [(a.target, _dump(a.value)) for a in module.assigns]
    module.release_tree()
    assert {a.target for a in module.assigns if a.kept is not None} == {"args", "rng"}
    assert [(a.target, _dump(a.value)) for a in module.assigns] == before


RECORDS = """
import torch
rng = torch.Generator(seed=3)
@torch.no_grad()
def make(seed, n=2):
    for i in x:
        pass
    return torch.Generator(seed=3)
"""


@pytest.mark.parametrize("kind", [CallSite, Assign, FunctionInfo])
def test_records_keep_every_field_through_pickling(kind: type) -> None:
    """Records pickle as plain tuples of their fields (`__getstate__`): a field left out of
    them would come back missing."""
    module = parse_module("m.py", RECORDS)
    last = {CallSite: module.calls[-1], Assign: module.assigns[-1]}
    record = last.get(kind) or module.functions["make"]
    again = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    for name in (f.name for f in dataclasses.fields(record)):
        value, restored = getattr(record, name), getattr(again, name)
        if isinstance(value, ast.AST):
            assert ast.dump(value) == ast.dump(restored)
        elif name == "source":
            assert (value.path, value.text) == (restored.path, restored.text)
        else:
            assert value == restored, name
    assert len(record.__getstate__()) == len(dataclasses.fields(record))
    if kind is not FunctionInfo:  # names come back as one copy, however many modules hold them
        name = again.name if isinstance(again, CallSite) else again.target
        assert name is sys.intern(name[:1] + name[1:])  # an equal string, made anew
