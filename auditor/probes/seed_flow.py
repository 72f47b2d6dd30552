"""How control and values flow to a seeding call: which files are entry points, which argument
a call binds to a parameter, which lines never run, and seeding code quoted in docstrings.
"""

from __future__ import annotations

import ast
import re

from auditor.facts import Facts, SeedCall, SeedProblemKind
from auditor.probes.callgraph import CallGraph
from auditor.probes.seed_apis import first_argument_text, seed_api
from auditor.probes.seed_sources import SourceResolver
from auditor.pyast import FunctionInfo, PyModule
from auditor.repo import Repo

_MAIN_GUARD_RE = re.compile(r"""^if\s+__name__\s*==\s*['"]__main__['"]\s*:""", re.M)
_SCRIPT_CALLS = (".parse_args", ".parse_known_args", "absl.app.run", "fire.Fire")
_DOC_CALL_RE = re.compile(r"([A-Za-z_][\w.]*)\s*\(([^()\n]*)\)")
_DOC_ALIASES = {"np": "numpy", "tf": "tensorflow", "pl": "pytorch_lightning", "L": "lightning"}


def entry_paths(repo: Repo, facts: Facts, graph: CallGraph) -> frozenset[str]:
    """Entry points from the roles probe; else files with a `__main__` guard, notebooks, scripts
    that parse their command line at module level, and modules no other module imports whose
    top-level code calls the repo's functions or seeds (`utils.set_seed(cfg.seed)`)."""
    known = frozenset(e.path for e in facts.entry_points if e.path in repo.modules)
    if known:
        return known
    return frozenset(p for p, m in repo.modules.items() if _looks_runnable(p, m, graph))


def _looks_runnable(path: str, module: PyModule, graph: CallGraph) -> bool:
    if module.main_guard_lines or path.endswith(".ipynb"):
        return True
    if not module.parsed and _MAIN_GUARD_RE.search(module.source):
        return True
    top = [c for c in module.calls if c.scope is None and c.line not in module.dead_lines]
    if any(c.name.endswith(_SCRIPT_CALLS) for c in top):
        return True
    return not graph.callers((path, None)) and any(
        seed_api(c.name) or graph.resolve(module, c.name, None) for c in top
    )


def returns_nothing(
    repo: Repo, graph: CallGraph, module: PyModule, name: str, scope: str | None
) -> bool:
    """Whether `name` is a repo function with no `return <value>` (its call gives None)."""
    symbol = graph.symbol(module, name, scope)
    target = repo.module(symbol[0]) if symbol else None
    info = target.functions.get(symbol[1]) if target and symbol else None
    return info is not None and not info.returns_value


def bound_argument(info: FunctionInfo, param: str, call: ast.Call) -> tuple[ast.expr | None, str]:
    """The expression bound to `param` by `call`: ("caller"), its default ("default"), or none."""
    assert info.args is not None
    args = info.args
    full = [a.arg for a in [*args.posonlyargs, *args.args]]
    positional = full[1:] if full and full[0] in {"self", "cls"} and "." in info.name else full
    for keyword in call.keywords:
        if keyword.arg == param:
            return keyword.value, "caller"
    if param in positional:
        index = positional.index(param)
        if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
            return None, "unknown"
        if index < len(call.args):
            return call.args[index], "caller"
    if any(k.arg is None for k in call.keywords):
        return None, "unknown"
    defaults = dict(zip(full[len(full) - len(args.defaults) :], args.defaults, strict=True))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d})
    return (defaults[param], "default") if param in defaults else (None, "unknown")


def enclosing_function(module: PyModule, line: int) -> str | None:
    """The innermost function whose lines hold `line`."""
    holding = [f for f in module.functions.values() if f.line <= line <= f.end_line]
    return min(holding, key=lambda f: f.end_line - f.line).name if holding else None


def docstring_seed_calls(repo: Repo, sources: SourceResolver) -> list[SeedCall]:
    """Seeding code quoted in docstrings: it looks like a seed and is not one."""
    out = []
    for module in repo.modules.values():
        for line in sorted(module.docstring_lines):
            text = module.lines[line - 1] if line <= len(module.lines) else ""
            if "seed" not in text and "PRNGKey" not in text and "random_state" not in text:
                continue
            for match in _DOC_CALL_RE.finditer(text):
                head, _, rest = match[1].partition(".")
                full = module.aliases.get(head, _DOC_ALIASES.get(head, head)) + (
                    f".{rest}" if rest else ""
                )
                api = seed_api(full)
                if api is None:
                    continue
                out.append(
                    SeedCall(
                        path=module.path,
                        line=module.file_line(line),
                        snippet=module.snippet(line),
                        call=api[0],
                        library=api[1],
                        function=enclosing_function(module, line),
                        source=sources.classify_text(module, first_argument_text(match[2])),
                        effective=False,
                        problems=(SeedProblemKind.IN_DOCSTRING.value,),
                    )
                )
    return out
