"""Functions that retrain a derived architecture: the final training inside a search library.

Libraries such as NASLib have no `train.py`: a trainer method takes the architecture the search
returned (`best_arch = optimizer.get_final_architecture()`), resets its weights and trains it
with its own optimizer loop, and the runner script calls `trainer.search()` then
`trainer.evaluate()`. A function counts as retraining when it steps an optimizer itself and

- trains a derived architecture: a parameter named for one (`best_arch`, `final_model`), a
  variable so named and made by a call (not an alias or a copy of the supernet), a value of a
  derivation or look-up (`get_final_architecture()`, `derive()`, `load_genotype()`), or a model
  built from one of those (`Network(C, layers, best_genotype)`), is reset, put in train mode,
  called or has its parameters taken; or
- is named for retraining (`retrain`, `train_final`) or takes a `retrain` switch.

An evaluation that only queries a benchmark or computes an accuracy steps no optimizer, and a
search loop that keeps its best genotype trains the supernet, not that genotype: neither counts.
"""

from __future__ import annotations

import re

from auditor.probes.pycode import Code, Traits, last
from auditor.pyast import Assign

_DERIVED_NAME_RE = re.compile(
    r"(?i)^(?:best|final|derived|discrete|discretized|found|selected|chosen|optimal|searched|"
    r"fixed)_?(?:arch\w*|model|net\w*|genotype|cell\w*|graph)$"
)
_DERIVE_CALL_RE = re.compile(
    r"(?i)^(?:get_final_arch\w*|get_final_model|get_best_arch\w*|best_arch\w*|derive\w*|"
    r"discretize\w*|export_top\w*|load_genotype|parse_genotype|genotype_from\w*|"
    r"load_arch\w*|arch_from\w*)$"
)
_COPIES = frozenset({"copy", "deepcopy", "clone"})
_RETRAIN_NAME_RE = re.compile(r"(?i)^(?:retrain\w*|re_train\w*|train_final\w*|final_train\w*)$")
_RETRAIN_PARAMS = frozenset({"retrain", "re_train", "train_from_scratch"})
# What a trained model is asked for: train mode, a reset, its parameters for an optimizer.
_RESETS = frozenset({"reset_weights", "reset_parameters", "init_weights", "reinit"})
_TRAINED_USES = frozenset({"train", "parameters", "named_parameters", *_RESETS})


def note_retraining(code: Code, traits: Traits, stepping: set[str]) -> None:
    """Note the `retrain` trait on functions of `code` that retrain a derived architecture.

    `stepping` holds the functions (dotted) that call an optimizer step themselves.
    """
    for dotted in sorted(stepping):
        info = code.module.functions.get(dotted)
        if info is None:
            continue
        reason = _retrain_reason(code, dotted, info.params)
        if reason:
            traits.note(code, info.line, "retrain", f"retrains {reason} in {dotted}()")


def _retrain_reason(code: Code, dotted: str, params: tuple[str, ...]) -> str | None:
    """What the function retrains, or None."""
    if _RETRAIN_NAME_RE.match(last(dotted)):
        return "the final architecture"
    derived = {p for p in params if _DERIVED_NAME_RE.match(p)}
    prefix = dotted + "."
    for assign in code.module.assigns:
        scope = assign.scope
        if scope != dotted and not (scope or "").startswith(prefix):
            continue
        name = last(assign.target)
        if _derived_value(assign, derived) or (_DERIVED_NAME_RE.match(name) and _made(assign)):
            derived.add(name)
    for call in code.calls_in(dotted):
        receiver, _, method = call.name.rpartition(".")
        if last(receiver) in derived and method in _TRAINED_USES:
            return last(receiver)
        if not receiver and call.name in derived:  # a forward pass: `best_arch(inputs)`
            return call.name
    if _RETRAIN_PARAMS & set(params):
        return "the found architecture (a `retrain` switch)"
    return None


def _made(assign: Assign) -> bool:
    """A value made by a call, not another name for an existing model (`best_model = model`,
    `best_model = copy.deepcopy(model)` in a search loop that keeps its incumbent)."""
    if assign.made_by is None:
        return False
    return last(assign.made_by) not in _COPIES


def _derived_value(assign: Assign, derived: set[str]) -> bool:
    """A derivation or look-up call, or a model built from a derived architecture."""
    if assign.made_by is None:
        return assign.name is not None and assign.name in derived
    if assign.made_by and _DERIVE_CALL_RE.match(last(assign.made_by)):
        return True
    return any(a in derived for a in assign.arg_names)
