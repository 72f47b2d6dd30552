"""Determinism settings beyond seeds: cuDNN flags, deterministic algorithms, environment
variables (in Python, shell scripts, Makefiles, Dockerfiles) and DataLoader worker seeding.

Also finds `worker_init_fn=<a call>` (the call's result, not a function, is passed) and the
`cudnn.benchmark = True` lines that the seeds probe weighs against the seeds it found.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.facts import (
    DeterminismName,
    DeterminismSetting,
    SeedProblem,
    SeedProblemKind,
    clip_snippet,
)
from auditor.inventory import FileKind
from auditor.lazyre import lazy_compile
from auditor.probes.seed_apis import first_argument_text, seed_api, source_text
from auditor.pyast import CallSite, PyModule
from auditor.repo import Repo

Setting = DeterminismName  # the fact contract (auditor/facts.py)
ReturnsNothing = Callable[[PyModule, str, str | None], bool]

_CUDNN: dict[str, Setting] = {
    "torch.backends.cudnn.benchmark": "cudnn.benchmark",
    "torch.backends.cudnn.deterministic": "cudnn.deterministic",
}
_TF_OP_DETERMINISM: Setting = "tf.config.experimental.enable_op_determinism"
_CALLS: dict[str, Setting] = {
    "torch.use_deterministic_algorithms": "use_deterministic_algorithms",
    "torch.set_deterministic": "use_deterministic_algorithms",
    "tensorflow.config.experimental.enable_op_determinism": _TF_OP_DETERMINISM,
}
_ENV: dict[str, Setting] = {
    "PYTHONHASHSEED": "PYTHONHASHSEED",
    "CUBLAS_WORKSPACE_CONFIG": "CUBLAS_WORKSPACE_CONFIG",
    "TF_DETERMINISTIC_OPS": "TF_DETERMINISTIC_OPS",
}
_GENERATOR_TAKERS = frozenset(
    {"DataLoader", "RandomSampler", "random_split", "SubsetRandomSampler", "WeightedRandomSampler"}
)
_TRUE = frozenset({"True", "1"})

_NAMES = "|".join(_ENV)
# NOTE: the patterns are compiled on first use (auditor.lazyre): a second audit of an unchanged
# repository takes each file's settings from the index cache and matches few of them
_ANY_ENV_RE = lazy_compile(_NAMES)
_PY_ENV_RE = lazy_compile(rf"""['"]({_NAMES})['"]\s*(?:\]\s*=(?!=)|[,:])\s*(.+)$""")
_MAGIC_ENV_RE = lazy_compile(rf"%env\s+({_NAMES})\s*=?\s*(\S+)")
_SHELL_ENV_RE = lazy_compile(
    rf"""(?<![\w${{])({_NAMES})\s*(?::=|\?=|=)\s*("[^"]*"|'[^']*'|[^\s;&|]*)"""
)
_DOCKER_ENV_RE = lazy_compile(rf"^\s*ENV\s+({_NAMES})\s+(\S+)")
_TOKEN_CUDNN_RE = lazy_compile(r"cudnn\.(benchmark|deterministic)\s*=(?!=)\s*([^#;]+)")
_TOKEN_WORKER_RE = lazy_compile(r"worker_init_fn\s*=\s*([\w.]+)\s*(\()?")


@dataclass
class DeterminismScan:
    """What the scan found: settings, `worker_init_fn` misuse, and `benchmark = True` lines."""

    settings: list[DeterminismSetting] = field(default_factory=list)
    problems: list[SeedProblem] = field(default_factory=list)
    benchmarks: list[tuple[str, int, str | None]] = field(default_factory=list)  # path, line, scope


def scan(repo: Repo, returns_nothing: ReturnsNothing) -> DeterminismScan:
    """Every determinism setting in the repository's Python code and scripts."""
    out = DeterminismScan()
    for module in repo.modules.values():
        if module.parsed:
            _assigns(module, out)
            _calls(module, out, returns_nothing)
        else:
            _token_module(module, out)
        _python_env(module, out)
    for entry in repo.files(FileKind.SHELL):
        text = repo.text(entry.path)
        if text and _ANY_ENV_RE.search(text):
            _shell_env(entry.path, text, out)
    return out


def _setting(module: PyModule, line: int, setting: Setting, value: str) -> DeterminismSetting:
    return DeterminismSetting(
        path=module.path,
        line=module.file_line(line),
        snippet=module.snippet(line),
        setting=setting,
        value=value,
    )


def _assigns(module: PyModule, out: DeterminismScan) -> None:
    for assign in module.assigns:
        line, scope = assign.line, assign.scope
        setting = _CUDNN.get(assign.target)
        if setting is None or not module.is_live(line):
            continue
        text = source_text(module, assign.value)
        out.settings.append(_setting(module, line, setting, text))
        if setting == "cudnn.benchmark" and text in _TRUE:
            out.benchmarks.append((module.path, line, scope))


