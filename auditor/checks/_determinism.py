"""R3.deterministic-settings: are known GPU nondeterminism sources switched off in a phase?"""

from __future__ import annotations

from auditor.checks._common import absence, located, names, no, not_applicable, unknown, yes
from auditor.checks._phase import Phase
from auditor.facts import DeterminismSetting, Facts, SeedProblemKind
from auditor.models import Finding

_TORCH_SETTINGS = frozenset(
    {"cudnn.benchmark", "cudnn.deterministic", "use_deterministic_algorithms"}
)
_TF_SETTINGS = frozenset({"tf.config.experimental.enable_op_determinism", "TF_DETERMINISTIC_OPS"})
_TORCH_HINTS = frozenset({"worker_init_fn", "generator", "CUBLAS_WORKSPACE_CONFIG"})
_TORCH_DEPENDENCIES = frozenset(
    {"torch", "pytorch", "torchvision", "pytorch-lightning", "lightning"}
)
_TRUE = frozenset({"true", "1", "'1'", '"1"'})
_FALSE = frozenset({"false", "0", "'0'", '"0"'})
_SEARCHED = (
    "torch.backends.cudnn.deterministic = True",
    "torch.backends.cudnn.benchmark = False",
    "torch.use_deterministic_algorithms(True)",
    "TF_DETERMINISTIC_OPS",
    "tf.config.experimental.enable_op_determinism()",
)


def _truth(value: str) -> bool | None:
    text = value.strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def _switched_off(setting: DeterminismSetting) -> bool | None:
    """True when the setting removes nondeterminism, False when it adds it, None if unknown."""
    if setting.setting == "tf.config.experimental.enable_op_determinism":
        return True  # a call: being there is the setting
    truth = _truth(setting.value)
    if truth is None:
        return None
    return not truth if setting.setting == "cudnn.benchmark" else truth


def uses_torch(facts: Facts) -> bool:
    """Any sign of PyTorch: torch seeding, torch determinism settings or a torch dependency."""
    return (
        any(c.library in {"torch", "torch.cuda", "lightning"} for c in facts.seed_calls)
        or any(s.setting in _TORCH_SETTINGS | _TORCH_HINTS for s in facts.determinism)
        or any(
            d.name.strip().lower().replace("_", "-") in _TORCH_DEPENDENCIES
            for d in facts.dependencies
        )
    )


def _describe(setting: DeterminismSetting) -> str:
    if setting.setting == "use_deterministic_algorithms":
        return f"torch.use_deterministic_algorithms({setting.value})"
    if setting.setting == "tf.config.experimental.enable_op_determinism":
        return "tf.config.experimental.enable_op_determinism()"
    return f"{setting.setting} = {setting.value}"


def deterministic_finding(facts: Facts, ph: Phase, signal: str) -> Finding:
    """TRUE when the phase switches nondeterminism off; FALSE when it turns it on or never
    switches it off; NOT_APPLICABLE in repositories that do not use PyTorch."""
    # NOTE: env variables may be set by the shell scripts that run the phase.
    scripts = {i.path for i in facts.script_invocations if i.resolved in ph.paths}
    relevant = [
        s
        for s in facts.determinism
        if s.path in ph.files | scripts and s.setting in _TORCH_SETTINGS | _TF_SETTINGS
    ]

    if not relevant and not uses_torch(facts):
        return not_applicable(
            signal,
            "The repository shows no PyTorch use (no torch seeding, "
            "cudnn setting or torch dependency), so cuDNN settings do not apply.",
        )
    judged = [(s, _switched_off(s)) for s in relevant]
    bad = [s for s, off in judged if off is False]
    good = [s for s, off in judged if off is True]
    late = [
        p
        for p in facts.seed_problems
        if p.kind is SeedProblemKind.BENCHMARK_AFTER_SEED and p.path in ph.files
    ]
    if bad:
        return no(
            signal,
            f"{bad[0].path} sets {_describe(bad[0])}, so GPU kernels and results "
            "can differ from run to run.",
            located(bad, "nondeterminism switched on")
            + located(late, "set after seeding")
            + located(good, "determinism setting"),
        )
    if good:
        verb = "sets" if len({s.path for s in good}) == 1 else "set"
        return yes(
            signal,
            f"{names(s.path for s in good)} {verb} {', '.join(_describe(s) for s in good[:3])}.",
            located(good, "determinism setting"),
        )
    if relevant:
        return unknown(
            signal,
            f"{relevant[0].path} sets {relevant[0].setting} from "
            f"{relevant[0].value}, whose value cannot be read statically.",
            located(relevant, "determinism setting of unknown value"),
        )
    return no(
        signal,
        f"{ph.who} never switches cuDNN nondeterminism off.",
        [absence(f"no determinism setting in the {ph.label} code", *_SEARCHED)],
    )
