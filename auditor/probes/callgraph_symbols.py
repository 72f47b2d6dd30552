"""Which repo function or class a name denotes: the name resolution under the call graph.

Names resolve through imports (absolute, relative, star), re-exports (`from .utils import
set_seed` in a package `__init__`), nested scopes, `self.`/`cls.` methods and repo base
classes. A name also denotes a registry: a module-level container of names (`MODELS = {"a":
NetA}`), whose members run where it is used (`MODELS[name](...)`), not where it is imported.
Every answer is cached: the graph asks the same questions thousands of times.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from auditor.pyast import ClassInfo, PyModule

if TYPE_CHECKING:
    from auditor.repo import ImportResolver

FuncKey = tuple[str, str | None]  # (repo path, dotted function name); None: module-level code
Symbol = tuple[str, str]  # (repo path, dotted name of a function or class)

MAX_HOPS = 3  # re-exports and base classes followed at most this deep
_CONTAINERS = frozenset((ast.Dict, ast.List, ast.Tuple, ast.Set))
_SELF = frozenset(("", "self", "cls"))  # heads of `.relative`, `self.x`, `cls.x` names


def module_dotted(path: str) -> str:
    """`pkg/utils.py` -> `pkg.utils` (an `__init__` names its package)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


class SymbolTable:
    """Resolves names used in a module to the repo's functions and classes."""

    def __init__(self, modules: dict[str, PyModule], imports: ImportResolver) -> None:
        self.modules = modules
        self._resolve_import = imports.resolve
        self._module_heads = imports.heads
        self._symbols: dict[tuple[str, str, str | None], Symbol | None] = {}
        self._methods: dict[str, dict[str, list[str]]] = {}
        self._bases: dict[str, dict[str, tuple[str, ...]]] = {}
        self._heads: dict[str, frozenset[str]] = {}
        self._short: dict[str, frozenset[str]] = {}
        self._stars: dict[str, bool] = {}
        self._imports: dict[str, set[str]] = {}
        self._registries: dict[str, frozenset[str]] = {}

    def may_be_repo(self, module: PyModule, name: str) -> bool:
        """A cheap filter before resolving: local function names, imported names, `self.`."""
        head, dot, _ = name.partition(".")
        if dot:  # `.x` (relative), `self.x`, `cls.x` or an imported name of a repo module
            return head in _SELF or (
                head in self._module_heads and head in self._imported_heads(module)
            )
        short = self._short.get(module.path)
        if short is None:
            names = [f.rsplit(".", 1)[-1] for f in module.functions]
            names.extend([*module.classes, *self.registries(module)])
            short = self._short[module.path] = frozenset(names)
        return name in short or self._star_imports(module)

    def symbol(self, module: PyModule, name: str, scope: str | None) -> Symbol | None:
        """The repo function or class that `name` denotes in `module`, as (path, dotted)."""
        local = "." not in name or name.startswith(("self.", "cls."))
        key = (module.path, name, scope if local else None)
        try:
            return self._symbols[key]
        except KeyError:
            found = self._symbols[key] = self._lookup(module, name, scope, 0)
            return found

    def registries(self, module: PyModule) -> frozenset[str]:
        """Names of the module-level containers that hold names: `MODELS = {"a": NetA}`."""
        found = self._registries.get(module.path)
        if found is None:
            found = self._registries[module.path] = frozenset(
                a.target
                for a in module.assigns
                if a.scope is None and a.refs and a.kind in _CONTAINERS and "." not in a.target
            )
        return found

    def is_registry(self, symbol: Symbol) -> bool:
        """Whether a symbol is a registry (not a function or a class)."""
        module = self.modules.get(symbol[0])
        return module is not None and symbol[1] in self.registries(module)

    def imported_modules(self, path: str, module: PyModule) -> set[str]:
        """Repo modules that `module` imports (their top level runs when it is imported)."""
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

    # ---------------------------------------------------------------------------- resolving
    def _imported_heads(self, module: PyModule) -> frozenset[str]:
        heads = self._heads.get(module.path)
        if heads is None:
            names = (v.split(".", 1)[0] for v in module.aliases.values())
            heads = self._heads[module.path] = frozenset(names)
        return heads

    def _star_imports(self, module: PyModule) -> bool:
        if module.path not in self._stars:
            self._stars[module.path] = "import *" in module.source
        return self._stars[module.path]

    def _lookup(self, module: PyModule, name: str, scope: str | None, hops: int) -> Symbol | None:
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
    ) -> Symbol | None:
        prefix = scope
        while prefix:
            if f"{prefix}.{name}" in module.functions:
                return module.path, f"{prefix}.{name}"
            prefix = prefix.rpartition(".")[0] or None
        if name in module.functions or name in module.classes or name in self.registries(module):
            return module.path, name
        if hops < MAX_HOPS and self._star_imports(module):
            for imported in sorted(self.imported_modules(module.path, module)):
                found = self._lookup_in(imported, [name], hops + 1)
                if found:
                    return found
        return None

    def _lookup_method(self, module: PyModule, attr: str, scope: str | None) -> Symbol | None:
        klass = scope.rpartition(".")[0] if scope else ""
        if klass and f"{klass}.{attr}" in module.functions:
            return module.path, f"{klass}.{attr}"
        for base_path, base in self.base_classes(module.path, klass, 0):
            base_module = self.modules.get(base_path)
            if base_module and f"{base}.{attr}" in base_module.functions:
                return base_path, f"{base}.{attr}"
        return None

    def _lookup_in(self, path: str, rest: list[str], hops: int) -> Symbol | None:
        module = self.modules.get(path)
        if module is None or not rest:
            return None
        dotted = ".".join(rest)
        if dotted in module.functions or (
            len(rest) == 1 and (dotted in module.classes or dotted in self.registries(module))
        ):
            return path, dotted
        alias = module.aliases.get(rest[0])
        if alias and hops < MAX_HOPS:  # re-exported: `from .utils import set_seed`
            return self._lookup(module, ".".join([alias, *rest[1:]]), None, hops + 1)
        return None

    # ------------------------------------------------------------------------------ classes
    def class_methods(self, path: str, module: PyModule) -> dict[str, list[str]]:
        """Methods (dotted) of each class of the module, by class name."""
        if path not in self._methods:
            table: dict[str, list[str]] = defaultdict(list)
            for dotted in module.functions:
                head = dotted.split(".", 1)[0]
                if head in module.classes and "." in dotted:
                    table[head].append(dotted)
            self._methods[path] = table
        return self._methods[path]

    def base_classes(self, path: str, klass: str, depth: int) -> list[Symbol]:
        """The repo classes `klass` derives from, transitively (a few levels)."""
        out: list[Symbol] = []
        for found in self.direct_bases(path, klass) if depth <= MAX_HOPS else []:
            out.append(found)
            out.extend(self.base_classes(found[0], found[1], depth + 1))
        return out

    def direct_bases(self, path: str, klass: str) -> list[Symbol]:
        """The repo classes named in `class klass(...)`."""
        module = self.modules.get(path)
        if module is None or not klass:
            return []
        if path not in self._bases:
            self._bases[path] = {n.name: n.bases for n in class_defs(module)}
        out: list[Symbol] = []
        for name in self._bases[path].get(klass, ()):
            found = self.symbol(module, name, None) if name else None
            if found and found != (path, klass):
                out.append(found)
        return out


_DEF_PLACES = frozenset({"module", "def", "if"})


def class_defs(module: PyModule) -> list[ClassInfo]:
    """Classes at top level, or one block down (in a function, an `if`)."""
    return [c for c in module.class_list if c.place in _DEF_PLACES]


def unittest_classes(module: PyModule) -> list[str]:
    """unittest classes: the test runner, not the code, calls their methods."""
    return [
        c.name
        for c in module.class_list
        if c.place == "module" and any(b.endswith("TestCase") for b in c.bases)
    ]
