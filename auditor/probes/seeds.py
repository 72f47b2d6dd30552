"""Seeding and determinism probe: which generators are seeded, from what, and whether it counts.

Records every seeding call (`facts.seed_calls`), including calls of the repo's own seeding
helpers and the seeding calls inside them, with the seed's source followed through helper
parameters to the caller (`utils.set_seed(args.seed)` -> flag `--seed`, default 2), the entry
points whose run reaches the call, and whether it is effective. Pitfalls go to
`facts.seed_problems`; cuDNN flags, deterministic algorithms, environment variables and
DataLoader worker seeding go to `facts.determinism`. Nothing here judges R3/R5.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import cast

from auditor.facts import (
    Facts,
    SeedCall,
    SeedProblem,
    SeedProblemKind,
    SeedSource,
    SeedSourceKind,
)
from auditor.probes.callgraph import FuncKey, module_dotted
from auditor.probes.seed_apis import (
    CONSTRUCTORS,
    NONDETERMINISTIC,
    Library,
    first_argument_text,
    seed_api_sites,
    seed_argument,
)
from auditor.probes.seed_determinism import scan
from auditor.probes.seed_flags import FlagIndex, unused_seed_flags
from auditor.probes.seed_flow import (
    bound_argument,
    docstring_seed_calls,
    entry_paths,
    returns_nothing,
)
from auditor.probes.seed_sources import SourceResolver
from auditor.pyast import CallSite, PyModule
from auditor.repo import Repo

MAX_FACTS = 300  # per list: a huge repo must not flood the report
_HELPER_NAME_RE = re.compile(r"seed|rng|determinis|reproducib|(?:set|init|fix|setup)_?random", re.I)
_MAIN_NAMES = frozenset({"main", "run", "train", "search", "evaluate", "test", "cli", "app"})
_MESSAGES = {
    SeedProblemKind.UNREACHABLE: "{call} is reached from no entry point, so it seeds nothing.",
    SeedProblemKind.DEAD_CODE: "{call} sits in code that never runs (`if False:`, after a return).",
    SeedProblemKind.SEED_FROM_TIME: "{call} takes its seed from {detail}, which changes every run.",
    SeedProblemKind.SEED_NONE: "{call} is given no seed, so it is seeded from the OS every run.",
    SeedProblemKind.IN_DOCSTRING: "{call} appears in a docstring, which is text and never runs.",
}


@dataclass(frozen=True)
class _Site:
    """A seeding call: of a seeding API, or of a repo helper (`helper` set)."""

    path: str
    call: CallSite
    name: str
    library: Library
    helper: FuncKey | None = None

    @property
    def key(self) -> FuncKey:
        return self.path, self.call.scope


def run(repo: Repo, facts: Facts) -> None:
    """Add seed calls, seed problems and determinism settings to `facts`."""
    _SeedProbe(repo, facts).collect()


class _SeedProbe:
    """One run of the probe: the call graph, flag index and caches it shares across steps."""

    def __init__(self, repo: Repo, facts: Facts) -> None:
        self.repo, self.facts = repo, facts
        self.graph = repo.call_graph()
        self.entries = entry_paths(repo, facts, self.graph)
        self.graph.set_entries(self.entries)
        self.flags = FlagIndex(repo)
        self.sources = SourceResolver(self.flags)
        self.api_sites = [s for m in repo.modules.values() for s in self._api_sites(m)]
        self.helpers = self._find_helpers()
        self.sites_in: dict[FuncKey, list[_Site]] = {}
        self.helper_sites = self._helper_sites()
        for site in sorted(self.api_sites + self.helper_sites, key=lambda s: (s.path, s.call.line)):
            self.sites_in.setdefault(site.key, []).append(site)
        self._local: dict[int, tuple[SeedSource, bool]] = {}
        self._chosen: dict[FuncKey, tuple[FuncKey, CallSite] | None] = {}
        self._dead: dict[FuncKey, set[int]] = {}

    def collect(self) -> None:
        calls = [self._record(s) for s in self.api_sites + self.helper_sites]
        calls += docstring_seed_calls(self.repo, self.sources)
        calls.sort(key=lambda c: (c.path, c.line or 0, c.call))
        problems = [p for c in calls for p in self._problems(c)]
        determinism = scan(self.repo, self._returns_nothing)
        problems += determinism.problems + unused_seed_flags(self.repo, self.flags)
        problems += self._benchmark_problems(calls, determinism.benchmarks)
        problems.sort(key=lambda p: (p.path, p.line or 0, p.kind))
        self.facts.seed_calls.extend(calls[:MAX_FACTS])
        self.facts.seed_problems.extend(problems[:MAX_FACTS])
        determinism.settings.sort(key=lambda d: (d.path, d.line or 0))
        self.facts.determinism.extend(determinism.settings[:MAX_FACTS])

    # ------------------------------------------------------------------------------ finding
    def _api_sites(self, module: PyModule) -> list[_Site]:
        # NOTE: found when the module was indexed (structure.py), else now
        signals = module.signals
        found = signals["seeds"] if signals is not None else seed_api_sites(module)
        calls = module.calls
        return [
            _Site(module.path, calls[index], name, cast(Library, library))
            for _, index, name, library, _ in found
        ]

    def _find_helpers(self) -> set[FuncKey]:
        """Repo functions whose job is seeding: named so, or mostly made of seeding calls."""
        seeding: Counter[FuncKey] = Counter(
            s.key
            for s in self.api_sites
            if s.call.scope and (s.name not in CONSTRUCTORS or (s.call.node and s.call.node.args))
        )
        sizes = Counter((p, c.scope) for p, m in self.repo.modules.items() for c in m.calls)
        helpers: set[FuncKey] = set()
        queue = list(seeding)
        while queue:
            key = queue.pop()
            if key in helpers or key[1] is None:
                continue
            if not self._is_helper_like(key, 2 * seeding[key] >= sizes[key]):
                continue
            helpers.add(key)
            for caller, call in self.graph.callers(key):
                if call is not None and caller[1] is not None:
                    seeding[caller] += 1
                    queue.append(caller)
        return helpers

    def _is_helper_like(self, key: FuncKey, mostly_seeding: bool) -> bool:
        """Named for seeding, or mostly seeding calls and not a script's `main`."""
        name = (key[1] or "").rsplit(".", 1)[-1]
        if _HELPER_NAME_RE.search(name):
            return True
        if not mostly_seeding or name in _MAIN_NAMES:
            return False
        return all(caller[1] is not None for caller, _ in self.graph.callers(key))

    def _helper_sites(self) -> list[_Site]:
        """Calls of seeding helpers; those in `if False:` blocks too (the graph skips them)."""
        out = []
        for helper in self.helpers:
            for caller, call in self.graph.callers(helper):
                if call is not None:
                    out.append(
                        _Site(caller[0], call, self._display(call, helper), "helper", helper)
                    )
        for path, module in self.repo.modules.items():
            for call in module.calls if module.dead_lines else []:
                if call.line not in module.dead_lines:
                    continue
                for helper in self.graph.resolve(module, call.name, call.scope):
                    if helper in self.helpers:
                        out.append(_Site(path, call, self._display(call, helper), "helper", helper))
        return out

    @staticmethod
    def _display(call: CallSite, helper: FuncKey) -> str:
        if call.name.startswith((".", "self.", "cls.")) or "()" in call.name:
            return f"{module_dotted(helper[0])}.{helper[1]}"
        return call.name

    # ------------------------------------------------------------------------------ sources
    def _local_source(self, site: _Site) -> tuple[SeedSource, bool]:
        """The seed's source seen from the call's own function; True when bound from its args."""
        if id(site) in self._local:
            return self._local[id(site)]
        self._local[id(site)] = (SeedSource(kind=SeedSourceKind.UNKNOWN), False)  # cycle guard
        module = self.repo.module(site.path)
        assert module is not None
        if site.helper is not None:
            result = self._helper_source(site)
        elif site.name in NONDETERMINISTIC:
            result = SeedSource(kind=SeedSourceKind.TIME, detail=f"{site.name}()"), False
        elif site.call.node is None:
            text = first_argument_text(site.call.args_text)
            if site.library == "sklearn":
                text = site.call.args_text.split("random_state", 1)[-1].lstrip(" =")
                text = first_argument_text(text)
            result = self.sources.classify_text(module, text), False
        else:
            arg = seed_argument(site.call.node, site.name, site.library)
            result = self.sources.classify(module, arg, site.call.scope, site.call.line), False
        self._local[id(site)] = result
        return result

    def _helper_source(self, site: _Site) -> tuple[SeedSource, bool]:
        assert site.helper is not None
        inner = self.sites_in.get(site.helper, [])
        if not inner:
            return SeedSource(kind=SeedSourceKind.UNKNOWN), False
        sources = [self._local_source(s)[0] for s in inner]
        source = next((s for s in sources if s.kind is SeedSourceKind.PARAMETER), sources[0])
        if source.kind is not SeedSourceKind.PARAMETER:
            return source, False
        return self._bind(site.helper, source.detail or "", site.path, site.call), True

    def _resolved(self, site: _Site) -> tuple[SeedSource, tuple[str, ...], bool]:
        """Follow parameters up to the callers (chosen reachable first); list the helpers."""
        source, bound = self._local_source(site)
        written_here = site.helper is None or bound
        func = site.key
        via: list[str] = []
        seen: set[FuncKey] = set()
        while (
            func[1] is not None
            and func not in seen
            and (source.kind is SeedSourceKind.PARAMETER or func in self.helpers)
        ):
            seen.add(func)
            chosen = self._caller_of(func)
            if chosen is None:
                break
            caller, call = chosen
            if func in self.helpers:
                via.insert(0, self._display(call, func))
            if source.kind is SeedSourceKind.PARAMETER:
                source = self._bind(func, source.detail or "", caller[0], call)
                written_here = False
            func = caller
        return source, tuple(via), written_here

    def _caller_of(self, func: FuncKey) -> tuple[FuncKey, CallSite] | None:
        if func not in self._chosen:
            calls = self._call_sites(func)
            calls.sort(
                key=lambda kc: (not self.graph.entries_reaching(kc[0]), kc[0][0], kc[1].line)
            )
            self._chosen[func] = calls[0] if calls else None
        return self._chosen[func]

    def _call_sites(self, func: FuncKey) -> list[tuple[FuncKey, CallSite]]:
        """Where a function is called; for `Class.__init__`, where the class is created
        (`NASBench(path)` binds the `seed=None` of `NASBench.__init__` to its default)."""
        found = [(k, c) for k, c in self.graph.callers(func) if c is not None]
        owner, _, method = (func[1] or "").rpartition(".")
        if method == "__init__" and owner:
            found += [(k, c) for k, c in self.graph.callers((func[0], owner)) if c is not None]
        return found

    def _bind(self, func: FuncKey, param: str, caller_path: str, call: CallSite) -> SeedSource:
        """The source of the argument that `call` passes for `param` of `func`."""
        callee, caller = self.repo.module(func[0]), self.repo.module(caller_path)
        info = callee.functions.get(func[1] or "") if callee else None
        if caller is None or callee is None or info is None or info.args is None:
            return SeedSource(kind=SeedSourceKind.UNKNOWN, detail=param)
        if call.node is None:
            return self.sources.classify_text(caller, first_argument_text(call.args_text))
        expr, where = bound_argument(info, param, call.node)
        if where == "caller":
            return self.sources.classify(caller, expr, call.scope, call.line)
        if where == "default":
            return self.sources.classify(callee, expr, None, info.line)
        return SeedSource(kind=SeedSourceKind.UNKNOWN, detail=param)

    # ------------------------------------------------------------------------------ records
    def _record(self, site: _Site) -> SeedCall:
        module = self.repo.module(site.path)
        assert module is not None
        source, via, written_here = self._resolved(site)
        reach = self.graph.entries_reaching(site.key)
        line = site.call.line
        problems = []
        if line in module.dead_lines or line in self._dead_lines(module, site.key):
            problems.append(SeedProblemKind.DEAD_CODE.value)
        if self.entries and self.graph.surely_unreachable(site.key):
            problems.append(SeedProblemKind.UNREACHABLE.value)
        if written_here and source.kind is SeedSourceKind.TIME:
            problems.append(SeedProblemKind.SEED_FROM_TIME.value)
        if written_here and source.kind is SeedSourceKind.NONE:
            problems.append(SeedProblemKind.SEED_NONE.value)
        return SeedCall(
            path=site.path,
            line=module.file_line(line),
            snippet=module.snippet(line),
            call=site.name,
            library=site.library,
            source=source,
            function=site.call.scope,
            via=via,
            reachable_from=tuple(sorted(reach)),
            effective=not problems,
            problems=tuple(problems),
        )

    def _problems(self, call: SeedCall) -> list[SeedProblem]:
        detail = call.source.detail or call.source.kind.value
        return [
            SeedProblem(
                path=call.path,
                line=call.line,
                snippet=call.snippet,
                kind=SeedProblemKind(kind),
                message=_MESSAGES[SeedProblemKind(kind)].format(call=call.call, detail=detail),
            )
            for kind in call.problems
        ]

    # ------------------------------------------------------------------------------ helpers
    def _dead_lines(self, module: PyModule, key: FuncKey) -> set[int]:
        """Lines after a return/raise/continue/break in the same block of this function."""
        if key not in self._dead:
            info = module.functions.get(key[1] or "")
            spans = info.after_terminal if info else ()
            self._dead[key] = {n for start, end in spans for n in range(start, end + 1)}
        return self._dead[key]

    def _returns_nothing(self, module: PyModule, name: str, scope: str | None) -> bool:
        return returns_nothing(self.repo, self.graph, module, name, scope)

    def _benchmark_problems(
        self, calls: list[SeedCall], benchmarks: list[tuple[str, int, str | None]]
    ) -> list[SeedProblem]:
        """`cudnn.benchmark = True` in a file that seeds, or on a path of an entry that seeds."""
        live = [
            c
            for c in calls
            if SeedProblemKind.IN_DOCSTRING.value not in c.problems
            and SeedProblemKind.DEAD_CODE.value not in c.problems
        ]
        seeded_entries = {
            e for c in live if c.effective and c.call not in CONSTRUCTORS for e in c.reachable_from
        }
        out = []
        for path, line, scope in benchmarks:
            module = self.repo.module(path)
            assert module is not None
            here = [c for c in live if c.path == path]
            entries = self.graph.entries_reaching((path, scope)) & seeded_entries
            if not here and not entries:
                continue
            where = f"at line {here[0].line}" if here else f"by a run of {sorted(entries)[0]}"
            out.append(
                SeedProblem(
                    path=path,
                    line=module.file_line(line),
                    snippet=module.snippet(line),
                    kind=SeedProblemKind.BENCHMARK_AFTER_SEED,
                    message=f"cudnn.benchmark = True lets cuDNN pick algorithms by timing, so GPU "
                    f"results differ between runs despite the seed set {where}.",
                )
            )
        return out
