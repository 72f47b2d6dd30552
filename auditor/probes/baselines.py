"""Baselines: a random-search baseline over architectures, one random architecture, others.

A random-search baseline samples several architectures from the search space and keeps the
best. Samplers are functions that draw operations at random from an op list
(`random.choice(PRIMITIVES)`) or are named so (`sample_random_architecture`); a function
that calls a sampler inside a loop and tracks a best result is a random search, a single call
is one random architecture. Random channel or data sampling is not an architecture sampler.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from auditor.facts import CodeSignal, Facts, MethodFamily
from auditor.inventory import FileKind
from auditor.probes.methods import ARCH_RANDOM_SAMPLE, RANDOM_SEARCH_NAME_RE, MethodScan
from auditor.probes.pycode import Code, Sink, call_text, last
from auditor.pyast import CallSite
from auditor.repo import Repo

_RANDOM_HEADS = ("random.", "numpy.random.", "np.random.", "torch.", "rng.", "self.rng.")
_RANDOM_FUNCS = frozenset({"choice", "choices", "randint", "sample", "integers"})
_OPS_ARG_RE = re.compile(
    r"(?i)primitives|(?:\b|_)ops\b|op_names|operations|candidate|op_list|op_choices"
)
# NOTE: `random_spec` draws a NAS-Bench-101 ModelSpec.
_SAMPLER_NAME_RE = re.compile(
    r"(?i)^(?:sample_random\w*arch\w*|random_?arch\w*|"
    rf"random_?genotype\w*|sample_?arch\w*|{ARCH_RANDOM_SAMPLE}|"
    r"random_(?:model_)?specs?|sample_genotype\w*|random_cell\w*)$"
)
_DISTINCT_RE = re.compile(r"(?i)arch|genotype|cell")
_RANDOM_SEARCH_FILE_RE = re.compile(r"(?i)random[_-]?search|(?:^|_)rs_search")
_BEST_RE = re.compile(r"(?i)\bbest|incumbent|\bmax\(|argmax|sorted\(")
_EVOLUTION_RE = re.compile(r"(?i)mutat|crossover|tournament")
_DOC_ROW_RE = re.compile(r"(?i)^\s*\|.*\b(?:random[ -]?search|random sampling)\b")
_BASELINE_RE = re.compile(r"(?i)baseline")
_TEST_PATH_RE = re.compile(r"(?:^|/)(?:tests?/|test_[^/]*$|[^/]*_test\.py$)")
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)


@dataclass
class BaselineScan:
    """Two passes over the modules: find samplers, then classify their call sites."""

    repo: Repo
    facts: Facts
    methods: MethodScan
    sink: Sink = field(init=False)
    samplers: dict[str, set[str]] = field(default_factory=dict)  # path -> sampler functions

    def __post_init__(self) -> None:
        self.sink = Sink(self.facts.baselines)

    def run(self, codes: list[Code]) -> None:
        """All baseline signals of the repository."""
        for code in codes:
            self.samplers[code.path] = _samplers(code)
        distinct = {
            last(n)
            for names in self.samplers.values()
            for n in names
            if _DISTINCT_RE.search(last(n))
        }
        for code in codes:
            self._names(code)
            self._call_sites(code, distinct)
        self._files()
        self._docs()

    def _names(self, code: Code) -> None:
        defs = [(n.name, n.line) for n in code.class_nodes]
        defs += [(dotted, f.line) for dotted, f in code.module.functions.items()]
        for name, line in defs:
            if RANDOM_SEARCH_NAME_RE.match(last(name)):
                self.sink.add(code, line, "random_search", name)
            elif (
                last(name)[:1].isupper()
                and _BASELINE_RE.search(name)
                and "reward" not in code.module.source
            ):
                self.sink.add(code, line, "other", name)

    def _call_sites(self, code: Code, distinct: set[str]) -> None:
        local = self.samplers.get(code.path, set())
        for dotted, info in code.module.functions.items():
            if dotted in local:
                continue
            hits = [
                c
                for c in code.calls_by_scope.get(dotted, [])
                if last(c.name) in distinct
                or c.name in local
                or (c.name.startswith("self.") and any(last(s) == last(c.name) for s in local))
            ]
            if not hits:
                continue
            body = code.body_text(dotted)
            ranges = info.loops
            call = hits[0]
            in_loop = any(start <= call.line <= end for start, end, _ in ranges)
            if in_loop and _BEST_RE.search(body) and not _EVOLUTION_RE.search(body):
                detail = f"{dotted} samples with {last(call.name)}"
                self.sink.add(code, call.line, "random_search", detail)
                self.methods.method(
                    code, call.line, MethodFamily.RANDOM_SEARCH, "random_search_loop", detail
                )
            elif (
                not in_loop
                and dotted.split(".")[0] not in code.module.classes
                and not _TEST_PATH_RE.search(code.path)
                and not _EVOLUTION_RE.search(body)
            ):
                self.sink.add(
                    code, call.line, "random_architecture", f"{dotted}: {last(call.name)}"
                )
        for dotted in sorted(local):
            self._inline_search(code, dotted)

    def _inline_search(self, code: Code, dotted: str) -> None:
        """A sampler that loops over architectures itself (ops drawn per edge), keeping the best."""
        info = code.module.functions[dotted]
        if not _BEST_RE.search(code.body_text(dotted)):
            return
        ranges = info.loops
        for call in _op_choices(code, dotted):
            around = [r for r in ranges if r[0] <= call.line <= r[1]]
            levels = sum(1 for r in around if not r[2]) + (1 if any(r[2] for r in around) else 0)
            if levels >= 2 and not _EVOLUTION_RE.search(code.body_text(dotted)):
                detail = f"{dotted} samples ops per edge in a loop"
                self.sink.add(code, call.line, "random_search", detail)
                self.methods.method(
                    code, call.line, MethodFamily.RANDOM_SEARCH, "random_search_loop", detail
                )
                return

    def _files(self) -> None:
        for entry in self.repo.files(FileKind.PYTHON, FileKind.SHELL, FileKind.NOTEBOOK):
            stem = entry.path.rpartition("/")[2].rpartition(".")[0]
            if _RANDOM_SEARCH_FILE_RE.search(stem):
                self.sink.add_located(
                    CodeSignal(path=entry.path, kind="random_search", detail=f"file {entry.path}")
                )
            elif _BASELINE_RE.search(stem):
                self.sink.add_located(
                    CodeSignal(path=entry.path, kind="other", detail=f"file {entry.path}")
                )

    def _docs(self) -> None:
        for entry in self.repo.files(FileKind.DOC):
            text = self.repo.text(entry.path) or ""
            if "andom" not in text:
                continue
            for number, line in enumerate(text.splitlines()[:20_000], start=1):
                if _DOC_ROW_RE.match(line):
                    self.sink.add_located(
                        CodeSignal(
                            path=entry.path,
                            line=number,
                            snippet=line.strip()[:300],
                            kind="random_search",
                            detail="table row",
                        )
                    )
                    break


def _op_choices(code: Code, dotted: str) -> list[CallSite]:
    out: list[CallSite] = []
    for call in code.calls_by_scope.get(dotted, []):
        if (
            last(call.name) in _RANDOM_FUNCS
            and call.name.startswith(_RANDOM_HEADS)
            and _OPS_ARG_RE.search(call_text(code, call))
        ):
            out.append(call)
    return out


def _samplers(code: Code) -> set[str]:
    """Functions of a module that draw a random architecture."""
    found: set[str] = set()
    for dotted in code.module.functions:
        if _SAMPLER_NAME_RE.match(last(dotted)) or _op_choices(code, dotted):
            found.add(dotted)
    return found
