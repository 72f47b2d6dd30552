"""Who calls whom among the repository's own functions, for the seeds probe.

Nodes are functions `(path, "Class.method")` and module-level code `(path, None)`. Edges come
from calls (resolved through imports, relative imports, re-exports, nested scopes and
`self.`), from repo functions passed or stored as values (callbacks, registries), from class
instantiation (all of the class's methods, its repo base classes' too), from unittest classes
(the runner calls their methods), from closures (their maker returns them) and from imports
(the imported module's top level runs). Every caller is kept with its call site, so the probe
can follow a helper's parameter back to the argument its caller passes, and ask which entry
points reach a function (reverse search, cached).
"""

from __future__ import annotations

import ast
from collections import defaultdict, deque
from pathlib import PurePosixPath

from auditor.pyast import CallSite, PyModule
from auditor.repo import Repo

FuncKey = tuple[str, str | None]  # (repo path, dotted function name); None: module-level code
Caller = tuple[FuncKey, CallSite | None]  # the calling node, and the call (None: a reference)

_MAX_HOPS = 3


def module_dotted(path: str) -> str:
    """`pkg/utils.py` -> `pkg.utils` (an `__init__` names its package)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


class SeedGraph:
    """Callers of every repo function, and which entry points reach a function."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self._callers: dict[FuncKey, list[Caller]] = defaultdict(list)
        self._symbols: dict[tuple[str, str, str | None], tuple[str, str] | None] = {}
        self._methods: dict[str, dict[str, list[str]]] = {}
        self._bases: dict[str, dict[str, list[ast.expr]]] = {}
        self._reach: dict[FuncKey, tuple[frozenset[str], bool]] = {}
        self._heads: dict[str, frozenset[str]] = {}
        self._short: dict[str, frozenset[str]] = {}
        self._stars: dict[str, bool] = {}
        self._imports: dict[str, set[str]] = {}
        self._import_cache: dict[tuple[str, int, str], str | None] = {}
        self._entries: frozenset[str] = frozenset()
        for path, module in repo.modules.items():
            self._add_module(path, module)

    # ------------------------------------------------------------------------------ queries
    def callers(self, key: FuncKey) -> list[Caller]:
        """Nodes that call or reference `key`, with the call site when it is a call."""
        return self._callers.get(key, [])

    def set_entries(self, entries: frozenset[str]) -> None:
        """The entry-point paths that `entries_reaching` looks for."""
        self._entries, self._reach = entries, {}

    def entries_reaching(self, key: FuncKey) -> frozenset[str]:
        """Entry points whose run reaches `key` (reverse breadth-first search, cached)."""
        return self._search(key)[0]

    def surely_unreachable(self, key: FuncKey) -> bool:
        """No entry point reaches `key`, and no caller-less method or decorated function on the
        way up could be called in ways a static graph misses (dispatch, registries)."""
        entries, open_end = self._search(key)
        return not entries and not open_end

    def _search(self, key: FuncKey) -> tuple[frozenset[str], bool]:
        if key in self._reach:
            return self._reach[key]
        seen, found, queue, open_end = {key}, set(), deque([key]), False
        while queue:
            node = queue.popleft()
            if node[1] is None and node[0] in self._entries:
                found.add(node[0])
            callers = self.callers(node)
            open_end = open_end or self._dynamic(node, callers)
            for caller, _ in callers:
                if caller not in seen:
                    seen.add(caller)
                    queue.append(caller)
        self._reach[key] = frozenset(found), open_end
        return self._reach[key]

    def _dynamic(self, key: FuncKey, callers: list[Caller]) -> bool:
        """A class created from nowhere outside itself (a framework or a config may create it),
        or a decorated function nothing calls (registries)."""
        module, name = self.repo.module(key[0]), key[1] or ""
        if module is None:
            return False
        if name in module.classes:
            inside = (name, f"{name}.")
            return all(k[0] == key[0] and (k[1] or "").startswith(inside) for k, _ in callers)
        info = module.functions.get(name)
        return not callers and info is not None and bool(info.node and info.node.decorator_list)

    def resolve(self, module: PyModule, name: str, scope: str | None) -> list[FuncKey]:
        """Repo functions that calling `name` (a qualified name) from `scope` runs."""
        if not self._may_be_repo(module, name):
            return []
        symbol = self.symbol(module, name, scope)
        return [symbol] if symbol else []

    def symbol(self, module: PyModule, name: str, scope: str | None) -> tuple[str, str] | None:
        """The repo function or class that `name` denotes in `module`, as (path, dotted)."""
        local = "." not in name or name.startswith(("self.", "cls."))
        key = (module.path, name, scope if local else None)
        if key not in self._symbols:
            self._symbols[key] = self._lookup(module, name, scope, 0)
        return self._symbols[key]

    # ----------------------------------------------------------------------------- building
    def _add_module(self, path: str, module: PyModule) -> None:
        here: FuncKey = (path, None)
        for target in self._imported_modules(path, module):
            self._callers[(target, None)].append((here, None))
        for call in module.calls:
            if call.line in module.dead_lines:
                continue
            caller: FuncKey = (path, call.scope)
            for callee in self.resolve(module, call.name, call.scope):
                self._callers[callee].append((caller, call))
            if call.node is not None:
                values = [*call.node.args, *(k.value for k in call.node.keywords)]
                self._add_references(module, caller, values, call.scope)
        for _, value, _, scope in module.assigns:
            values = _value_names(value)
            if values:
                self._add_references(module, (path, scope), values, scope)
        for dotted, info in module.functions.items():
            parent = dotted.rpartition(".")[0]
            if parent in module.functions:  # closures run when their maker returns or passes them
                self._callers[(path, dotted)].append(((path, parent), None))
            if info.node is not None:  # `def f(seed_fn=default_seed_fn)`
                defaults = [*info.node.args.defaults, *info.node.args.kw_defaults]
                values = [d for d in defaults if d is not None]
                self._add_references(module, (path, dotted), values, parent or None)
        self._add_classes(path, module)

    def _add_classes(self, path: str, module: PyModule) -> None:
        """Class nodes `(path, "Net")`: creating the class reaches its methods and, through its
        repo base classes' nodes, theirs. The unittest runner creates test classes."""
        for klass, methods in self._class_methods(path, module).items():
            for method in methods:
                self._callers[(path, method)].append(((path, klass), None))
        for node in _class_defs(module):
            for base in self._direct_bases(path, node.name):
                self._callers[base].append(((path, node.name), None))
        for klass in _unittest_classes(module):
            self._callers[(path, klass)].append(((path, None), None))

    def _add_references(
        self, module: PyModule, caller: FuncKey, values: list[ast.expr], scope: str | None
    ) -> None:
        for value in values:
            if isinstance(value, (ast.Name, ast.Attribute)):
                name = module.qualname(value)
                for callee in self.resolve(module, name, scope) if name else []:
                    self._callers[callee].append((caller, None))

    def _imported_modules(self, path: str, module: PyModule) -> set[str]:
        if path in self._imports:
            return self._imports[path]
        names = [(n, level) for n, level, _ in module.imports]
        for full in module.aliases.values():
            stripped = full.lstrip(".")
            names.append((stripped, len(full) - len(stripped)))
        found: set[str] = set()
        for name, level in names:
            target = self._resolve_import(name, level, path) if name or level else None
            if target and target != path:
                found.add(target)
        self._imports[path] = found
        return found

    def _resolve_import(self, name: str, level: int, importer: str) -> str | None:
        """`Repo.resolve_import`, cached by importer directory (it only depends on that)."""
        key = (name, level, importer.rpartition("/")[0])
        if key not in self._import_cache:
            self._import_cache[key] = self.repo.resolve_import(name, level, importer)
        return self._import_cache[key]

    # ---------------------------------------------------------------------------- resolving
    def _may_be_repo(self, module: PyModule, name: str) -> bool:
        """A cheap filter before resolving: local function names, imported names, `self.`."""
        if name.startswith((".", "self.", "cls.")):
            return True
        if "." in name:
            return name.split(".", 1)[0] in self._imported_heads(module)
        if module.path not in self._short:
            names = [f.rsplit(".", 1)[-1] for f in module.functions]
            self._short[module.path] = frozenset([*names, *module.classes])
        return name in self._short[module.path] or self._star_imports(module)

    def _imported_heads(self, module: PyModule) -> frozenset[str]:
        if module.path not in self._heads:
            heads = (v.split(".", 1)[0] for v in module.aliases.values())
            self._heads[module.path] = frozenset(heads)
        return self._heads[module.path]

    def _star_imports(self, module: PyModule) -> bool:
        if module.path not in self._stars:
            self._stars[module.path] = "import *" in module.source
        return self._stars[module.path]

    def _lookup(
        self, module: PyModule, name: str, scope: str | None, hops: int
    ) -> tuple[str, str] | None:
        if "()" in name:
            return None
        if name.startswith(("self.", "cls.")):
            return self._lookup_method(module, name.split(".", 1)[1], scope)
        if "." not in name:
            return self._lookup_local(module, name, scope, hops)
        stripped = name.lstrip(".")
        level = len(name) - len(stripped)
        parts = stripped.split(".")
        if not level and parts[0] not in self._imported_heads(module):
            return None  # a variable that happens to share a module's name
        for cut in range(len(parts) - 1, -1 if level else 0, -1):
            target = self._resolve_import(".".join(parts[:cut]), level, module.path)
            if target:
                return self._lookup_in(target, parts[cut:], hops)
        return None

    def _lookup_local(
        self, module: PyModule, name: str, scope: str | None, hops: int
    ) -> tuple[str, str] | None:
        prefix = scope
        while prefix:
            if f"{prefix}.{name}" in module.functions:
                return module.path, f"{prefix}.{name}"
            prefix = prefix.rpartition(".")[0] or None
        if name in module.functions or name in module.classes:
            return module.path, name
        if hops < _MAX_HOPS and self._star_imports(module):
            for imported in sorted(self._imported_modules(module.path, module)):
                found = self._lookup_in(imported, [name], hops + 1)
                if found:
                    return found
        return None

    def _lookup_method(
        self, module: PyModule, attr: str, scope: str | None
    ) -> tuple[str, str] | None:
        klass = scope.rpartition(".")[0] if scope else ""
        if klass and f"{klass}.{attr}" in module.functions:
            return module.path, f"{klass}.{attr}"
        for base_path, base in self._base_classes(module.path, klass, 0):
            base_module = self.repo.module(base_path)
            if base_module and f"{base}.{attr}" in base_module.functions:
                return base_path, f"{base}.{attr}"
        return None

    def _lookup_in(self, path: str, rest: list[str], hops: int) -> tuple[str, str] | None:
        module = self.repo.module(path)
        if module is None or not rest:
            return None
        dotted = ".".join(rest)
        if dotted in module.functions or (len(rest) == 1 and rest[0] in module.classes):
            return path, dotted
        alias = module.aliases.get(rest[0])
        if alias and hops < _MAX_HOPS:  # re-exported: `from .utils import set_seed`
            return self._lookup(module, ".".join([alias, *rest[1:]]), None, hops + 1)
        return None

    # ------------------------------------------------------------------------------ classes
    def _class_methods(self, path: str, module: PyModule) -> dict[str, list[str]]:
        if path not in self._methods:
            table: dict[str, list[str]] = defaultdict(list)
            for dotted in module.functions:
                head = dotted.split(".", 1)[0]
                if head in module.classes and "." in dotted:
                    table[head].append(dotted)
            self._methods[path] = table
        return self._methods[path]

    def _base_classes(self, path: str, klass: str, depth: int) -> list[tuple[str, str]]:
        """The repo classes `klass` derives from, transitively (a few levels)."""
        out: list[tuple[str, str]] = []
        for found in self._direct_bases(path, klass) if depth <= _MAX_HOPS else []:
            out.append(found)
            out.extend(self._base_classes(found[0], found[1], depth + 1))
        return out

    def _direct_bases(self, path: str, klass: str) -> list[tuple[str, str]]:
        module = self.repo.module(path)
        if module is None or not klass:
            return []
        if path not in self._bases:
            self._bases[path] = {n.name: n.bases for n in _class_defs(module)}
        out: list[tuple[str, str]] = []
        for base in self._bases[path].get(klass, []):
            name = module.qualname(base)
            found = self.symbol(module, name, None) if name else None
            if found and found != (path, klass):
                out.append(found)
        return out


