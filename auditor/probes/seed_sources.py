"""Where the value given to a seeding call comes from.

`SourceResolver` classifies the seed expression of a seeding call: a literal, a command line
flag (with its default), a config key, an environment variable, the clock, nothing, a
parameter of the enclosing function (the caller decides), or some other variable.
"""

from __future__ import annotations

import ast
import re

from auditor.facts import SeedSource, SeedSourceKind
from auditor.probes.seed_apis import (
    CONSTRUCTORS,
    DRAWS,
    LOADER_CALLS,
    LOADER_SUFFIXES,
    TIME_CALLS,
    has_seed,
    seed_api,
    source_text,
)
from auditor.probes.seed_flags import FlagIndex
from auditor.pyast import Assign, FunctionInfo, PyModule

_CLI_CALL_SUFFIXES = ("parse_args", "parse_known_args", "FLAGS")
CLI_NAMES = frozenset(
    {
        "args",
        "arg",
        "opt",
        "opts",
        "options",
        "flags",
        "FLAGS",
        "cli_args",
        "cmd_args",
        "parsed_args",
        "argv",
    }
)
CONFIG_NAMES = frozenset(
    {
        "cfg",
        "config",
        "conf",
        "configs",
        "cfgs",
        "hparams",
        "hp",
        "hps",
        "params",
        "hyperparams",
        "hyper_params",
        "settings",
        "C",
    }
)
_WRAPPERS = frozenset(
    {
        "int",
        "float",
        "str",
        "abs",
        "round",
        "numpy.int32",
        "numpy.int64",
        "numpy.uint32",
        "numpy.uint64",
    }
)
_ENV_CALLS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_MAX_DEPTH = 5

