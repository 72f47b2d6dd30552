"""Who calls whom among the repository's own functions: one graph per audit, shared by probes.

Nodes are functions `(path, "Class.method")`, classes `(path, "Net")` and module-level code
`(path, None)`. Edges come from calls (resolved through imports, relative imports, re-exports,
nested scopes and `self.`; `tf.app.run()` calls its module's `main`), from repo functions
passed or stored as values (callbacks, registries), from class instantiation, from unittest
classes (the runner calls their methods), from closures (their maker returns them), from
default arguments and from imports (the imported module's top level runs). Every caller is kept
with its call site, so a probe can follow a helper's parameter back to the argument its caller
passes.

Two views share the one pass over the calls and the name resolution (callgraph_symbols.py):
- `callers`: every edge above; a class is a node that reaches its methods and, through its
  repo base classes' nodes, theirs (the seeds probe).
- `method_callers`: a coarser view (the roles probe): creating a class calls each of its
  methods and its repo bases' directly, and each method reaches its class's node (for what
  the class statement itself shows); no closure, default-argument or `a or b` value edges.
  A registry (`MODELS = {"a": NetA}` at module level) is a node that reaches its members,
  reached by the code that uses it (`MODELS[name](...)`, `cls = MODELS[name]`,
  `MODELS.get(name)`, `MODELS.items()`, passing `MODELS`), not by importing its module.
  NOTE: the index records no plain reads, so `return MODELS[name]` and `for c in MODELS:`
  reach no member.
"""

from __future__ import annotations

import ast
from collections import defaultdict, deque
from typing import TYPE_CHECKING

from auditor.probes.callgraph_symbols import (
    FuncKey,
    Symbol,
    SymbolTable,
    class_defs,
    module_dotted,
    unittest_classes,
)
from auditor.pyast import CallSite, PyModule

if TYPE_CHECKING:
    from auditor.repo import ImportResolver

__all__ = ["CallGraph", "Caller", "FuncKey", "module_dotted"]

Caller = tuple[FuncKey, CallSite | None]  # the calling node, and the call (None: a reference)