def _class_defs(module: PyModule) -> list[ast.ClassDef]:
    """Classes at top level, or one block down (in a function, an `if`): no full tree walk."""
    out: list[ast.ClassDef] = []
    for node in module.tree.body if module.tree else []:
        inner = node.body if isinstance(node, (ast.FunctionDef, ast.If)) else [node]
        out.extend(n for n in inner if isinstance(n, ast.ClassDef))
    return out


def _unittest_classes(module: PyModule) -> list[str]:
    """unittest classes: the test runner, not the code, calls their methods."""
    body = module.tree.body if module.tree else []
    return [
        node.name
        for node in body
        if isinstance(node, ast.ClassDef)
        and any((module.qualname(b) or "").endswith("TestCase") for b in node.bases)
    ]


def _value_names(value: ast.expr) -> list[ast.expr]:
    """Names stored by an assignment: `f = helper`, `OPS = {"a": helper}`, `[f, g]`, `f or g`."""
    if isinstance(value, (ast.Name, ast.Attribute)):
        return [value]
    if isinstance(value, ast.IfExp):  # `fn if fn else default_fn`
        return [*_value_names(value.body), *_value_names(value.orelse)]
    if isinstance(value, ast.BoolOp):  # `fn or default_fn`
        return [name for v in value.values for name in _value_names(v)]
    if isinstance(value, ast.Dict):
        return [v for v in value.values if isinstance(v, (ast.Name, ast.Attribute))]
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return [v for v in value.elts if isinstance(v, (ast.Name, ast.Attribute))]
    return []
