"""Tabular and surrogate NAS benchmarks: which ones a repository uses, and where.

Benchmarks show up as imports (`nas_201_api`, `nats_bench`), as data files committed or only
named in code and docs (`NAS-Bench-201-v1_0-e61699.pth`, `nasbench_only108.tfrecord`), as
identifiers in code and configs (`nasbench201`), as names in docs, and as a repository's own
table with a query function (`tabular_bench.py` + a JSON table). One fact per (benchmark,
file), at the first line that shows it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from auditor.facts import BenchmarkUse, Facts, clip_snippet
from auditor.inventory import FileKind
from auditor.probes.pycode import Code, Event
from auditor.repo import Repo

How = Literal["import", "data_file", "doc", "code"]
MAX_PER_BENCHMARK = 200
OWN = "own tabular benchmark"
SUITE = "NAS-Bench-Suite/NASLib"

# (benchmark, pattern); specific data-file names first, so that they win over short names
_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        SUITE,
        r"nb\d{3}_\w+_full_training\.pickle|zc_nasbench\d{3}\.json|nb\d{3}_\w*zc\w*\.json"
        r"|NAS-?Bench-?Suite(?:-Zero)?|\bnaslib\b",
    ),
    (
        "NAS-Bench-101",
        r"nasbench_(?:only108|full)\.tfrecord|NAS-?Bench-?101|nasbench[-_]?101"
        r"|nas_bench_101|\bnb101\b|nasbench_pytorch",
    ),
    (
        "NAS-Bench-201",
        r"NAS-Bench-201-v1_[01]-\w+\.pth|NAS-?Bench-?201|nasbench[-_]?201"
        r"|nas_bench_201|nas_201_api|\bnb201\b",
    ),
    ("NATS-Bench", r"NATS-(?:tss|sss)-v1_0-\w+(?:\.pickle\.pbz2)?|NATS-?Bench|nats_bench"),
    (
        "NAS-Bench-301",
        r"NAS-?Bench-?301|nasbench[-_]?301|nas_bench_301|\bnb301\b"
        r"|\bnb_models(?:_[\d.]+)?\b",
    ),
    ("NAS-Bench-1Shot1", r"NAS-?Bench-?1Shot1|nasbench[-_]?1shot1|nasbench_analysis"),
    ("NAS-Bench-ASR", r"NAS-?Bench-?ASR|nas_bench_asr|nasbench_?asr|\bnb_asr\b"),
    ("NAS-Bench-NLP", r"NAS-?Bench-?NLP|nas_bench_nlp|nasbench_?nlp|\bnb_nlp\b"),
    ("NAS-Bench-Macro", r"NAS-?Bench-?Macro|nasbench_?macro"),
    (
        "TransNAS-Bench-101",
        r"TransNAS-?Bench(?:-101)?|transnas_?bench\w*|transbench_?101"
        r"|\btnb101\b",
    ),
    ("HW-NAS-Bench", r"HW-?NAS-?Bench|hw_nas_bench"),
    ("NAS-Bench-x11", r"NAS-?Bench-?x11|nasbench_?x11|\bnb_?x11\b"),
    ("NAS-Bench-360", r"NAS-?Bench-?360|nasbench_?360"),
    ("NAS-Bench-Graph", r"NAS-?Bench-?Graph|nas_bench_graph"),
    ("NAS-HPO-Bench", r"NAS-?HPO-?Bench|nas_hpo_bench|fcnet_\w+_data\.hdf5"),
)
_NAMES = [name for name, _ in _PATTERNS]
# NOTE: every pattern starts with one of these letters; the lookahead lets the regex engine
# reject other positions at once instead of trying every alternative (5x faster on NASLib)
_FIRST = "(?=[nzthf])"
_COMBINED = re.compile(
    _FIRST + "(?:" + "|".join(f"(?P<b{i}>{p})" for i, (_, p) in enumerate(_PATTERNS)) + ")", re.I
)
_ANCHORS = ("bench", "nb", "naslib", "nats", "nas_201", "fcnet", "tfrecord")
_GENERIC = re.compile(r"(?i)\b(tabular|surrogate)[ -](?:NAS[ -])?benchmarks?\b")
_DATA_FILE_RE = re.compile(r"(?i)\.(?:pth|pickle|pkl|json|tfrecord|hdf5|pbz2|npy)$|^nb_models")
_DATA_SUFFIX_RE = re.compile(
    r"(?i)\.(?:pth|pt|pickle|pkl|tfrecord|hdf5|h5|pbz2|npy|npz|model|ckpt)$"
)
_QUERY_FUNC_RE = re.compile(r"^(?:query\w*|lookup\w*|get_\w*(?:acc|metric|result|perf)\w*)$")
_TABLE_RE = re.compile(r"""["'][^"'\n]*\.(?:json|csv|tsv|pkl|pickle|npy|npz)["']""")
_TABLE_CALLS = frozenset({"json.load", "pickle.load", "pandas.read_csv", "numpy.load", "np.load"})


@dataclass
class BenchmarkScan:
    """Collects one fact per (benchmark, path)."""

    repo: Repo
    facts: Facts
    seen: set[tuple[str, str]] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    def add(
        self, benchmark: str, path: str, line: int | None, snippet: str | None, how: How
    ) -> None:
        """Record a use unless this (benchmark, path) already has one."""
        if (benchmark, path) in self.seen or self.counts.get(benchmark, 0) >= MAX_PER_BENCHMARK:
            return
        self.seen.add((benchmark, path))
        self.counts[benchmark] = self.counts.get(benchmark, 0) + 1
        self.facts.benchmarks.append(
            BenchmarkUse(
                path=path,
                line=line,
                snippet=clip_snippet(snippet) if snippet else None,
                benchmark=benchmark,
                how=how,
            )
        )

    def run(self) -> None:
        """Every file kind that can show a benchmark."""
        own_package = self.repo.exists("naslib/__init__.py")
        for code in self.repo.codes():
            self._python(code, own_package)
        for entry in self.repo.files(
            FileKind.SHELL, FileKind.CONFIG, FileKind.DOC, FileKind.DEPENDENCY
        ):
            text = self.repo.text(entry.path)
            if text is not None:
                self._text(entry.path, entry.kind, text, own_package)
        for path in sorted(self.repo.inventory.existing):
            if path.isascii() and not _has_anchor(path.lower(), _ANCHORS):
                continue  # NOTE: every match holds an anchor (for ASCII text, as re.I reads it)
            data_suffix = bool(_DATA_SUFFIX_RE.search(path))
            for match in _COMBINED.finditer(path):
                if data_suffix or _DATA_FILE_RE.search(match.group(0)):
                    self.add(_benchmark(match), path, None, None, "data_file")

    def _python(self, code: Code, own_package: bool) -> None:
        hits: dict[str, tuple[int, How]] = {}
        for module_name, _, line in code.module.imports:
            for bench in _import_benchmarks(module_name, own_package):
                hits.setdefault(bench, (line, "import"))
        signals = code.module.signals  # NOTE: recorded when the module was indexed
        mentions = signals["benchmarks"] if signals is not None else benchmark_mentions(code)
        for _, line, bench, how, naslib in mentions:
            if own_package and naslib:
                continue  # NASLib's own package name is not a benchmark use
            if bench not in hits or line < hits[bench][0]:
                hits[bench] = (line, "data_file" if how == "data_file" else "code")
        for bench, (line, how) in sorted(hits.items(), key=lambda item: item[1][0]):
            self.add(bench, code.path, code.module.file_line(line), code.module.snippet(line), how)
        self._own_benchmark(code)

    def _text(self, path: str, kind: FileKind, text: str, own_package: bool) -> None:
        anchors = (*_ANCHORS, "tabular", "surrogate") if kind is FileKind.DOC else _ANCHORS
        for number, line in anchored_text_lines(text, anchors):
            if len(line) > 2000 or (kind is FileKind.SHELL and line.lstrip().startswith("#")):
                continue
            for match in _COMBINED.finditer(line):
                bench, how = _benchmark(match), _how(match.group(0), kind)
                if not (own_package and match.group(0).lower() == "naslib"):
                    self.add(bench, path, number, line, how)
            if kind is FileKind.DOC and (generic := _GENERIC.search(line)):
                self.add(f"{generic.group(1).lower()} benchmark", path, number, line, "doc")

    def _own_benchmark(self, code: Code) -> None:
        """A module named *bench* with a query function over a table of architecture results."""
        # NOTE: the path test first spares a path object for nearly every module
        if "bench" not in code.path.lower() or "bench" not in PurePosixPath(code.path).stem.lower():
            return
        queries = [
            (n, f.line)
            for n, f in code.module.functions.items()
            if "." not in n and _QUERY_FUNC_RE.match(n)
        ]
        has_table = bool(_TABLE_RE.search(code.module.source)) or any(
            c.name in _TABLE_CALLS for c in code.module.calls
        )
        if queries and has_table:
            line = queries[0][1]
            self.add(OWN, code.path, code.module.file_line(line), code.module.snippet(line), "code")


def benchmark_mentions(code: Code) -> list[Event]:
    """Benchmark names in a module's live code, as recorded events (structure.py):
    ("bench", line, benchmark, how, "naslib" when the name is NASLib's package name, else None).

    NOTE: NASLib's own package name is on most of its lines and names no benchmark there; the
    audit drops those hits when it audits NASLib itself. Every other name holds another anchor.
    """
    out: list[Event] = []
    for line, match in code.matches(_COMBINED, _ANCHORS):
        how = "data_file" if _DATA_FILE_RE.search(match.group(0)) else "code"
        naslib = "naslib" if match.group(0).lower() == "naslib" else None
        out.append(("bench", line, _benchmark(match), how, naslib))
    return out


def _how(text: str, kind: FileKind) -> How:
    """A named data file, a doc mention, a declared dependency, or code/config text."""
    if _DATA_FILE_RE.search(text):
        return "data_file"
    return {FileKind.DOC: "doc", FileKind.DEPENDENCY: "import"}.get(kind, "code")  # type: ignore[return-value]


def _benchmark(match: re.Match[str]) -> str:
    group = match.lastgroup or "b0"
    return _NAMES[int(group[1:])]


@functools.lru_cache(maxsize=4096)
def _import_benchmarks(module_name: str, own_package: bool) -> tuple[str, ...]:
    """Benchmarks named by an imported module (`nasbench.api` is NAS-Bench-101's API); cached,
    as the same few modules are imported all over a repository."""
    if module_name == "nasbench" or module_name.startswith("nasbench."):
        return ("NAS-Bench-101",)
    found = [_benchmark(m) for m in _COMBINED.finditer(module_name)]
    return tuple(b for b in found if not (b == SUITE and own_package))


def anchored_text_lines(text: str, anchors: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(number, text) of the lines holding a lowercase anchor, in order: the lines that
    `pycode.anchored_lines` finds, without building the offsets of every line of the file."""
    lower = text.lower()
    hits: set[int] = set()
    find = lower.find
    for anchor in anchors:
        index = find(anchor)
        while index >= 0:  # one hit per line is enough, as in `anchored_lines`
            hits.add(index)
            index = find("\n", index)
            if index < 0:
                break
            index = find(anchor, index)
    # NOTE: a hit's line number counts the newlines of `text` before it (offsets of `lower`
    # read in `text`, as `anchored_lines` with line offsets of `text` reads them); counting
    # from one hit to the next keeps a large file with few hits cheap
    number, counted = 1, 0
    last = 0
    for index in sorted(hits):
        number += text.count("\n", counted, index)
        counted = index
        if number == last:
            continue
        last = number
        end = text.find("\n", index)
        start = text.rfind("\n", 0, index) + 1
        yield number, text[start : len(text) if end < 0 else end + 1].rstrip("\r\n")


def _has_anchor(lower: str, anchors: tuple[str, ...]) -> bool:
    return any(anchor in lower for anchor in anchors)


def run(repo: Repo, facts: Facts) -> None:
    """Record every benchmark use of the repository."""
    BenchmarkScan(repo, facts).run()