_NUMBER_RE = re.compile(r"^-?\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_TOKEN_ATTR_RE = re.compile(r"^(?:self\.)?(\w+)\.(\w+)$")
_TOKEN_SUBSCRIPT_RE = re.compile(r"""^(?:self\.)?(\w+)\[\s*['"](\w+)['"]\s*\]$""")


class SourceResolver:
    """Classifies seed expressions within one repository (flags looked up in its FlagIndex)."""

    def __init__(self, flags: FlagIndex) -> None:
        self.flags = flags
        self._assigns: dict[str, dict[str, list[tuple[int, str | None, Assign]]]] = {}
        self._seeded: dict[str, dict[str, int]] = {}

    # ------------------------------------------------------------------------------ public
    def classify(
        self, module: PyModule, expr: ast.expr | None, scope: str | None, line: int, depth: int = 0
    ) -> SeedSource:
        """Where the value of `expr`, evaluated at `line` inside `scope`, comes from."""
        if expr is None or (isinstance(expr, ast.Constant) and expr.value is None):
            return SeedSource(kind=SeedSourceKind.NONE, detail=None if expr is None else "None")
        if self._is_time(module, expr, line):
            return SeedSource(kind=SeedSourceKind.TIME, detail=source_text(module, expr))
        if _is_literal(expr):
            return SeedSource(kind=SeedSourceKind.LITERAL, detail=source_text(module, expr))
        if depth >= _MAX_DEPTH:
            return self._variable(module, expr)
        if isinstance(expr, ast.Call):
            return self._call(module, expr, scope, line, depth)
        if isinstance(expr, ast.Name):
            return self._name(module, expr.id, scope, line, depth)
        if isinstance(expr, (ast.Attribute, ast.Subscript)):
            return self._chain(module, expr, scope, line, depth)
        return self._compound(module, expr, scope, line, depth)

    def classify_text(self, module: PyModule, text: str) -> SeedSource:
        """A rough source from argument text (files read token by token, docstrings)."""
        text = text.strip()
        if text in {"", "None"}:
            return SeedSource(kind=SeedSourceKind.NONE, detail=text or None)
        if _NUMBER_RE.match(text):
            return SeedSource(kind=SeedSourceKind.LITERAL, detail=text)
        if "time" in text or "now(" in text:
            return SeedSource(kind=SeedSourceKind.TIME, detail=text)
        if "environ" in text or "getenv" in text:
            return SeedSource(kind=SeedSourceKind.ENV, detail=text)
        if m := _TOKEN_ATTR_RE.match(text) or _TOKEN_SUBSCRIPT_RE.match(text):
            base, key = m[1], m[2]
            if base in CONFIG_NAMES:
                return SeedSource(kind=SeedSourceKind.CONFIG_KEY, detail=key)
            if base in CLI_NAMES or "seed" in key:
                return self._cli(module.path, key)
        return SeedSource(kind=SeedSourceKind.UNKNOWN, detail=text[:200])

    # ----------------------------------------------------------------------------- helpers
    def _variable(self, module: PyModule, expr: ast.expr) -> SeedSource:
        return SeedSource(kind=SeedSourceKind.VARIABLE, detail=source_text(module, expr) or None)

    def _cli(self, path: str, dest: str) -> SeedSource:
        flag = self.flags.lookup(dest, path)
        return SeedSource(
            kind=SeedSourceKind.CLI_FLAG,
            detail=flag.option if flag else f"--{dest}",
            default=flag.default if flag else None,
        )

    def _call(
        self, module: PyModule, expr: ast.Call, scope: str | None, line: int, depth: int
    ) -> SeedSource:
        name = module.qualname(expr.func) or ""
        first = expr.args[0] if expr.args else None
        if name in _ENV_CALLS or name.endswith(".environ.get"):
            key = first.value if isinstance(first, ast.Constant) else source_text(module, expr)
            return SeedSource(kind=SeedSourceKind.ENV, detail=str(key))
        if name in _WRAPPERS and first is not None:
            return self.classify(module, first, scope, line, depth + 1)
        if name == "getattr" and first is not None and len(expr.args) > 1:
            attr = expr.args[1]
            keys: list[str] = []
            if isinstance(attr, ast.Constant) and isinstance(attr.value, str):
                keys.append(attr.value)
            return self._base(module, first, scope, line, depth, keys, expr)
        return self._variable(module, expr)

    def _name(
        self, module: PyModule, name: str, scope: str | None, line: int, depth: int
    ) -> SeedSource:
        info = module.functions.get(scope) if scope else None
        if info is not None and name in info.params:
            return SeedSource(kind=SeedSourceKind.PARAMETER, detail=name)
        value = self._assigned(module, name, scope, line)
        if value is None:
            return SeedSource(kind=SeedSourceKind.VARIABLE, detail=name)
        return self.classify(module, value[1], value[0], line, depth + 1)

    def _chain(
        self,
        module: PyModule,
        expr: ast.Attribute | ast.Subscript,
        scope: str | None,
        line: int,
        depth: int,
    ) -> SeedSource:
        keys: list[str] = []
        node: ast.expr = expr
        while True:
            if isinstance(node, ast.Attribute):
                keys.append(node.attr)
                node = node.value
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                keys.append(str(node.slice.value))
                node = node.value
            else:
                break
        keys.reverse()
        if isinstance(node, ast.Name) and node.id == "self" and len(keys) > 1:
            node = ast.Attribute(value=node, attr=keys.pop(0), ctx=ast.Load())
        return self._base(module, node, scope, line, depth, keys, expr)

    def _base(
        self,
        module: PyModule,
        base: ast.expr,
        scope: str | None,
        line: int,
        depth: int,
        keys: list[str],
        whole: ast.expr,
    ) -> SeedSource:
        """Classify `<base>.<keys>` by what `base` is: parsed arguments, a config, os.environ."""
        qual = module.qualname(base) if not isinstance(base, ast.Call) else None
        full = ".".join([qual or "", *keys])
        if full.startswith("os.environ.") and keys:
            return SeedSource(kind=SeedSourceKind.ENV, detail=keys[-1])
        if "FLAGS" in full.split(".")[:-1] and keys:
            return self._cli(module.path, keys[-1])
        kind = self._base_kind(module, base, scope, line, depth)
        if kind is SeedSourceKind.CLI_FLAG and keys:
            return self._cli(module.path, keys[-1])
        if kind is SeedSourceKind.CONFIG_KEY and keys:
            return SeedSource(kind=SeedSourceKind.CONFIG_KEY, detail=".".join(keys))
        return self._variable(module, whole)

    def _base_kind(
        self, module: PyModule, base: ast.expr, scope: str | None, line: int, depth: int
    ) -> SeedSourceKind | None:
        if isinstance(base, ast.Call):  # vars(args)["seed"], getattr(args, "seed")
            inner = base.args[0] if base.args else None
            return self._base_kind(module, inner, scope, line, depth + 1) if inner else None
        name = module.qualname(base) if isinstance(base, (ast.Name, ast.Attribute)) else None
        if name is None:
            return None
        assigned = self._assigned(module, name, scope, line) if depth < _MAX_DEPTH else None
        if assigned is not None:
            kind = _producer_kind(module, assigned[1])
            if kind is not None:
                return kind
        short = name.rsplit(".", 1)[-1]
        info = module.functions.get(scope) if scope else None
        if info is not None and short in info.params and info.args is not None:
            kind = _param_kind(info, info.args, short)
            if kind is not None:
                return kind
        if short in CLI_NAMES:
            return SeedSourceKind.CLI_FLAG
        return SeedSourceKind.CONFIG_KEY if short in CONFIG_NAMES else None

    def _compound(
        self, module: PyModule, expr: ast.expr, scope: str | None, line: int, depth: int
    ) -> SeedSource:
        """`args.seed + rank`, `seed or 0`, `a if c else b`: the most telling part decides."""
        parts: list[ast.expr]
        if isinstance(expr, ast.BinOp):
            parts = [expr.left, expr.right]
        elif isinstance(expr, ast.BoolOp):
            parts = list(expr.values)
        elif isinstance(expr, ast.IfExp):
            parts = [expr.body, expr.orelse]
        elif isinstance(expr, ast.UnaryOp):
            parts = [expr.operand]
        else:
            return self._variable(module, expr)
        sources = [self.classify(module, p, scope, line, depth + 1) for p in parts]
        for wanted in (
            SeedSourceKind.CLI_FLAG,
            SeedSourceKind.CONFIG_KEY,
            SeedSourceKind.ENV,
            SeedSourceKind.PARAMETER,
        ):
            for source in sources:
                if source.kind is wanted:
                    return source
        return self._variable(module, expr)

    def _assigned(
        self, module: PyModule, name: str, scope: str | None, line: int
    ) -> tuple[str | None, ast.expr] | None:
        """The value last assigned to `name` before `line`, in `scope` or an enclosing one."""
        table = self._assigns.get(module.path)
        if table is None:
            table = {}
            for assign in module.assigns:
                table.setdefault(assign.target, []).append((assign.line, assign.scope, assign))
            self._assigns[module.path] = table
        options = table.get(name, [])
        chain: list[str | None] = []
        prefix = scope
        while prefix:
            chain.append(prefix)
            prefix = prefix.rpartition(".")[0] or None
        chain.append(None)
        for where in chain:
            here = [o for o in options if o[1] == where]
            before = [o for o in here if o[0] < line] if where == scope else here
            if before or here:
                _, found_scope, assign = (before or here)[-1]
                return found_scope, assign.value
        return None

    def _is_time(self, module: PyModule, expr: ast.expr, line: int) -> bool:
        """The value changes between runs: the clock, the pid, or an unseeded random draw."""
        for node in ast.walk(expr):
            if not isinstance(node, ast.Call):
                continue
            name = module.qualname(node.func) or ""
            if name in TIME_CALLS:
                return True
            library = DRAWS.get(name)
            if library is not None and self._first_seeded(module).get(library, line) >= line:
                return True
        return False

    def _first_seeded(self, module: PyModule) -> dict[str, int]:
        if module.path not in self._seeded:
            first: dict[str, int] = {}
            for call in module.calls:
                api = seed_api(call.name)
                if api and api[0] not in CONSTRUCTORS and has_seed(call):
                    first.setdefault(api[1].split(".")[0], call.line)
            self._seeded[module.path] = first
        return self._seeded[module.path]


def _is_literal(expr: ast.expr) -> bool:
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd)):
        expr = expr.operand
    return isinstance(expr, ast.Constant) and isinstance(expr.value, (int, float, str, bytes))


