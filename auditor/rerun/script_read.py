"""A light AST read of an entry-point script, for the inferred recipe (never imported).

Finds the argparse flags that set the seed and the number of epochs, and the print/logging
format strings that look like a metric ('valid_acc %f', 'Valid Acc: {:.2f}', f-strings).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from auditor.pyast import parse_module

SEED_FLAGS = ("--seed", "--random_seed", "--random-seed", "--rng_seed", "--rng-seed")
EPOCH_FLAGS = (
    "--epochs",
    "--n_epochs",
    "--n-epochs",
    "--num_epochs",
    "--num-epochs",
    "--max_epochs",
    "--max-epochs",
)
MAX_SCRIPT_BYTES = 2 * 1024 * 1024
NUMBER = r"([-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|nan|inf))"

_PLACEHOLDER = r"%[-+ 0#]*\d*(?:\.\d+)?[dfeEgGis]|\{[^{}]*\}"
_METRIC_RE = re.compile(
    r"(?<![%\w])(?P<label>(?:[A-Za-z][\w/-]*\s)?(?=[A-Za-z])[\w/-]*?"
    r"(?:acc|accuracy|top1|top-1|err|error|loss|ppl|perplexity)\w*)"
    rf"(?P<sep>\s*[:=]?\s*)(?:{_PLACEHOLDER})",
    re.IGNORECASE,
)
_INTERESTING_RE = re.compile(r"add_argument|print|log|basicConfig|StreamHandler")
_STDOUT_LOGGING_RE = re.compile(r"(?:basicConfig|StreamHandler)\([^()]*?sys\.stdout", re.DOTALL)
_LOG_METHODS = frozenset({"info", "debug", "warning", "error", "critical", "log"})


@dataclass(frozen=True)
class Flag:
    """One add_argument option of interest."""

    name: str
    line: int
    default: str | None
    path: str | None = None  # the repo module declaring it, when not the script itself


@dataclass(frozen=True)
class MetricGuess:
    """A metric the script appears to print."""

    name: str
    pattern: str
    goal: Literal["max", "min"]
    stream: Literal["stdout", "stderr"]
    line: int
    text: str
    score: int


def parse_script(path: str, source: str) -> ast.Module | None:
    """The module's AST (Python 2 idioms repaired); for a file that still does not parse, the
    single-line statements that matter here, parsed one by one (line numbers kept)."""
    if len(source) > MAX_SCRIPT_BYTES:
        return None
    tree = parse_module(path, source).tree
    return tree if tree is not None else _line_wise(source)


def _line_wise(source: str) -> ast.Module:
    body: list[ast.stmt] = []
    for number, line in enumerate(source.splitlines(), start=1):
        text = line.strip()
        if not _INTERESTING_RE.search(text):
            continue
        try:
            part = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            continue
        body.extend(ast.increment_lineno(part, number - 1).body)
    return ast.Module(body=body, type_ignores=[])


def _calls(tree: ast.Module) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def find_flag(tree: ast.Module, names: tuple[str, ...]) -> Flag | None:
    """The first add_argument call declaring one of `names` (in `names` order)."""
    found: dict[str, Flag] = {}
    for call in _calls(tree):
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_argument"):
            continue
        options = [a.value for a in call.args if isinstance(a, ast.Constant)]
        default = next((ast.unparse(k.value) for k in call.keywords if k.arg == "default"), None)
        for option in options:
            if option in names and option not in found:
                found[option] = Flag(option, call.lineno, default)
    return next((found[n] for n in names if n in found), None)


def helper_modules(tree: ast.Module, script: str) -> list[tuple[str, str]]:
    """(module path, function) of repo helpers the script hands its parser to.

    Shared flags often live in a helper (`utils.add_common_args(parser)`); the seed flag of
    DARTS-style code is declared there, not in the script. Paths are repo-relative guesses
    (`utils.py`, `pkg/utils.py` next to the script); the caller checks they exist.
    """
    parsers = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and _callee(node.value).endswith("ArgumentParser")
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    imported = _imported_modules(tree)
    folder = str(PurePosixPath(script).parent)
    found: list[tuple[str, str]] = []
    for call in _calls(tree):
        passes_parser = any(isinstance(a, ast.Name) and a.id in parsers for a in call.args)
        func = call.func
        if not passes_parser or not isinstance(func, ast.Attribute):
            continue
        if isinstance(func.value, ast.Name) and func.value.id in imported:
            module = imported[func.value.id].replace(".", "/") + ".py"
            path = module if folder == "." else f"{folder}/{module}"
            found.append((path, func.attr))
    return found


def find_flag_in_function(
    tree: ast.Module, function: str, names: tuple[str, ...], path: str
) -> Flag | None:
    """`find_flag` restricted to one top-level function of a helper module."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            flag = find_flag(ast.Module(body=node.body, type_ignores=[]), names)
            return Flag(flag.name, flag.line, flag.default, path) if flag else None
    return None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _imported_modules(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted module, for `import x`, `import x as y`, `from pkg import x`."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _template(node: ast.expr) -> str | None:
    """A format string as text: plain, %-formatted, .format()-ed, or an f-string ({})."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _template(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _template(node.func.value) if node.func.attr == "format" else None
    if isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
        return "".join(str(p) for p in parts)
    return None


def _stream(call: ast.Call, logging_to_stdout: bool) -> Literal["stdout", "stderr"] | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id == "print":
        to = next((ast.unparse(k.value) for k in call.keywords if k.arg == "file"), "")
        return "stderr" if to.endswith("stderr") else "stdout"
    if isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS:
        return "stdout" if logging_to_stdout else "stderr"
    return None


def logs_to_stdout(source: str) -> bool:
    """logging.basicConfig(stream=sys.stdout) or StreamHandler(sys.stdout) in the source."""
    return bool(_STDOUT_LOGGING_RE.search(source))


def _score(label: str) -> tuple[int, Literal["max", "min"]]:
    low = label.lower()
    higher_better = any(k in low for k in ("acc", "top1", "top-1"))
    split = any(k in low for k in ("valid", "val", "test", "eval"))
    return (4 if higher_better else 2) + (1 if split else 0), "max" if higher_better else "min"


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "metric"


def guess_metrics(tree: ast.Module, source: str) -> list[MetricGuess]:
    """Metric-like format strings in print/logging calls, best first."""
    to_stdout = logs_to_stdout(source)
    guesses: list[MetricGuess] = []
    for call in _calls(tree):
        stream = _stream(call, to_stdout)
        texts = [t for a in call.args if (t := _template(a)) is not None] if stream else []
        for text in texts:
            for match in _METRIC_RE.finditer(text):
                label = match.group("label")
                score, goal = _score(label)
                pattern = re.escape(label + match.group("sep")).replace("\\ ", " ") + NUMBER
                guesses.append(
                    MetricGuess(
                        _slug(label),
                        pattern,
                        goal,
                        stream or "stdout",
                        call.lineno,
                        text[:120],
                        score,
                    )
                )
    return sorted(guesses, key=lambda g: (-g.score, g.line))
