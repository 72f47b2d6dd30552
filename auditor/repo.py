"""Read-only view of the audited repository shared by all probes: one read, one parse per file.

Text is read with a size bound and decoded leniently (UTF-8, else Latin-1 with a note);
Python files and notebooks are parsed once into `PyModule`s and cached here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, TypeVar, cast

from auditor.facts import ReadMode, ReadNote
from auditor.indexcache import IndexCache
from auditor.indexing import index_sources
from auditor.inventory import FileEntry, FileKind, Inventory
from auditor.pyast import PyModule
from auditor.target import Snapshot

T = TypeVar("T")

if TYPE_CHECKING:
    from auditor.probes.callgraph import CallGraph
    from auditor.probes.pycode import Code


@dataclass
class Repo:
    """The snapshot, its inventory, and caches of decoded text and parsed modules."""

    snapshot: Snapshot
    inventory: Inventory
    index_cache: IndexCache | None = None  # indexed modules kept between audits
    read_notes: list[ReadNote] = field(default_factory=list)
    _text: dict[str, str | None] = field(default_factory=dict)
    _modules: dict[str, PyModule] | None = None
    _imports: ImportResolver | None = None
    _call_graph: CallGraph | None = None
    _codes: dict[str, Code] = field(default_factory=dict)
    _derived: dict[tuple[str, str], object] | None = None  # from the last audit (`derived`)
    _derived_now: dict[tuple[str, str], object] = field(default_factory=dict)
    _derived_changed: bool = False

    # ----------------------------------------------------------------------------- text
    def text(self, path: str) -> str | None:
        """Decoded text of a readable file, or None (missing, unreadable)."""
        if path in self._text:
            return self._text[path]
        try:
            raw = (self.inventory.root / path).read_bytes()
        except OSError as exc:
            self.read_notes.append(ReadNote(path=path, mode="error", reason=str(exc.strerror)))
            self._text[path] = None
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            self.read_notes.append(
                ReadNote(path=path, mode="latin-1", reason="not valid UTF-8; read as Latin-1")
            )
        self._text[path] = text
        return text

    def derived(self, path: str, text: str, compute: Callable[[str, str], T], kind: type) -> T:
        """What `compute(path, text)` finds in one file alone (an instance of `kind`), kept
        between audits with the index (`save_derived`), so that an unchanged file is not read
        again. `compute` is a module-level function: its qualified name tells results apart."""
        if self._derived is None:
            root = str(self.snapshot.root)
            self._derived = self.index_cache.load_derived(root) if self.index_cache else {}
        key = (f"{compute.__module__}.{compute.__qualname__}", IndexCache.key(path, text))
        found = self._derived.get(key)
        if not isinstance(found, kind):
            found = compute(path, text)
            self._derived_changed = True
        self._derived_now[key] = found
        return cast(T, found)

    def save_derived(self) -> None:
        """Keep what this audit derived from single files, for the next audit of this
        repository (only what its files give now, so the entry does not grow)."""
        if self.index_cache is not None and self._derived_changed:
            self.index_cache.store_derived(str(self.snapshot.root), self._derived_now)

    def files(self, *kinds: FileKind) -> list[FileEntry]:
        """Readable files of these kinds."""
        return self.inventory.of_kind(*kinds)

    def exists(self, path: str) -> bool:
        """Whether a repo path exists (readable or skipped-but-present)."""
        return self.inventory.has(path)

    # --------------------------------------------------------------------------- python
    @property
    def modules(self) -> dict[str, PyModule]:
        """Every Python file and notebook, parsed once, by path (trees freed once indexed)."""
        if self._modules is None:
            sources: list[tuple[str, str]] = []
            line_maps: dict[str, list[int]] = {}
            for entry in self.files(FileKind.PYTHON, FileKind.NOTEBOOK):
                text = self._source(entry, line_maps)
                if text is not None:
                    sources.append((entry.path, text))
            from auditor.probes.structure import record  # NOTE: lazy: the probes import us

            self._modules = index_sources(sources, self.index_cache, annotate=record)
            for path, module in self._modules.items():
                module.line_map = line_maps.get(path)
                self._note_fallback(module)
        return self._modules

    def module(self, path: str) -> PyModule | None:
        """The parsed module at a path, if it is a readable Python file or notebook."""
        return self.modules.get(path)

    def codes(self) -> list[Code]:
        """Every module with the probes' cached lookups (line offsets, scopes), in path order;
        built once, so that each probe does not redo them."""
        if len(self._codes) != len(self.modules):
            from auditor.probes.pycode import Code  # NOTE: lazy: the probes import us

            self._codes = {path: Code(module) for path, module in sorted(self.modules.items())}
        return list(self._codes.values())

    def _source(self, entry: FileEntry, line_maps: dict[str, list[int]]) -> str | None:
        """The Python text of a file: a notebook's code cells, with their .ipynb lines."""
        text = self.text(entry.path)
        if text is None or entry.kind is not FileKind.NOTEBOOK:
            return text
        # NOTE: not kept: only this reads a notebook's JSON, whose images can be megabytes
        del self._text[entry.path]
        source, line_map, error = notebook_source(text)
        if error:
            self.read_notes.append(ReadNote(path=entry.path, mode="error", reason=error))
            return None
        line_maps[entry.path] = line_map
        return source

    def _note_fallback(self, module: PyModule) -> None:
        """Say which files were not read as plain Python 3 (repaired or token by token)."""
        if module.mode is ReadMode.AST:
            return
        how = (
            "read after rewriting Python 2 idioms"
            if module.mode is ReadMode.REPAIRED
            else "read token by token"
        )
        self.read_notes.append(
            ReadNote(path=module.path, mode=module.mode, reason=f"{module.error}; {how}")
        )

    def resolve_import(self, name: str, level: int, importer: str) -> str | None:
        """Repo path of the module `name` imported from `importer` (script or package style)."""
        return self.imports.resolve(name, level, importer)

    @property
    def imports(self) -> ImportResolver:
        """Resolves imported module names to repo paths (built on first use)."""
        if self._imports is None:
            self._imports = ImportResolver(self.modules)
        return self._imports

    def call_graph(self) -> CallGraph:
        """The call graph of the repo's own code, built once and shared by the probes."""
        if self._call_graph is None:
            from auditor.probes.callgraph import CallGraph  # NOTE: lazy: the probes import us

            self._call_graph = CallGraph(self.modules, self.imports)
        return self._call_graph


