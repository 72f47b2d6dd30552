"""Experiment design signals outside single functions: ablation switches and scripts, seed
lists in configs, per-seed result files, reduced-fidelity options, time columns in tables.

Options are read from `add_argument` / `click.option` / absl `DEFINE_*` calls; config keys
through the shared config parser (the hyperparams probe reads the same small files).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from auditor.facts import CodeSignal, Facts, clip_snippet
from auditor.inventory import FileKind
from auditor.probes.methods import MethodScan
from auditor.probes.pycode import Code, Sink, keyword, last, str_args
from auditor.pyast import CallSite
from auditor.repo import Repo

if TYPE_CHECKING:
    from auditor.probes.configparse import Format

MAX_CONFIG_BYTES = 256 * 1024
MAX_TABLE_BYTES = 2 * 1024 * 1024
_FORMATS: dict[str, Format] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
}
_OPTION_CALLS = frozenset(
    {
        "add_argument",
        "option",
        "DEFINE_bool",
        "DEFINE_boolean",
        "DEFINE_string",
        "DEFINE_enum",
        "DEFINE_integer",
        "DEFINE_float",
    }
)
_ABLATION_RE = re.compile(r"(?i)ablat")
_SWITCH_RE = re.compile(r"(?i)^(?:no|without|disable|use)[-_]\w+")
_INFRA_RE = re.compile(
    r"(?i)cuda|gpu|cpu|cache|log|wandb|tensorboard|\btb\b|save|plot|tqdm|amp"
    r"|progress|download|pin_memory|multiprocess|distributed|ddp|verbose|debug"
    r"|resume|checkpoint|mlflow|comet|visdom|fp16|half|jit|compile|determin"
    r"|benchmark|color|profil|parallel|workers|shuffle|print|cudnn|seed"
    # NOTE: optimiser, normalisation-layer and export options tune the recipe or the artefact,
    # not a component of the method: --no_nesterov, --no-wd-bn, use_bn, --no-onnxsim, use_tpu.
    r"|nesterov|momentum|weight_decay|onnx|export|(?:^|[-_.])(?:tpu|wd|bn|ema)(?:$|[-_])"
)
_LOWER_FIDELITY_KEY_RE = re.compile(
    r"(?i)^(?:train_portion|data_portion|subset_?\w*|"
    r"data_fraction|train_fraction|\w*fidelity|min_budget|"
    r"max_budget)$"
)
_SEED_KEY_RE = re.compile(r"(?i)^(?:seeds|\w+_seeds|seed_list|seed)$")
_PER_SEED_RE = re.compile(r"(?i)seed[_\-=]?(\d+)")
_TIME_COLUMN_RE = re.compile(
    r"(?i)\b(?:runtime|wall_?clock|wall_?time|elapsed\w*|time|"
    r"seconds|budget|time_s)\b"
)
_METRIC_COLUMN_RE = re.compile(r"(?i)acc|err|loss|regret|valid|test|perf|score|incumbent")


@dataclass
class ExperimentScan:
    """Repository-wide readers for ablations, seed lists, per-seed files and time tables."""

    repo: Repo
    facts: Facts
    methods: MethodScan
    ablations: Sink = field(init=False)
    seed_loops: Sink = field(init=False)
    curves: Sink = field(init=False)

    def __post_init__(self) -> None:
        self.ablations = Sink(self.facts.ablations)
        self.seed_loops = Sink(self.facts.seed_loops)
        self.curves = Sink(self.facts.time_curves)

    def run(self, codes: list[Code]) -> None:
        """All signals of this family."""
        for code in codes:
            self._options(code)
        self._configs()
        self._script_flags()
        self._files()
        self._tables()

    def _options(self, code: Code) -> None:
        for call in code.module.calls:
            if last(call.name) not in _OPTION_CALLS:
                continue
            names = [
                a
                for a in str_args(call)
                if a.startswith("-") or call.name.startswith(("absl", "flags", "tensorflow"))
            ]
            for option in names[:2]:
                bare = option.lstrip("-")
                if _ABLATION_RE.search(bare) or (
                    _SWITCH_RE.match(bare) and _is_switch(call) and not _INFRA_RE.search(bare)
                ):
                    self.ablations.add(code, call.line, "ablation_flag", option)
                if _LOWER_FIDELITY_KEY_RE.match(bare.replace("-", "_")):
                    self.methods.shortcuts.add(code, call.line, "lower_fidelity", option)

    def _configs(self) -> None:
        sinks = {
            "config_seed_list": self.seed_loops,
            "ablation_flag": self.ablations,
            "lower_fidelity": self.methods.shortcuts,
        }
        for entry in self.repo.files(FileKind.CONFIG):
            if PurePosixPath(entry.path).suffix.lower() not in _FORMATS:
                continue
            text = self.repo.text(entry.path) if entry.size <= MAX_CONFIG_BYTES else None
            if text is not None:
                for signal in self.repo.derived(entry.path, text, config_signals, list):
                    sinks[signal.kind].add_located(signal)

    def _script_flags(self) -> None:
        for inv in self.facts.script_invocations:
            for flag in inv.flags:
                if _ABLATION_RE.search(flag):
                    self.ablations.add_located(
                        CodeSignal(
                            path=inv.path,
                            line=inv.line,
                            snippet=inv.snippet,
                            kind="ablation_flag",
                            detail=flag,
                        )
                    )

    def _files(self) -> None:
        """Files and folders named *ablation*, and result files that differ only by a seed."""
        groups: dict[str, dict[str, str]] = {}
        ablation_dirs: set[str] = set()
        for path in sorted(self.repo.inventory.existing):
            parts = path.split("/")
            hit = next((i for i, part in enumerate(parts) if _ABLATION_RE.search(part)), None)
            if hit is not None and self.repo.exists(path):
                where = "/".join(parts[: hit + 1])
                if where == path or where not in ablation_dirs:
                    ablation_dirs.add(where)
                    self.ablations.add_located(
                        CodeSignal(path=path, kind="ablation_script", detail=where)
                    )
            if path.endswith((".py", ".sh", ".ipynb")):
                continue
            for index in range(len(parts) - 1, -1, -1):
                if match := _PER_SEED_RE.search(parts[index]):
                    pattern = "/".join([*parts[:index], _PER_SEED_RE.sub("seed{N}", parts[index])])
                    groups.setdefault(pattern, {}).setdefault(match.group(1), path)
                    break
        for pattern, by_seed in sorted(groups.items()):
            if len(by_seed) >= 2:
                seeds = sorted(by_seed, key=lambda s: (len(s), s))
                self.seed_loops.add_located(
                    CodeSignal(
                        path=by_seed[seeds[0]],
                        kind="per_seed_logs",
                        detail=f"{pattern}: {', '.join(seeds[:20])}",
                    )
                )

    def _tables(self) -> None:
        """CSV/TSV tables with a time column next to a metric column (anytime results)."""
        for entry in self.repo.files(FileKind.DATA, FileKind.LOG):
            if not entry.path.endswith((".csv", ".tsv")) or entry.size > MAX_TABLE_BYTES:
                continue
            text = self.repo.text(entry.path) or ""
            header = text.split("\n", 1)[0][:1000]
            if _TIME_COLUMN_RE.search(header) and _METRIC_COLUMN_RE.search(header):
                self.curves.add_located(
                    CodeSignal(
                        path=entry.path,
                        line=1,
                        snippet=clip_snippet(header),
                        kind="anytime",
                        detail=f"columns: {header[:120]}",
                    )
                )


def _is_switch(call: CallSite) -> bool:
    """A boolean option: store_true/store_false, type=bool, or a True/False default."""
    if call.node is None:
        return True
    action, default, kind = (keyword(call, k) for k in ("action", "default", "type"))
    return (
        (isinstance(action, ast.Constant) and action.value in ("store_true", "store_false"))
        or (isinstance(default, ast.Constant) and isinstance(default.value, bool))
        or (isinstance(kind, ast.Name) and kind.id == "bool")
        or "DEFINE_bool" in call.name
    )


def config_signals(path: str, text: str) -> list[CodeSignal]:
    """Seed lists, ablation switches and lower-fidelity settings of one config file (kept
    between audits: `Repo.derived`)."""
    from auditor.probes.configparse import parse_config  # NOTE: lazy, as in `config_facts`

    lines = text.splitlines()
    out: list[CodeSignal] = []
    for item in parse_config(text, _FORMATS[PurePosixPath(path).suffix.lower()]).entries:
        if item.in_list or not item.path:
            continue
        dotted = ".".join(item.path)
        kind = _config_kind(item.path[-1], item.scalar, item.items)
        if kind == "config_seed_list":
            detail = f"{dotted}: [{', '.join(item.items[:20])}]"
        elif kind in {"ablation_flag", "lower_fidelity"}:
            detail = dotted
        else:
            continue
        line = item.line if item.line and item.line <= len(lines) else None
        snippet = clip_snippet(lines[line - 1]) if line else None
        out.append(CodeSignal(path=path, line=line, snippet=snippet, kind=kind, detail=detail))
    return out


def _config_kind(key: str, scalar: tuple[str, str] | None, items: tuple[str, ...]) -> str | None:
    if _SEED_KEY_RE.match(key) and len(items) >= 2:
        return "config_seed_list"
    if _ABLATION_RE.search(key) or (
        _SWITCH_RE.match(key)
        and scalar is not None
        and scalar[1] == "bool"
        and not _INFRA_RE.search(key)
    ):
        return "ablation_flag"
    if _LOWER_FIDELITY_KEY_RE.match(key) and scalar is not None:
        return "lower_fidelity"
    return None