def _calls(module: PyModule, out: DeterminismScan, returns_nothing: ReturnsNothing) -> None:
    for call in module.calls:
        setting = _CALLS.get(call.name)
        loader = "worker_init_fn" in call.keywords or "generator" in call.keywords
        if setting is None and not loader:
            continue  # NOTE: most calls: nothing below reads them, nor whether they are live
        if call.span is None or not module.is_live(call.line):  # no node: the token fallback
            continue
        if setting is not None and (node := call.node) is not None:
            args = node.args
            value = source_text(module, args[0]) if args else "True"
            out.settings.append(_setting(module, call.line, setting, value))
        if not loader:
            continue  # NOTE: their node need not be found again
        node = call.node
        assert node is not None
        for keyword in node.keywords:
            if keyword.arg == "worker_init_fn" or (
                keyword.arg == "generator" and call.name.rsplit(".", 1)[-1] in _GENERATOR_TAKERS
            ):
                _loader_keyword(module, call, keyword, out, returns_nothing)


def _loader_keyword(
    module: PyModule,
    call: CallSite,
    keyword: ast.keyword,
    out: DeterminismScan,
    returns_nothing: ReturnsNothing,
) -> None:
    value = keyword.value
    if isinstance(value, ast.Constant) and value.value is None:
        return
    line = getattr(keyword, "lineno", call.line)
    name = keyword.arg
    assert name in {"worker_init_fn", "generator"}
    out.settings.append(
        _setting(
            module,
            line,
            "worker_init_fn" if name == "worker_init_fn" else "generator",
            source_text(module, value),
        )
    )
    if name == "worker_init_fn" and isinstance(value, ast.Call):
        callee = module.qualname(value.func) or ""
        if seed_api(callee) or returns_nothing(module, callee, call.scope):
            out.problems.append(_worker_problem(module, line, source_text(module, value)))


def _worker_problem(module: PyModule, line: int, text: str) -> SeedProblem:
    return SeedProblem(
        path=module.path,
        line=module.file_line(line),
        snippet=module.snippet(line),
        kind=SeedProblemKind.WORKER_INIT_FN_CALLED,
        message=f"worker_init_fn receives the result of {text} (called once, in the main "
        "process) instead of a function, so DataLoader workers are not seeded.",
    )


def _token_module(module: PyModule, out: DeterminismScan) -> None:
    """Files without an AST: find the same settings by pattern."""
    for number, line in enumerate(module.lines, start=1):
        stripped = line.split("#", 1)[0]
        if m := _TOKEN_CUDNN_RE.search(stripped):
            setting = _CUDNN[f"torch.backends.cudnn.{m[1]}"]
            out.settings.append(_setting(module, number, setting, m[2].strip()))
            if setting == "cudnn.benchmark" and m[2].strip() in _TRUE:
                out.benchmarks.append((module.path, number, None))
        worker = _TOKEN_WORKER_RE.search(stripped)
        if worker and worker[2] and seed_api(_qualify(module, worker[1])):
            out.problems.append(_worker_problem(module, number, worker[1] + "(...)"))
    for call in module.calls:
        called = _CALLS.get(call.name)
        if called is not None:
            value = first_argument_text(call.args_text) or "True"
            out.settings.append(_setting(module, call.line, called, value))


def _qualify(module: PyModule, dotted: str) -> str:
    """`np.random.seed` -> `numpy.random.seed` through the module's import aliases."""
    head, dot, rest = dotted.partition(".")
    return module.aliases.get(head, head) + dot + rest


def _python_env(module: PyModule, out: DeterminismScan) -> None:
    if not _ANY_ENV_RE.search(module.source):
        return
    for number, line in enumerate(module.lines, start=1):
        if not _ANY_ENV_RE.search(line) or not module.is_live(number):
            continue
        if m := _MAGIC_ENV_RE.search(line):
            out.settings.append(_setting(module, number, _ENV[m[1]], m[2].strip("'\"")))
        elif module.line_map and line.lstrip().startswith("# !"):  # notebook shell escape
            for m in _SHELL_ENV_RE.finditer(line):
                out.settings.append(_setting(module, number, _ENV[m[1]], m[2].strip("'\"")))
        elif ("environ" in line or "putenv" in line) and (m := _PY_ENV_RE.search(line)):
            value = first_argument_text(m[2]).strip("'\"")
            out.settings.append(_setting(module, number, _ENV[m[1]], value))


def _shell_env(path: str, text: str, out: DeterminismScan) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        code = re.split(r"(?:^|\s)#", line, maxsplit=1)[0]
        for m in [*_SHELL_ENV_RE.finditer(code), *_DOCKER_ENV_RE.finditer(code)]:
            out.settings.append(
                DeterminismSetting(
                    path=path,
                    line=number,
                    snippet=clip_snippet(line),
                    setting=_ENV[m[1]],
                    value=m[2].strip("'\""),
                )
            )
