"""Script invocations: every command in shell text that runs a repository file, resolved.

Also the shell-side facts that come with reading commands: seed loops (`for seed in 0 1 2`),
SLURM array seeds, `time`d commands and clock reads, and `nvidia-smi` / `pip freeze` calls.
Resolution tries the `cd`'d folders, the file's own folder, then the repository root; paths
still holding an unknown `$VAR` are matched by their literal tail, or left out (not guessed).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from auditor.facts import CodeSignal, Facts, ScriptInvocation, clip_snippet
from auditor.inventory import FileKind
from auditor.probes.pycode import Sink
from auditor.probes.shelltext import Block, doc_file_blocks, notebook_blocks, shell_file_blocks
from auditor.repo import Repo
from auditor.shell import SCRIPT_DIR, Command, Loop, Script, parse_lines
from auditor.shellcmd import Invocation, parse_flags, parse_invocation

MAX_INVOCATIONS = 2000
_SUFFIXES = (".sh", ".bash", ".zsh", ".slurm", ".sbatch", ".job", ".pbs", ".py")
_SEED_VAR_RE = re.compile(r"(?i)^(?:\w*seed\w*|s|rs)$")
_ARRAY_ID_RE = re.compile(
    r"SLURM_ARRAY_TASK_ID|PBS_ARRAYID|PBS_ARRAY_INDEX|SGE_TASK_ID|"
    r"LSB_JOBINDEX"
)
_ARRAY_DIRECTIVE_RE = re.compile(r"^(?:SBATCH\s+(?:--array|-a)\b|PBS\s+-[tJ]\b|\$\s+-t\b)")
_UNRESOLVABLE = re.compile(r"[$`*?~{}]")
_CLOCK_RE = re.compile(r"\$\{?(?:SECONDS|EPOCHREALTIME|EPOCHSECONDS)\b|\bdate\s+\+%s")
_CLOCK_WORDS = ("SECONDS", "EPOCHREALTIME", "date")
_ENV_COMMANDS = {"nvidia-smi": "hardware", "lscpu": "hardware", "nvcc": "versions"}
_ENV_PHRASES = (
    ("pip freeze", "versions"),
    ("pip list", "versions"),
    ("conda list", "versions"),
    ("conda env export", "versions"),
    ("collect_env", "versions"),
)


@dataclass
class InvocationScan:
    """Reads every block of shell text once."""

    repo: Repo
    facts: Facts
    seed_loops: Sink = field(init=False)
    timing: Sink = field(init=False)
    environment: Sink = field(init=False)
    _seen: set[tuple[str, int, str]] = field(default_factory=set)
    _tails: dict[str, list[str]] | None = None
    _dirs: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.seed_loops = Sink(self.facts.seed_loops)
        self.timing = Sink(self.facts.timing_code)
        self.environment = Sink(self.facts.environment_recording)

    def run(self) -> None:
        """Parse all shell text and record invocations and shell-side signals."""
        for block, script in _scripts(self.repo):
            seed_loops = _seed_loops(script)
            for loop in seed_loops:
                self.seed_loops.add_located(
                    CodeSignal(
                        path=block.path,
                        line=loop.line,
                        snippet=clip_snippet(loop.text),
                        kind="shell_seed_loop",
                        detail=f"for {loop.var} in {loop.items}"[:200],
                    )
                )
            self._array_seeds(block, script)
            for command in script.commands:
                self._command(block, script, command, seed_loops)
            if not block.doc:
                self._clock(block)

    def _command(
        self, block: Block, script: Script, command: Command, seed_loops: list[Loop]
    ) -> None:
        if not block.doc:
            self._environment(block, command)
            if command.timed:
                self.timing.add_located(
                    CodeSignal(
                        path=block.path,
                        line=command.line,
                        snippet=clip_snippet(command.text),
                        kind="elapsed",
                        detail="shell time",
                    )
                )
        invocation = parse_invocation(command.words, script.functions)
        if invocation is None or len(self.facts.script_invocations) >= MAX_INVOCATIONS:
            return
        resolved, skip = self._resolve(block, command, invocation)
        if invocation.shell and resolved is None and not invocation.script.endswith(_SUFFIXES):
            skip = True  # `source activate env`, `sbatch --wrap`: not a repo file
        key = (block.path, command.line, invocation.script)
        if skip or key in self._seen:
            return
        self._seen.add(key)
        flags = invocation.flags
        in_loop = any(loop in seed_loops for loop in command.loops) or _array_seed(flags)
        self.facts.script_invocations.append(
            ScriptInvocation(
                path=block.path,
                line=command.line,
                snippet=clip_snippet(command.text),
                script=invocation.script,
                resolved=resolved,
                flags=flags,
                in_seed_loop=in_loop,
            )
        )

    # -------------------------------------------------------------------------- resolving
    def _bases(self, block: Block, command: Command) -> list[str]:
        """Folders to resolve from: the `cd` chain (and its tails: README lines each `cd` from
        the top), from the file's folder and from the root; then the file's folder, the root."""
        bases: list[str] = []
        for start in (block.base, ""):
            for first in range(len(command.cwd)):
                folder = self._apply_cd(start, block.base, command.cwd[first:])
                if folder is not None:
                    bases.append(folder)
        bases += [block.base, ""]
        return list(dict.fromkeys(b for b in bases if not b.startswith("..")))

    @staticmethod
    def _apply_cd(start: str, own: str, steps: tuple[str, ...]) -> str | None:
        folder = start
        for step in steps:
            if step.startswith(SCRIPT_DIR):
                folder = _join(own, step[len(SCRIPT_DIR) :].lstrip("/"))
            elif step.startswith(("/", "~")):
                return None
            else:
                folder = _join(folder, step)
        return folder

    def _resolve(self, block: Block, command: Command, inv: Invocation) -> tuple[str | None, bool]:
        """(repo path or None, skip): skip when the path cannot be judged (unknown $VAR)."""
        script = inv.script
        if script.startswith(SCRIPT_DIR):
            return self._existing([_join(block.base, script[len(SCRIPT_DIR) :].lstrip("/"))]), False
        if _UNRESOLVABLE.search(script) or script.startswith("/"):
            return self._by_tail(script)
        bases = self._bases(block, command)
        if inv.module:
            rel = script.replace(".", "/")
            found = self._existing(
                [
                    _join(b, rel + suffix)
                    for b in bases
                    for suffix in (".py", "/__main__.py", "/__init__.py")
                ]
            )
            top = script.split(".")[0]
            known = any(
                self.repo.exists(_join(b, top + ".py")) or self._is_dir(_join(b, top))
                for b in bases
            )
            return found, found is None and not known
        return self._existing([_join(b, script) for b in bases]), False

    def _existing(self, candidates: list[str]) -> str | None:
        for path in candidates:
            if path and not path.startswith("..") and self.repo.exists(path):
                return path
        return None

    def _is_dir(self, folder: str) -> bool:
        return bool(folder) and folder in self._index()[1]

    def _index(self) -> tuple[dict[str, list[str]], set[str]]:
        """Repo paths by file name, and every folder (built once, on first need)."""
        if self._tails is None:
            self._tails, self._dirs = {}, set()
            for path in sorted(self.repo.inventory.existing):
                self._tails.setdefault(path.rsplit("/", 1)[-1], []).append(path)
                folder = path.rpartition("/")[0]
                while folder and folder not in self._dirs:  # its parents are in too
                    self._dirs.add(folder)
                    folder = folder.rpartition("/")[0]
        return self._tails, self._dirs

    def _by_tail(self, script: str) -> tuple[str | None, bool]:
        """`$DIR/cnn/train.py` or `/abs/repo/cnn/train.py`: the unique repo file ending so."""
        parts = [p for p in script.split("/") if p]
        tail: list[str] = []
        for part in reversed(parts):
            if _UNRESOLVABLE.search(part) or part in {".", ".."}:
                break
            tail.insert(0, part)
        if not tail:
            return None, True
        suffix = "/".join(tail)
        matches = [
            p for p in self._index()[0].get(tail[-1], []) if p == suffix or p.endswith("/" + suffix)
        ]
        return (matches[0], False) if len(matches) == 1 else (None, True)

    # ----------------------------------------------------------------------- shell facts
    def _array_seeds(self, block: Block, script: Script) -> None:
        users = [c for c in script.commands if _may_array_seed(c.words)]
        if not users:
            return
        arrays = [(n, d) for n, d in script.directives if _ARRAY_DIRECTIVE_RE.match(d)]
        line, text = arrays[0] if arrays else (users[0].line, users[0].text)
        self.seed_loops.add_located(
            CodeSignal(
                path=block.path,
                line=line,
                snippet=clip_snippet(text),
                kind="slurm_array_seed",
                detail=text[:200],
            )
        )

    def _environment(self, block: Block, command: Command) -> None:
        words = command.words
        kind = _ENV_COMMANDS.get(words[0]) if words else None
        joined = " ".join(words)
        kind = kind or next((k for phrase, k in _ENV_PHRASES if phrase in joined), None)
        if kind:
            self.environment.add_located(
                CodeSignal(
                    path=block.path,
                    line=command.line,
                    snippet=clip_snippet(command.text),
                    kind=kind,
                    detail=joined[:80],
                )
            )

    def _clock(self, block: Block) -> None:
        # NOTE: most blocks read no clock; each match holds one of these words
        text = "\n".join(line for _, line in block.lines)
        if not any(word in text for word in _CLOCK_WORDS):
            return
        for number, line in block.lines:
            if _CLOCK_RE.search(line) and not line.lstrip().startswith("#"):
                self.timing.add_located(
                    CodeSignal(
                        path=block.path,
                        line=number,
                        snippet=clip_snippet(line),
                        kind="elapsed",
                        detail="shell clock",
                    )
                )
                return


def _join(base: str, rel: str) -> str:
    joined = posixpath.normpath(posixpath.join(base, rel)) if base else posixpath.normpath(rel)
    return "" if joined == "." else joined


def _array_seed(flags: dict[str, str]) -> bool:
    return any("seed" in k.lower() and _ARRAY_ID_RE.search(v) for k, v in flags.items())


def _may_array_seed(words: tuple[str, ...]) -> bool:
    """`_array_seed` of the command's flags; the cheap tests first (keys and values are parts
    of the joined words, so a flag can only match where the joined words do)."""
    joined = " ".join(words)
    return (
        "seed" in joined.lower()
        and bool(_ARRAY_ID_RE.search(joined))
        and _array_seed(parse_flags(words))
    )


def _scripts(repo: Repo) -> list[tuple[Block, Script]]:
    """Every block of shell text with what it says (scripts and docs parsed once per file
    content: `Repo.derived`): scripts, then docs, then notebooks."""
    out: list[tuple[Block, Script]] = []
    for entry in repo.files(FileKind.SHELL):
        text = repo.text(entry.path)
        if text is not None:
            out.extend(repo.derived(entry.path, text, shell_file_scripts, list))
    for entry in repo.files(FileKind.DOC):
        text = repo.text(entry.path)
        if text is not None:
            out.extend(repo.derived(entry.path, text, doc_file_scripts, list))
    out.extend((block, parse_lines(block.lines)) for block in notebook_blocks(repo))
    return out


def shell_file_scripts(path: str, text: str) -> list[tuple[Block, Script]]:
    """One script, Makefile or Dockerfile: its blocks, parsed."""
    return [(block, parse_lines(block.lines)) for block in shell_file_blocks(path, text)]


def doc_file_scripts(path: str, text: str) -> list[tuple[Block, Script]]:
    """One README or docs file: its shell blocks, parsed."""
    return [(block, parse_lines(block.lines)) for block in doc_file_blocks(path, text)]


def _seed_loops(script: Script) -> list[Loop]:
    """Loops over seeds: named so, iterating a seed list, or passing the variable as --seed."""
    found: list[Loop] = []
    for loop in script.loops:
        if not loop.var:
            continue
        if _SEED_VAR_RE.match(loop.var) or "seed" in loop.items.lower():
            found.append(loop)
    for command in script.commands:
        if not command.loops or "seed" not in " ".join(command.words).lower():
            continue  # NOTE: no flag named for seeds, nothing to find (saves parse_flags)
        flags = parse_flags(command.words)
        for loop in command.loops:
            if loop in found or not loop.var:
                continue
            use = re.compile(
                r"\$\{?" + re.escape(loop.var) + r"\b|\$\(\(\s*" + re.escape(loop.var) + r"\b"
            )
            if any("seed" in k.lower() and use.search(v) for k, v in flags.items()):
                found.append(loop)
    return found