def _producer_kind(module: PyModule, value: ast.expr) -> SeedSourceKind | None:
    """What produced an assigned value: parsed arguments or a loaded config."""
    if isinstance(value, ast.Subscript):  # parser.parse_known_args()[0]
        value = value.value
    if isinstance(value, (ast.Name, ast.Attribute)):
        name = module.qualname(value) or ""
        return SeedSourceKind.CLI_FLAG if name.endswith(".FLAGS") else None
    if not isinstance(value, ast.Call):
        return None
    name = module.qualname(value.func) or ""
    if name.endswith(_CLI_CALL_SUFFIXES):
        return SeedSourceKind.CLI_FLAG
    if name in LOADER_CALLS or name.endswith(LOADER_SUFFIXES):
        return SeedSourceKind.CONFIG_KEY
    for arg in value.args:  # EasyDict(yaml.safe_load(f)), Namespace(**vars(...))
        kind = _producer_kind(module, arg)
        if kind is not None:
            return kind
    return None


def _param_kind(info: FunctionInfo, args: ast.arguments, param: str) -> SeedSourceKind | None:
    """`def main(cfg: DictConfig)` under `@hydra.main`, or `args: argparse.Namespace`."""
    if "hydra.main" in info.decorators:
        return SeedSourceKind.CONFIG_KEY
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        if arg.arg == param and arg.annotation is not None:
            text = ast.unparse(arg.annotation)
            if "Namespace" in text:
                return SeedSourceKind.CLI_FLAG
            if "Config" in text:
                return SeedSourceKind.CONFIG_KEY
    return None
