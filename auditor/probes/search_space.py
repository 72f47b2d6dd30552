"""Search spaces in the shapes that are not a module-level `PRIMITIVES`/`OPS` constant.

Single Path One-Shot, Once-for-All, ProxylessNAS and ENAS release their space as a supernet
whose `forward` takes the sampled architecture, a mixed edge built from `candidate_ops`, a cell
that runs the operation `op_id`, lists of elastic kernel sizes, expand ratios and depths, or an
`args.conv_candidates = ['3x3_MBConv3', ...]` list. Each shape needs two things to agree (a name
and what it holds, a name and a parameter, two elastic dimensions), so that a list of layer or
dataset names, or a plain `nn.Module`, is not a search space. Reads index records only:
assignments and calls with their source text, classes, functions and their parameters.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from auditor.probes.pycode import Code, call_text, last

# (line, kind, detail) of one search-space signal
Found = tuple[int, str, str]

# Collections named as an operation set in any case or place: `args.conv_candidates`,
# `op_dict`, `available_ops`, `self.choices`. What they hold must name operations too.
_OP_SET_NAME_RE = re.compile(
    r"(?i)^(?:\w*primitives|(?:\w+_|\w+2)?ops|op_?(?:dict|map|list|names|set|table)|"
    r"\w*candidates|candidate_\w+|(?:\w+_)?choices|operations)$"
)
# A string literal that names a network operation ('sep_conv_3x3', '3x3_MBConv6',
# 'conv3x3-bn-relu', 'skip_connect', 'none'), not a dataset, optimiser or file.
_STRING_RE = re.compile(r"""(['"])([\w\- ]{1,40})\1""")
_OP_WORD_RE = re.compile(
    r"(?i)conv|pool|skip|identity|^(?:zero|none|noop|id)$|sep_|dil_|shuffle|xception|lstm|gru|"
    r"relu|tanh|sigmoid|attention|^attn|bottleneck|^ir_k\d|^ffn|^mlp"
)
_COLLECTIONS = (ast.List, ast.Tuple, ast.Set, ast.Dict)
# Flag definitions whose default lists the operations: `flags.DEFINE_list('available_ops', [...])`
_FLAG_CALLS = frozenset({"DEFINE_list", "DEFINE_multi_string", "add_argument"})

# Mixed/choice operations and supernets (classes) and ENAS-style shared cells (functions)...
_CHOICE_CLASS_RE = re.compile(
    r"(?i)mixed_?(?:op|edge|layer|block)|choice_?(?:block|op|layer|module)|"
    r"(?:op|layer|block)_?choice|super_?net|one_?shot"
)
_CHOICE_FUNC_RE = re.compile(r"(?i)^_?(?:enas|mixed|choice)_(?:cell|layer|conv|op|edge|block)s?$")
# ...that take the candidate operations (any method), or the sampled choice (`forward`, or a
# shared cell): `MixedEdge(candidate_ops)`, `forward(x, architecture)`, `_enas_cell(..., op_id)`.
# NOTE: a class that takes the architecture in `__init__` builds one fixed network from it.
_CANDIDATES_PARAM_RE = re.compile(r"(?i)^(?:candidates?|candidate_\w+|\w+_candidates|choices)$")
_CHOICE_PARAM_RE = re.compile(
    r"(?i)^(?:choice|choice_(?:id|idx|index)|op_?(?:id|idx|index)s?|arc|sample_arc|archs?|"
    r"architecture|cand)$"
)
_RUN_METHODS = frozenset({"forward", "call"})  # torch, Keras
_SUBNET_SETTERS = ("set_sample_config", "set_active_subnet", "sample_active_subnet")

# Elastic dimensions (Once-for-All): the choices of each dimension as a list parameter
_ELASTIC_PARAM_RE = re.compile(
    r"^(?:(?P<kernel>ks|kernel_size|kernel)|(?P<expand>expand_ratio|expand)|(?P<depth>depth)|"
    r"(?P<width>width_mult))_(?:list|choices)$"
)


def search_space_signals(code: Code) -> Iterator[Found]:
    """Every search-space shape of this module (see the module docstring)."""
    yield from _op_collections(code)
    yield from _op_flags(code)
    yield from _choice_modules(code)
    yield from _elastic_dimensions(code)


def _op_collections(code: Code) -> Iterator[Found]:
    """Collections named as an operation set that name at least two operations.

    NOTE: a dict from indices to operation names (`op_dict = {0: 'none', 1: 'max_pool_3x3'}`)
    decodes an integer-encoded architecture: it is an encoding that names the operations, not
    the operations themselves (those live where the names are built into modules).
    """
    for assign in code.module.assigns:
        name = last(assign.target)
        if assign.kind not in _COLLECTIONS or not _OP_SET_NAME_RE.match(name):
            continue
        if _op_names(code.module.segment_at(assign.span)) < 2:
            continue
        if assign.kind is ast.Dict and assign.strings == 0:
            yield assign.line, "operation_index", assign.target
        else:
            yield assign.line, "operations", assign.target


def _op_flags(code: Code) -> Iterator[Found]:
    """Flags named as an operation set whose default names at least two operations."""
    for call in code.module.calls:
        if last(call.name) not in _FLAG_CALLS:
            continue
        strings = [m.group(2) for m in _STRING_RE.finditer(call_text(code, call))]
        flag = strings[0].lstrip("-") if strings else ""
        if _OP_SET_NAME_RE.match(flag) and sum(map(_is_op_name, strings[1:])) >= 2:
            yield call.line, "operations", flag


def _choice_modules(code: Code) -> Iterator[Found]:
    """Mixed/choice ops and supernets (by class name) and shared cells (by function name)
    with a parameter that takes the candidate operations or the sampled choice."""
    functions = code.module.functions
    for node in code.class_nodes:
        if not _CHOICE_CLASS_RE.search(node.name):
            continue
        prefix = node.name + "."
        for dotted, info in functions.items():
            method = dotted[len(prefix) :] if dotted.startswith(prefix) else "."
            if "." not in method and (taken := _taken(info.params, choices=method in _RUN_METHODS)):
                yield node.line, "choice_op", f"{dotted}({taken})"
                break
    for dotted, info in functions.items():
        if _CHOICE_FUNC_RE.match(last(dotted)) and (taken := _taken(info.params, choices=True)):
            yield info.line, "choice_op", f"{dotted}({taken})"
    yield from _subnet_setters(code)


def _subnet_setters(code: Code) -> Iterator[Found]:
    """Supernets that are told which subnet to run (AutoFormer `set_sample_config(config)`,
    Once-for-All `set_active_subnet(ks, e, d)`), whatever the class is called; with at least
    one parameter besides self, so a `set_max_net()` alone does not count."""
    for node in code.class_nodes:
        for method in _SUBNET_SETTERS:
            info = code.module.functions.get(f"{node.name}.{method}")
            if info is not None and len(info.params) > 1:
                yield node.line, "choice_op", f"{node.name}.{method}({', '.join(info.params[1:])})"
                break


def _taken(params: tuple[str, ...], choices: bool) -> str:
    """The parameters that take candidate operations (or, with `choices`, a sampled choice)."""
    return ", ".join(
        p
        for p in params
        if _CANDIDATES_PARAM_RE.match(p) or (choices and _CHOICE_PARAM_RE.match(p))
    )


def _elastic_dimensions(code: Code) -> Iterator[Found]:
    """Functions that take the choices of at least two elastic dimensions as lists.

    NOTE: two dimensions, and names that say "choices" (`ks_list`, `width_mult_list`), not a
    fixed network's per-stage `depths` or `stage_width_list`.
    """
    for dotted, info in code.module.functions.items():
        dims: dict[str, str] = {}
        for param in info.params:
            match = _ELASTIC_PARAM_RE.match(param)
            if match and match.lastgroup:
                dims.setdefault(match.lastgroup, param)
        if len(dims) >= 2:
            yield info.line, "elastic_dimensions", f"{dotted}({', '.join(dims.values())})"


def _op_names(text: str) -> int:
    """How many string literals in a (clipped) source text name an operation."""
    return sum(_is_op_name(m.group(2)) for m in _STRING_RE.finditer(text))


def _is_op_name(text: str) -> bool:
    return _OP_WORD_RE.search(text) is not None