class ImportResolver:
    """Repo paths of imported modules, by dotted name and by relative level.

    NOTE: kept apart from `Repo` so the call graph can hold it without holding the repo (the
    repo caches the graph; a reference cycle would keep every tree alive until a full garbage
    collection).
    """

    def __init__(self, modules: dict[str, PyModule]) -> None:
        self.modules = modules
        self._by_name: dict[str, list[str]] = {}
        self._resolved: dict[tuple[str, int, str], str | None] = {}
        for path in modules:
            if path.endswith(".py"):
                parts = PurePosixPath(path).with_suffix("").parts
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                for i in range(len(parts)):
                    self._by_name.setdefault(".".join(parts[i:]), []).append(path)
        # first parts of the names a plain import can resolve (`torch.nn` resolves to no repo
        # module unless some repo folder or module is named `torch`); "" for relative names
        self.heads = frozenset({name.partition(".")[0] for name in self._by_name} | {""})

    def resolve(self, name: str, level: int, importer: str) -> str | None:
        """Repo path of the module `name` imported from `importer` (script or package style).

        Cached by the importer's directory: the answer depends only on that.
        """
        key = (name, level, importer.rpartition("/")[0])
        if key not in self._resolved:
            self._resolved[key] = self._resolve(name, level, importer)
        return self._resolved[key]

    def _resolve(self, name: str, level: int, importer: str) -> str | None:
        # NOTE: plain string operations, not PurePosixPath: repo paths are clean POSIX paths,
        # and this runs for every distinct import of every directory
        importer_dir = importer.rpartition("/")[0]
        if level:
            base = importer_dir.split("/") if importer_dir else []
            base = base[: max(len(base) - (level - 1), 0)]
            return self._first_existing([*base, *name.split(".")] if name else base)
        options = self._by_name.get(name, [])
        if not options:
            return None
        # prefer the module next to the importer (scripts run from their own directory)
        return min(options, key=lambda p: (p.rpartition("/")[0] != importer_dir, p.count("/"), p))

    def _first_existing(self, parts: list[str]) -> str | None:
        stem = "/".join(parts)
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            if candidate in self.modules:
                return candidate
        return None


def notebook_source(text: str) -> tuple[str, list[int], str | None]:
    """Code cells of a notebook as one source, with each line's line number in the .ipynb file.

    Magics (`%`, `!`) become comments so the rest still parses.
    """
    try:
        data = json.loads(text)
        cells = data.get("cells") if isinstance(data, dict) else None
        if cells is None and isinstance(data, dict):  # nbformat 3
            cells = [c for ws in data.get("worksheets", []) for c in ws.get("cells", [])]
        if not isinstance(cells, list):
            return "", [], "notebook has no cell list"
    except (json.JSONDecodeError, AttributeError, TypeError) as exc:
        return "", [], f"not a valid notebook: {exc}"
    raw_lines = text.splitlines()
    cursor = 0
    out: list[str] = []
    line_map: list[int] = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        lines = (
            "".join(source).splitlines() if isinstance(source, list) else str(source).splitlines()
        )
        for line in lines:
            file_line, cursor = _find_line(raw_lines, line, cursor)
            stripped = line.lstrip()
            out.append("# " + line if stripped.startswith(("%", "!")) else line)
            line_map.append(file_line)
        out.append("")
        line_map.append(line_map[-1] if line_map else 1)
    return "\n".join(out), line_map, None


def _find_line(raw_lines: list[str], code_line: str, start: int) -> tuple[int, int]:
    """The .ipynb line that holds this code line (JSON-escaped), searching forward."""
    needle = json.dumps(code_line)[1:-1][:60]
    for index in range(start, len(raw_lines)):
        if needle in raw_lines[index]:
            return index + 1, index + 1
    return start + 1 if start < len(raw_lines) else max(len(raw_lines), 1), start