class CallGraph:
    """Callers of every repo function, and which entry points reach a function.

    Build it through `Repo.call_graph()`, which builds it once per audit.
    """

    def __init__(self, modules: dict[str, PyModule], imports: ImportResolver) -> None:
        self.modules = modules
        self.symbols = SymbolTable(modules, imports)
        self._callers: defaultdict[FuncKey, list[Caller]] = defaultdict(list)
        self._method_callers: defaultdict[FuncKey, list[Caller]] = defaultdict(list)
        self._expanded: dict[Symbol, list[FuncKey]] = {}
        self._reach: dict[FuncKey, tuple[frozenset[str], bool]] = {}
        self._entries: frozenset[str] = frozenset()
        for path, module in modules.items():
            self._add_module(path, module)

    # ------------------------------------------------------------------------------ queries
    def callers(self, key: FuncKey) -> list[Caller]:
        """Nodes that call or reference `key`, with the call site when it is a call."""
        return self._callers.get(key, [])

    def method_callers(self, key: FuncKey) -> list[Caller]:
        """Callers in the coarser view: class creation calls the methods themselves."""
        return self._method_callers.get(key, [])

    def resolve(self, module: PyModule, name: str, scope: str | None) -> list[FuncKey]:
        """The repo function or class that calling `name` (a qualified name) from `scope` runs."""
        symbol = self._resolve(module, name, scope)
        return [symbol] if symbol else []

    def resolve_methods(self, module: PyModule, name: str, scope: str | None) -> list[FuncKey]:
        """Repo functions that calling `name` runs; a class stands for all its methods."""
        symbol = self._resolve(module, name, scope)
        return self._expand(symbol) if symbol else []

    def symbol(self, module: PyModule, name: str, scope: str | None) -> Symbol | None:
        """The repo function or class that `name` denotes in `module`, as (path, dotted)."""
        return self.symbols.symbol(module, name, scope)

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
        module, name = self.modules.get(key[0]), key[1] or ""
        if module is None:
            return False
        if name in module.classes:
            inside = (name, f"{name}.")
            return all(k[0] == key[0] and (k[1] or "").startswith(inside) for k, _ in callers)
        info = module.functions.get(name)
        return not callers and info is not None and bool(info.decorators)

    def _resolve(self, module: PyModule, name: str, scope: str | None) -> Symbol | None:
        if not self.symbols.may_be_repo(module, name):
            return None
        return self.symbols.symbol(module, name, scope)

    def _expand(self, symbol: Symbol) -> list[FuncKey]:
        """A function is itself; a class is every method it has, its repo bases' included."""
        if symbol in self._expanded:
            return self._expanded[symbol]
        path, dotted = symbol
        module = self.modules.get(path)
        out: list[FuncKey] = [symbol]
        if module is not None and dotted in module.classes:
            out = [(path, m) for m in self.symbols.class_methods(path, module).get(dotted, [])]
            for base_path, base in self.symbols.base_classes(path, dotted, 0):
                base_module = self.modules.get(base_path)
                if base_module:
                    methods = self.symbols.class_methods(base_path, base_module).get(base, [])
                    out.extend((base_path, m) for m in methods)
        self._expanded[symbol] = out
        return out

    # ----------------------------------------------------------------------------- building
    def _link(self, callee: Symbol, caller: Caller, both: bool = True) -> None:
        """An edge in the full view and, unless `both` is False, in the method view."""
        self._callers[callee].append(caller)
        if both:
            for method in self._expand(callee):
                self._method_callers[method].append(caller)

    def _add_module(self, path: str, module: PyModule) -> None:
        """NOTE: each view gets its edges in the order the probes were tuned on (breadth-first
        searches stop at caps); keep the order of the steps below."""
        here: FuncKey = (path, None)
        for target in self.symbols.imported_modules(path, module):
            self._callers[(target, None)].append((here, None))
            self._method_callers[(target, None)].append((here, None))
        dead, may_be_repo = module.dead_lines, self.symbols.may_be_repo
        for call in module.calls:
            if call.line in dead:
                continue
            caller: FuncKey = (path, call.scope)
            name = call.name
            # NOTE: most calls name nothing of the repo (`torch.cat(...)`, `len(...)`): one test
            # says so before the lookups, each of which needs one of these three to find anything
            if name.endswith(_READS) or name.endswith(_APP_RUN) or may_be_repo(module, name):
                # `MODELS[name](...)` and `MODELS.get(name)` use the registry MODELS (`_held`)
                symbol = self._registry(module, _held(name), call.scope) or self._resolve(
                    module, name, call.scope
                )
                if symbol:
                    self._link(symbol, (caller, call))
                elif _runs_own_main(call) and (main := self._resolve(module, "main", call.scope)):
                    self._link(main, (caller, call))
            if not call.refs or name in _TYPE_TESTS:
                continue  # `isinstance(op, MixedEdge)` neither creates nor calls MixedEdge
            for ref in call.refs:  # functions passed as arguments: `pool.map(worker, ...)`
                self._link_name(module, caller, ref, call.scope)
        registries = self.symbols.registries(module)
        for assign in module.assigns:
            if assign.scope is None and assign.target in registries:
                # the module reaches a registry's members in the full view; in the method
                # view the registry's node does, and the code that uses it reaches that node
                registry: FuncKey = (path, assign.target)
                for ref in assign.refs:
                    self._link_name(module, here, ref, None, False)
                    for method in self.resolve_methods(module, ref, None):
                        self._method_callers[method].append((registry, None))
                continue
            # the method view ignores `a if c else b` and `a or b` values
            both = assign.kind is not ast.IfExp and assign.kind is not ast.BoolOp
            for ref in assign.refs:
                if assign.kind is not ast.Subscript:
                    self._link_name(module, (path, assign.scope), ref, assign.scope, both)
                elif used := self._registry(module, ref, assign.scope):  # `cls = MODELS[name]`
                    self._link(used, ((path, assign.scope), None))
        self._add_functions(path, module)
        self._add_classes(path, module)

    def _add_functions(self, path: str, module: PyModule) -> None:
        """Full view only: closures and functions named as default argument values."""
        for dotted, info in module.functions.items():
            parent = dotted.rpartition(".")[0]
            if parent in module.functions:  # closures run when their maker returns or passes them
                self._callers[(path, dotted)].append(((path, parent), None))
            for ref in info.default_refs:  # `def f(seed_fn=default_seed_fn)`
                self._link_name(module, (path, dotted), ref, parent or None, False)

    def _add_classes(self, path: str, module: PyModule) -> None:
        """Class nodes `(path, "Net")` in the full view: creating the class reaches its methods
        and, through its repo base classes' nodes, theirs. The unittest runner creates test
        classes (in the method view it calls their methods)."""
        for klass, methods in self.symbols.class_methods(path, module).items():
            for method in methods:
                self._callers[(path, method)].append(((path, klass), None))
                self._method_callers[(path, klass)].append(((path, method), None))
        for node in class_defs(module):
            for base in self.symbols.direct_bases(path, node.name):
                self._callers[base].append(((path, node.name), None))
        tests = unittest_classes(module)
        for klass in tests:
            self._callers[(path, klass)].append(((path, None), None))
        for klass in tests:
            for method in self.symbols.class_methods(path, module).get(klass, []):
                self._method_callers[(path, method)].append(((path, None), None))

    def _link_name(
        self, module: PyModule, caller: FuncKey, name: str, scope: str | None, both: bool = True
    ) -> None:
        symbol = self._resolve(module, name, scope)
        if symbol:
            self._link(symbol, (caller, None), both)

    def _registry(self, module: PyModule, name: str | None, scope: str | None) -> Symbol | None:
        """The registry that `name` denotes, if it denotes one (`T = List[int]` creates nothing,
        `Net.get(key)` calls one method of Net)."""
        symbol = self._resolve(module, name, scope) if name else None
        return symbol if symbol and self.symbols.is_registry(symbol) else None


_TYPE_TESTS = frozenset({"isinstance", "issubclass"})


_APP_RUN = "app.run"


def _runs_own_main(call: CallSite) -> bool:
    """`tf.app.run()` (or `tf.compat.v1.app.run()`) without a `main` argument runs the
    `__main__` module's `main()`; `absl.app.run(main)` passes it, an edge of its own."""
    if not call.name.endswith(_APP_RUN) or "main" in call.keywords:
        return False
    node = call.node
    return not node.args if node is not None else not call.args_text.strip()


_READS = ("[]", ".get", ".items", ".values")  # `REG[key](...)` is indexed as a call of `REG[]`


def _held(name: str) -> str | None:
    """The container whose members a call reads: `REG[key](...)`, `REG.get(key)`,
    `REG.items()` and `REG.values()` read what `REG` holds."""
    if not name.endswith(_READS):  # NOTE: one test for most calls; runs for every call
        return None
    for suffix in _READS:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return None
