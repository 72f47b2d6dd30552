"""Entry points and their roles, and the structural facts behind them (one probe).

Runs, in order: per-module code signals (methods.py: search space, NAS method, shortcuts,
derivation; protocol.py: training, evaluation, data, environment, timing, anytime curves,
Python seed loops), baselines (baselines.py), shell text (invocations.py), entry points with
roles, the users of data code, and experiment-design signals (experiments.py).

A role comes from the file name, from the traits of the code the entry point reaches through
the call graph, and from the flags its run commands pass. Search and final training stay
distinct: a file is final training when it is named so or trains a fixed (looked-up) genotype,
and never when it is named as a search, holds search code itself or trains a weight-sharing
supernet; a file that a run script trains with a fixed architecture (`--child_fixed_arc`,
`--arch`, the controller switched off) is final training as well, and search only where some
other run may search.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from auditor.facts import EntryPoint, Facts, Role, ScriptInvocation
from auditor.probes.baselines import BaselineScan
from auditor.probes.callgraph import CallGraph, FuncKey
from auditor.probes.experiments import ExperimentScan
from auditor.probes.invocations import InvocationScan
from auditor.probes.methods import MethodScan
from auditor.probes.protocol import DataHit, ProtocolScan
from auditor.probes.pycode import Code, Sink, Traits, last
from auditor.probes.structure import replay
from auditor.repo import Repo

MAX_USES = 200
MAX_REACH_NODES = 20_000
_NAME_ROLES: tuple[tuple[re.Pattern[str], Role], ...] = (
    (
        re.compile(
            r"^(?:train_?search\w*|search(?!_?spaces?)\w*|\w+_search|"
            r"nas(?!lib|\w*(?:bench|api))\w*)$"
        ),
        Role.SEARCH,
    ),
    (
        re.compile(
            r"^(?:train|train_(?!search)\w+|finetune\w*|fine_tune\w*|retrain\w*|augment\w*)$"
        ),
        Role.FINAL_TRAINING,
    ),
    (
        re.compile(
            r"^(?:test\w*|eval\w*|evaluate\w*|infer\w*|\w+_(?:eval|evaluate|evaluation|test|"
            r"inference))$"
        ),
        Role.EVALUATION,
    ),
    (
        re.compile(r"^(?:visuali[sz]\w*|plot\w*|vis_\w+|draw\w*|\w+_plots?|\w+_visuali[sz]\w*)$"),
        Role.VISUALIZATION,
    ),
    (
        re.compile(
            r"^(?:prepare\w*|download\w*|preprocess\w*|make_dataset\w*|create_dataset\w*|"
            r"build_dataset\w*)$"
        ),
        Role.DATA_PREP,
    ),
    (
        re.compile(
            r"^(?:\w*bench\w*query\w*|query\w*bench\w*|\w*(?:bench|nb\d+|nas)\w*_?api\w*|"
            r"api_?\w*(?:bench|nb\d+)\w*)$"
        ),
        Role.BENCHMARK_QUERY,
    ),
)
_TEST_DIRS = frozenset({"tests", "test", "testing", "unittests"})
_RUN_CALLS = frozenset({"parse_args", "parse_known_args", "Fire"})
_CONSOLE_RE = re.compile(r"""['"]\s*[\w.-]+\s*=\s*([\w.]+)\s*:\s*\w+""")
# run flags that fix the architecture (`--child_fixed_arc="0 3 0"`, `--arch DARTS`), or turn the
# controller/search off (`--nocontroller_training`, `--search=false`)
_FIXED_ARCH_FLAG_RE = re.compile(r"^(?:\w+_)?fixed_arch?$|^(?:arch|genotype)(?:_path|_file)?$")
_SEARCH_FLAG_RE = re.compile(r"(?:^|_)(?:controller|search)(?:_(?!space)\w+)?$")
_NO_SEARCH_FLAG_RE = re.compile(r"^no_?(?:controller|search)(?:_(?!space)\w+)?$")  # absl --noX
_FALSE_WORDS = frozenset({"false", "no", "off"})


def run(repo: Repo, facts: Facts) -> None:
    """Collect the structural facts and the entry points with their roles."""
    codes = repo.codes()
    traits = Traits()
    methods = MethodScan.into(facts, traits)
    protocol = ProtocolScan.into(facts, traits)
    replay(codes, methods, protocol)
    BaselineScan(repo, facts, methods).run(codes)
    InvocationScan(repo, facts).run()
    facts.entry_points.extend(EntryPoints(repo, facts, codes, traits).build())
    _data_code(protocol.data, facts)
    ExperimentScan(repo, facts, methods).run(codes)


@dataclass
class EntryPoints:
    """Finds files meant to be run and gives each its roles and reasons."""

    repo: Repo
    facts: Facts
    codes: list[Code]
    traits: Traits
    graph: CallGraph = field(init=False)
    _imports: dict[str, list[str]] = field(default_factory=dict)
    _resolved: dict[tuple[str, int, str], str | None] = field(default_factory=dict)

    def build(self) -> list[EntryPoint]:
        """One EntryPoint per candidate file, in path order."""
        by_path = {c.path: c for c in self.codes}
        runs: dict[str, list[ScriptInvocation]] = {}
        for inv in self.facts.script_invocations:
            if inv.resolved in by_path:
                runs.setdefault(inv.resolved, []).append(inv)
        consoles = _console_scripts(self.repo)
        self.graph = self.repo.call_graph()
        candidates = sorted(
            p
            for p, c in by_path.items()
            if (_runnable(c) or p in runs or p in consoles or self._script(c))
            and PurePosixPath(p).name != "setup.py"
        )
        reached = self._reach(frozenset(candidates))
        out = []
        for path in candidates:
            code = by_path[path]
            invocations = runs.get(path, [])
            roles, reasons = _roles(code, reached.get(path, []), invocations, path in consoles)
            guard = code.module.main_guard_lines
            line = code.module.file_line(guard[0]) if guard else None
            out.append(
                EntryPoint(
                    path=path,
                    line=line,
                    snippet=code.module.snippet(guard[0]) if guard else None,
                    roles=roles,
                    reasons=reasons,
                    invoked_by=tuple(sorted({i.path for i in invocations})),
                    uses=tuple(self.uses(path)[:MAX_USES]),
                )
            )
        return out

    def _script(self, code: Code) -> bool:
        """A module nobody imports whose top level calls repo code (a script without guard)."""
        if self.graph.method_callers((code.path, None)):
            return False
        return any(
            self.graph.resolve_methods(code.module, c.name, None)
            for c in code.calls_by_scope.get(None, [])
        )

    def _reach(self, entries: frozenset[str]) -> dict[str, list[tuple[str, str, bool]]]:
        """For each entry point: the traits it reaches, as (trait, reason, in its own file)."""
        out: dict[str, list[tuple[str, str, bool]]] = {}
        guards = {c.path: c.module.main_guard_lines for c in self.codes}
        for key, items in self.traits.at.items():
            reaching = self._entries_reaching(key, entries, guards)
            for entry in reaching:
                out.setdefault(entry, []).extend(
                    (t, r, entry == key[0]) for t, r in items if t != "retrain"
                )
            if reaching and any(t == "retrain" for t, _ in items):
                for entry in reaching & self._method_called(key, entries, guards):
                    out.setdefault(entry, []).extend(
                        (t, r, entry == key[0]) for t, r in items if t == "retrain"
                    )
        return out

    def _method_called(
        self, key: FuncKey, entries: frozenset[str], guards: dict[str, tuple[int, int] | None]
    ) -> frozenset[str]:
        """Entry points that call this method by name (`trainer.evaluate()`), or every entry
        point for a plain function.

        NOTE: in the method view, creating a class reaches all its methods; a runner that
        creates the trainer but only calls `trainer.search()` must not count as retraining.
        """
        path, dotted = key
        module = self.repo.module(path)
        owner, _, method = (dotted or "").rpartition(".")
        if module is None or not owner or owner.split(".")[0] not in module.classes:
            return entries
        found: set[str] = set()
        for code in self.codes:
            for call in code.module.calls:
                receiver, _, name = call.name.rpartition(".")
                if name == method and receiver and receiver not in {"self", "cls", "super()"}:
                    found |= self._entries_reaching((code.path, call.scope), entries, guards)
        return frozenset(found)

    def _entries_reaching(
        self, key: FuncKey, entries: frozenset[str], guards: dict[str, tuple[int, int] | None]
    ) -> set[str]:
        """Reverse search over callers; a call under a module's `__main__` guard runs only
        when that module itself is the entry point, so the search stops there."""
        found: set[str] = set()
        seen = {key}
        queue: deque[tuple[FuncKey, bool]] = deque([(key, False)])
        while queue and len(seen) < MAX_REACH_NODES:
            node, guarded = queue.popleft()
            if node[1] is None and node[0] in entries:
                found.add(node[0])
            if guarded:
                continue
            for caller, call in self.graph.method_callers(node):
                if caller in seen:
                    continue
                seen.add(caller)
                guard = guards.get(caller[0])
                under_guard = (
                    caller[1] is None
                    and call is not None
                    and guard is not None
                    and guard[0] <= call.line <= guard[1]
                )
                queue.append((caller, under_guard))
        return found

    def uses(self, path: str) -> list[str]:
        """Repo modules imported transitively (sorted, the module itself excluded)."""
        seen: dict[str, None] = {}
        queue = deque(self._direct_imports(path))
        while queue and len(seen) < MAX_USES * 5:
            current = queue.popleft()
            if current in seen or current == path:
                continue
            seen[current] = None
            queue.extend(self._direct_imports(current))
        return sorted(seen)

    def _direct_imports(self, path: str) -> list[str]:
        if path not in self._imports:
            module = self.repo.module(path)
            found: dict[str, None] = {}
            names = [(n, level) for n, level, _ in module.imports] if module else []
            for full in module.aliases.values() if module else []:
                stripped = full.lstrip(".")
                if "." in stripped or stripped != full:
                    names.append((stripped, len(full) - len(stripped)))
            folder = path.rpartition("/")[0]
            for name, level in names:
                key = (name, level, folder)
                if key not in self._resolved:
                    self._resolved[key] = self.repo.resolve_import(name, level, path)
                if target := self._resolved[key]:
                    found[target] = None
            self._imports[path] = list(found)
        return self._imports[path]


def _runnable(code: Code) -> bool:
    """A `__main__` guard, a notebook, a pytest file, or top-level CLI parsing / main()."""
    module = code.module
    if module.main_guard_lines or code.path.endswith(".ipynb") or _is_test(code):
        return True
    return any(
        c.name == "main" or last(c.name) in _RUN_CALLS or c.name.endswith("app.run")
        for c in code.calls_by_scope.get(None, [])
    )


def _is_test(code: Code) -> bool:
    """A pytest/unittest file: in a tests folder or named test_*/ *_test, with tests in it."""
    path = PurePosixPath(code.path)
    if path.stem.startswith("_test"):  # a private smoke test (`_test_module.py`), never a job
        return True
    if not (
        _TEST_DIRS & {p.lower() for p in path.parts[:-1]}
        or path.stem.startswith("test_")
        or path.stem.endswith("_test")
    ):
        return False
    module = code.module
    return (
        any(f.startswith("test") and "." not in f for f in module.functions)
        or any(name.startswith("Test") for name in module.classes)
        or any(m.split(".")[0] in {"pytest", "unittest"} for m, _, _ in module.imports)
    )


def _roles(
    code: Code, reached: list[tuple[str, str, bool]], runs: list[ScriptInvocation], console: bool
) -> tuple[tuple[Role, ...], tuple[str, ...]]:
    """Roles from the file name, the reached traits and the flags it is run with, with the
    reasons for each."""
    stem = PurePosixPath(code.path).stem.lower().replace("-", "_")
    if _is_test(code):
        return (Role.TEST,), (f"pytest/unittest file: {PurePosixPath(code.path).name}",)
    names = {role for pattern, role in _NAME_ROLES if pattern.match(stem)}
    reached = sorted(reached, key=lambda item: not item[2])  # reasons from the file itself first
    found = {t for t, _, _ in reached}
    here = {t for t, _, own in reached if own}
    why = {t: r for t, r, _ in reversed(reached)}
    training = {"opt_step", "epoch_loop"} <= found
    genotype = "genotype_lookup" in here
    search_here = "search" in here
    # training a one-shot supernet is the search's first phase (SPOS's Supernet/train.py)
    supernet = "supernet" in found and "opt_step" in found and not genotype
    roles: set[Role] = set(names)
    if (
        Role.SEARCH in names
        or search_here
        or supernet
        or ("search" in found and Role.FINAL_TRAINING not in names and not genotype)
    ):
        roles.add(Role.SEARCH)
    if "retrain" in found:  # retrains the derived architecture, after its search or not
        roles.add(Role.FINAL_TRAINING)
    elif Role.SEARCH in roles:
        roles.discard(Role.FINAL_TRAINING)
    elif Role.FINAL_TRAINING in names or (training and (genotype or "search" not in found)):
        roles.add(Role.FINAL_TRAINING)
    # runs that train a fixed architecture (ENAS: main.py --child_fixed_arc=... --nocontroller_
    # training), of a file that trains
    fixed = [(i.path, f) for i in runs if (f := _fixed_run(i.flags))] if "opt_step" in found else []
    if fixed:
        roles.add(Role.FINAL_TRAINING)
        if len(fixed) == len(runs) and Role.SEARCH not in names and not search_here:
            roles.discard(Role.SEARCH)  # searches only where some other run does
    if "eval" in found and not training and not supernet:  # a supernet's validation searches
        roles.add(Role.EVALUATION)
    if "bench_query" in found:
        roles.add(Role.BENCHMARK_QUERY)
    if "plot" in here and not roles:
        roles.add(Role.VISUALIZATION)
    reasons = [f"name: {PurePosixPath(code.path).name}"] if names else []
    if fixed:
        reasons.append(f"run with {fixed[0][1]} by {fixed[0][0]}")
    reasons += [
        why[t]
        for t in (
            "retrain",
            "search",
            "supernet",
            "opt_step",
            "epoch_loop",
            "genotype_lookup",
            "eval",
            "bench_query",
            "plot",
        )
        if t in why and (t != "supernet" or supernet)
    ]
    if console:
        reasons.append("console script")
    ordered = tuple(r for r in Role if r in roles) or (Role.OTHER,)
    return ordered, tuple(reasons[:8])


def _fixed_run(flags: dict[str, str]) -> str | None:
    """The flag by which a run trains a fixed architecture: it passes one, or turns the
    controller or the search off; None for a run that may search."""
    for flag, value in flags.items():
        name = flag.lstrip("-").replace("-", "_").lower()
        if _FIXED_ARCH_FLAG_RE.match(name) and value.strip("'\" ").lower() not in {"", "none"}:
            return flag
        off = _SEARCH_FLAG_RE.search(name) and value.strip("'\" ").lower() in _FALSE_WORDS
        if off or _NO_SEARCH_FLAG_RE.match(name):
            return flag
    return None


def _console_scripts(repo: Repo) -> set[str]:
    """Modules named by `[project.scripts]` or `console_scripts` entry points."""
    targets: list[str] = []
    text = repo.text("pyproject.toml") if repo.exists("pyproject.toml") else None
    if text:
        import tomllib  # NOTE: lazy: most repositories have no pyproject.toml

        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            data = {}
        scripts = data.get("project", {}).get("scripts", {}) if isinstance(data, dict) else {}
        if isinstance(scripts, dict):
            targets += [str(v).split(":")[0].strip() for v in scripts.values()]
    for name in ("setup.py", "setup.cfg"):
        text = repo.text(name) if repo.exists(name) else None
        if text and "console_scripts" in text:
            targets += _CONSOLE_RE.findall(text)
            targets += re.findall(r"(?m)^\s*[\w.-]+\s*=\s*([\w.]+)\s*:\s*\w+\s*$", text)
    found = {repo.resolve_import(t, 0, "setup.py") for t in targets if t}
    return {p for p in found if p}


def _data_code(hits: list[DataHit], facts: Facts) -> None:
    """Dataset and split code, with the entry points whose runs import that module."""
    sink = Sink(facts.data_code)
    users_of: dict[str, list[str]] = {}  # module -> entry points that are it or import it
    for entry in facts.entry_points:
        for used in {entry.path, *entry.uses}:
            users_of.setdefault(used, []).append(entry.path)
    for hit in hits:
        users = sorted(users_of.get(hit.code.path, []))
        detail = hit.name
        if users:
            more = f" (+{len(users) - 8} more)" if len(users) > 8 else ""
            detail = f"{hit.name}; used by {', '.join(users[:8])}{more}"
        sink.add(hit.code, hit.line, hit.kind, detail, key=hit.name)
