"""Command-line options of the repository (argparse, click, absl), for seeds in particular.

`FlagIndex` answers "which option fills `args.<dest>`, and what is its default" so that a seed
taken from `args.seed` can name its flag and default. `unused_seed_flags` finds seed options
whose value nobody reads.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Literal

from auditor.facts import SeedProblem, SeedProblemKind
from auditor.probes.seed_apis import source_text
from auditor.pyast import CallSite, PyModule
from auditor.repo import Repo

Style = Literal["argparse", "click", "absl"]

SEED_DEST_RE = re.compile(r"(?:^|_)seeds?$", re.I)
_OPTION_RE = re.compile(r"""['"](-{0,2}[A-Za-z_][\w-]*)['"]""")
_DEFAULT_RE = re.compile(r"\bdefault\s*=\s*([^,)]+)")
_DEST_RE = re.compile(r"""\bdest\s*=\s*['"](\w+)['"]""")


@dataclass(frozen=True)
class FlagDef:
    """One option definition: where it is, what it fills, and its default as source text."""

    path: str
    line: int  # line in the parsed source (map with module.file_line)
    end_line: int
    dest: str
    option: str
    default: str | None
    style: Style


def _style(name: str) -> Style | None:
    last = name.rsplit(".", 1)[-1]
    if last == "add_argument":
        return "argparse"
    if name in {"click.option", "click.argument"}:
        return "click"
    if last.startswith("DEFINE_"):
        return "absl"
    return None


def _dest_of(options: list[str], explicit: str | None, style: Style) -> str | None:
    if explicit:
        return explicit
    if not options:
        return None
    if style == "absl":
        return options[0]
    longs = [o for o in options if o.startswith("--")]
    names = [o for o in options if not o.startswith("-")]
    chosen = names[0] if style == "click" and names else (longs or options)[0]
    return chosen.lstrip("-").replace("-", "_") or None


def _from_node(module: PyModule, call: CallSite, style: Style) -> FlagDef | None:
    assert call.node is not None
    node = call.node
    options = [
        a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]
    if style == "absl":
        options = options[:1]
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    dest_node = keywords.get("dest") or keywords.get("name")
    explicit = dest_node.value if isinstance(dest_node, ast.Constant) else None
    dest = _dest_of(options, explicit if isinstance(explicit, str) else None, style)
    if dest is None:
        return None
    default_node = keywords.get("default")
    if style == "absl" and default_node is None and len(node.args) > 1:
        default_node = node.args[1]
    default = source_text(module, default_node) if default_node is not None else None
    option = options[0] if options else f"--{dest}"
    if style == "absl":
        option = f"--{options[0]}"
    return FlagDef(
        module.path, call.line, node.end_lineno or call.line, dest, option, default, style
    )


def _from_text(module: PyModule, call: CallSite, style: Style) -> FlagDef | None:
    text = module.lines[call.line - 1] if call.line <= len(module.lines) else ""
    options = _OPTION_RE.findall(text.split("(", 1)[-1])
    explicit = _DEST_RE.search(text)
    dest = _dest_of(options[:1] if style == "absl" else options, explicit and explicit[1], style)
    if dest is None:
        return None
    default = _DEFAULT_RE.search(text)
    option = f"--{dest}" if style == "absl" else options[0] if options else f"--{dest}"
    return FlagDef(
        module.path,
        call.line,
        call.line,
        dest,
        option,
        default[1].strip() if default else None,
        style,
    )


class FlagIndex:
    """Every option definition in the repository, by destination name."""

    def __init__(self, repo: Repo) -> None:
        self.by_dest: dict[str, list[FlagDef]] = {}
        for module in repo.modules.values():
            for call in module.calls:
                style = _style(call.name)
                if style is None:
                    continue
                flag = (_from_node if call.node is not None else _from_text)(module, call, style)
                if flag is not None:
                    self.by_dest.setdefault(flag.dest, []).append(flag)

    def lookup(self, dest: str, path: str) -> FlagDef | None:
        """The definition of `dest`: in the same file first, then anywhere in the repo."""
        flags = self.by_dest.get(dest, [])
        same = [f for f in flags if f.path == path]
        chosen = same or flags
        return chosen[0] if chosen else None


def _uses(dest: str, style: Style) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Reads of `dest` anywhere, and wholesale passes of the parsed namespace (same file only:
    another file's `**vars(args)` is another parser's)."""
    # NOTE: `.seed(` is a call (random.seed(seed)), not a read of a parsed namespace.
    reads = [rf"\.\s*{dest}\b(?!\s*\()", rf"""['"]{dest}['"]"""]
    if style == "click":
        reads.append(rf"(?<![\w'\"-]){dest}(?![\w'\"-])")
    wholesale = r"\*\*\s*vars\s*\(|\*\*\s*[\w.]+\.__dict__"
    return re.compile("|".join(reads)), re.compile("|".join([*reads, wholesale]))


def _used(repo: Repo, flag: FlagDef, rivals: set[str]) -> bool:
    """Conservative: any read-like mention of the destination counts as a use, except in
    `rivals`, files that define the same option and so read their own namespace (train.py's
    unused --seed is not used by train_search.py's `args.seed`)."""
    elsewhere, here = _uses(flag.dest, flag.style)
    # NOTE: every read pattern contains the name itself, so a file without it cannot match
    # (a cheap substring test that spares a regex scan of nearly every file)
    literal = flag.dest.isidentifier()
    for path, module in repo.modules.items():
        if path in rivals or (literal and path != flag.path and flag.dest not in module.source):
            continue
        for match in (here if path == flag.path else elsewhere).finditer(module.source):
            if path != flag.path:
                return True
            number = module.source.count("\n", 0, match.start()) + 1
            line = module.lines[number - 1] if number <= len(module.lines) else ""
            in_def = flag.line <= number <= flag.end_line
            if not in_def and not (flag.style == "click" and line.lstrip().startswith("def ")):
                return True
    return False


def unused_seed_flags(repo: Repo, flags: FlagIndex) -> list[SeedProblem]:
    """Seed options (`--seed`, `--random_seed`, ...) whose value is read nowhere in the repo."""
    problems: list[SeedProblem] = []
    for dest, defs in sorted(flags.by_dest.items()):
        if not SEED_DEST_RE.search(dest):
            continue
        for flag in defs:
            if _used(repo, flag, {f.path for f in defs} - {flag.path}):
                continue
            module = repo.module(flag.path)
            assert module is not None
            problems.append(
                SeedProblem(
                    path=flag.path,
                    line=module.file_line(flag.line),
                    snippet=module.snippet(flag.line),
                    kind=SeedProblemKind.UNUSED_SEED_FLAG,
                    message=f"The seed option {flag.option} is defined but its value is never "
                    "read, so no generator is seeded from it.",
                )
            )
    return problems
