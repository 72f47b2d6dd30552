"""Hyperparameters a repository exposes: command-line options, hydra entry points, constants
hard-coded in entry scripts, and config files.

Sources: argparse `add_argument` (any receiver in a module that imports argparse, or one made by
`ArgumentParser`/`add_argument_group`/`add_parser`, or named like a parser or group), click
options, absl/`tf.app.flags` `DEFINE_*` (or any `DEFINE_*("name", ...)`: repos wrap them),
`@hydra.main`, and numeric constants with a hyperparameter name in `main`/`train`/`run` or at
module level of entry scripts. Config files are read by `configfiles`.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator
from typing import Literal

from auditor.facts import Facts, Hyperparameter
from auditor.lazyre import lazy_compile
from auditor.probes import configfiles
from auditor.probes.seed_apis import first_argument_text
from auditor.pyast import CallSite, PyModule
from auditor.repo import Repo

Source = Literal["argparse", "click", "absl", "hydra"]

MAX_HYPERPARAMETERS = 2000
BOOL_PITFALL = "type=bool: any non-empty string, including 'False', parses as True"
STORE_TRUE_PITFALL = "action='store_true' with default=True: the flag can never be switched off"
STORE_FALSE_PITFALL = "action='store_false' with default=False: the flag can never be switched on"
CONSTANT_NAMES = frozenset(
    {
        "lr",
        "learning_rate",
        "lr_min",
        "min_lr",
        "epochs",
        "n_epochs",
        "num_epochs",
        "max_epochs",
        "batch_size",
        "weight_decay",
        "momentum",
        "seed",
        "dropout",
        "drop_path_prob",
        "grad_clip",
        "arch_learning_rate",
        "arch_weight_decay",
        "warmup_epochs",
        "label_smoothing",
    }
)
CONSTANT_SCOPES = frozenset({"main", "train", "run"})
_PARSER_MAKERS = (
    "ArgumentParser",
    "ArgParser",
    "add_argument_group",
    "add_parser",
    "add_mutually_exclusive_group",
)
# NOTE: the patterns are compiled on first use (auditor.lazyre): a second audit of an unchanged
# repository takes each module's arguments from the index cache and matches none of them
_PARSER_LIKE_RE = lazy_compile(r"(?i)pars|group")
_ABSL_TYPES = {
    "integer": "int",
    "float": "float",
    "string": "str",
    "boolean": "bool",
    "bool": "bool",
}
_TOKEN_STR_RE = lazy_compile(r"""(['"])(.*?)\1""")
_TOKEN_KW_RE = lazy_compile(r"\b(default|type|help)\s*=\s*([^,)]+)")
_TOKEN_POS2_RE = lazy_compile(r"""^\s*(['"]).*?\1\s*,\s*([^,)=]+?)\s*[,)]""")


def run(repo: Repo, facts: Facts) -> None:
    """Record every hyperparameter in code and configs, and every ML config file."""
    found: list[Hyperparameter] = []
    hydra_dirs: list[str] = []
    entry_paths = {e.path for e in facts.entry_points}
    for path, module in repo.modules.items():
        is_entry = path in entry_paths or module.main_guard_lines is not None
        found.extend(module_hyperparameters(module, is_entry, hydra_dirs))
        if len(found) >= MAX_HYPERPARAMETERS:
            break
    configs, from_configs = configfiles.read_configs(repo, hydra_dirs)
    found.extend(from_configs)
    facts.hyperparameters.extend(found[:MAX_HYPERPARAMETERS])
    facts.configs.extend(configs)


def module_hyperparameters(
    module: PyModule, is_entry: bool, hydra_dirs: list[str]
) -> Iterator[Hyperparameter]:
    """Options, hydra configs and constants of one module, in line order per kind."""
    argparse_ok = _imports_argparse(module)
    parsers: set[str] | None = None  # only computed for modules that call add_argument
    for call in module.calls:
        if not module.is_live(call.line):
            continue
        last = call.name.rsplit(".", 1)[-1]
        if last == "add_argument" and "." in call.name:
            receiver = call.name.rsplit(".", 1)[0]
            parsers = _parser_names(module) if parsers is None else parsers
            if argparse_ok or receiver in parsers or _PARSER_LIKE_RE.search(receiver):
                yield from _option(module, call, "argparse")
        elif call.name in {"click.option", "click.argument"}:
            yield from _option(module, call, "click")
        elif last.startswith("DEFINE_") and ("flags" in call.name.split(".") or _names_flag(call)):
            yield from _absl(module, call, last)
        elif call.name == "hydra.main":
            yield from _hydra(module, call, hydra_dirs)
    if is_entry:
        yield from _constants(module)


def _imports_argparse(module: PyModule) -> bool:
    return any(
        name.split(".")[0] in {"argparse", "configargparse"}
        for name, _level, _line in module.imports
    )


def _names_flag(call: CallSite) -> bool:
    """A `DEFINE_*` call from anywhere that names its flag first (ENAS's own `DEFINE_string`
    wrappers of `tf.app.flags`); the wrappers' inner calls pass a variable and are left out."""
    node = call.node
    if node is None:
        return first_argument_text(call.args_text)[:1] in {"'", '"'}
    first = (
        node.args[0]
        if node.args
        else next((k.value for k in node.keywords if k.arg == "name"), None)
    )
    return _const_str(first) is not None


def _parser_names(module: PyModule) -> set[str]:
    """Names bound to argparse parsers or groups (`parser = argparse.ArgumentParser()`)."""
    names: set[str] = set()
    for assign in module.assigns:
        if assign.made_by is not None and assign.made_by.endswith(_PARSER_MAKERS):
            names.add(assign.target)
    return names


def _record(
    module: PyModule,
    call: CallSite,
    source: Source,
    name: str,
    default: str | None,
    type_: str | None,
    help_: str | None = None,
    pitfall: str | None = None,
) -> Hyperparameter:
    end = call.span[2] if call.span is not None else None
    return Hyperparameter(
        path=module.path,
        line=module.file_line(call.line),
        snippet=module.snippet(call.line, end),
        name=name,
        default=default,
        type=type_,
        help=help_,
        source=source,
        pitfall=pitfall,
    )


def _option(module: PyModule, call: CallSite, source: Source) -> Iterator[Hyperparameter]:
    """An argparse `add_argument` or a click option/argument."""
    if call.node is None:
        yield from _token_option(module, call, source)
        return
    flags = [
        a.value for a in call.node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]
    if source == "click":
        flags = [f.split("/", 1)[0].strip() for f in flags]
    kw = {k.arg: k.value for k in call.node.keywords if k.arg}
    name = (
        next((f for f in flags if f.startswith("--")), None)
        or _const_str(kw.get("dest"))
        or (flags[0] if flags else None)
    )
    if not name:
        return
    default = _text(module, kw.get("default"))
    action = _const_str(kw.get("action"))
    if default is None and action in {"store_true", "store_false"}:
        default = "False" if action == "store_true" else "True"  # argparse's implied default
    yield _record(
        module,
        call,
        source,
        name,
        default,
        _text(module, kw.get("type")),
        _help(module, kw.get("help")),
        _pitfall(kw, action),
    )


def _pitfall(kw: dict[str, ast.expr], action: str | None) -> str | None:
    type_node = kw.get("type")
    if isinstance(type_node, ast.Name) and type_node.id == "bool":
        return BOOL_PITFALL
    default = kw.get("default")
    value = default.value if isinstance(default, ast.Constant) else None
    if action == "store_true" and value is True:
        return STORE_TRUE_PITFALL
    if action == "store_false" and value is False:
        return STORE_FALSE_PITFALL
    return None


def _absl(module: PyModule, call: CallSite, last: str) -> Iterator[Hyperparameter]:
    """`flags.DEFINE_float("lr", 0.1, "help")`: name, default, help (after enum_values)."""
    kind = last.removeprefix("DEFINE_")
    if call.node is None:
        yield from _token_option(module, call, "absl", kind)
        return
    args, kw = call.node.args, {k.arg: k.value for k in call.node.keywords if k.arg}
    help_index = 3 if kind.startswith("enum") else 2
    name = _const_str(kw.get("name") or (args[0] if args else None))
    if not name:
        return
    default = kw.get("default") or (args[1] if len(args) > 1 else None)
    help_node = kw.get("help") or (args[help_index] if len(args) > help_index else None)
    yield _record(
        module,
        call,
        "absl",
        name,
        _text(module, default),
        _ABSL_TYPES.get(kind, kind),
        _help(module, help_node),
    )


def _hydra(module: PyModule, call: CallSite, hydra_dirs: list[str]) -> Iterator[Hyperparameter]:
    """`@hydra.main(config_path=..., config_name=...)`: the config it loads and its folder.

    The record's name is the config name, its default the config folder as a repo path.
    """
    if call.node is None:
        return
    kw = {k.arg: k.value for k in call.node.keywords if k.arg}
    config_path = _const_str(
        kw.get("config_path") or (call.node.args[0] if call.node.args else None)
    )
    config_name = _const_str(
        kw.get("config_name") or (call.node.args[1] if len(call.node.args) > 1 else None)
    )
    folder = None
    if config_path and "://" not in config_path:
        folder = posixpath.normpath(posixpath.join(posixpath.dirname(module.path), config_path))
        if folder.startswith(".."):
            folder = None
        elif folder not in hydra_dirs:
            hydra_dirs.append(folder)
    yield _record(module, call, "hydra", config_name or "config", folder, "hydra config")


def _constants(module: PyModule) -> Iterator[Hyperparameter]:
    """`EPOCHS = 50`, `lr = 0.1` in main/train/run or at module level of an entry script."""
    for assign in module.assigns:
        target, line, scope = assign.target, assign.line, assign.scope
        if "." in target or target.lower() not in CONSTANT_NAMES or not module.is_live(line):
            continue
        if scope is not None and scope.rsplit(".", 1)[-1] not in CONSTANT_SCOPES:
            continue
        if assign.kind is not ast.Constant and assign.kind is not ast.UnaryOp:
            continue  # NOTE: no number; the kind says so without finding a dropped value again
        value = assign.value
        number = (
            value.operand
            if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub)
            else value
        )
        if (
            not isinstance(number, ast.Constant)
            or isinstance(number.value, bool)
            or not isinstance(number.value, (int, float))
        ):
            continue
        yield Hyperparameter(
            path=module.path,
            line=module.file_line(line),
            snippet=module.snippet(line),
            name=target,
            default=_text(module, value),
            type=type(number.value).__name__,
            source="constant",
        )


def _token_option(
    module: PyModule, call: CallSite, source: Source, absl_kind: str | None = None
) -> Iterator[Hyperparameter]:
    """A best-effort record from the first line of a call in a file that did not parse."""
    head = call.args_text.split("=", 1)[0]
    names = [m.group(2) for m in _TOKEN_STR_RE.finditer(head)]
    if not names:
        return
    name = next((n for n in names if n.startswith("--")), names[0])
    kw = {m.group(1): m.group(2).strip() for m in _TOKEN_KW_RE.finditer(call.args_text)}
    if (
        absl_kind is not None
        and "default" not in kw
        and (m := _TOKEN_POS2_RE.match(call.args_text))
    ):
        kw["default"] = m.group(2)
    type_ = _ABSL_TYPES.get(absl_kind, absl_kind) if absl_kind else kw.get("type")
    yield _record(
        module,
        call,
        source,
        name,
        kw.get("default"),
        type_,
        None,
        BOOL_PITFALL if kw.get("type") == "bool" else None,
    )


def _const_str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _text(module: PyModule, node: ast.expr | None) -> str | None:
    """Source text of a node from the cached lines.

    NOTE: not `module.segment`: `ast.get_source_segment` re-splits the whole file per call.
    """
    if node is None:
        return None
    end_line = node.end_lineno or node.lineno
    lines = [line.encode() for line in module.lines[node.lineno - 1 : end_line]]
    if not lines:
        return None
    end_col = node.end_col_offset if node.end_col_offset is not None else len(lines[-1])
    lines[-1] = lines[-1][:end_col]
    lines[0] = lines[0][node.col_offset :]
    text = b"\n".join(lines).decode("utf-8", "replace")
    return text if len(text) <= 300 else text[:299] + "…"


def _help(module: PyModule, node: ast.expr | None) -> str | None:
    text = _const_str(node) or _text(module, node)
    return text if text is None or len(text) <= 200 else text[:199] + "…"
