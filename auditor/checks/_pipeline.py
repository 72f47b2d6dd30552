"""The final-training pipeline (R1): its entry point, its training and its evaluation.

Also used by R3, which needs to know whether a missing final-training entry point means
"not released" (FALSE) or "not recognised" (needs review).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from auditor.checks._common import (
    absence,
    entries,
    evaluators_of,
    files_of_all,
    in_files,
    located,
    missing_imports,
    names,
    no,
    runnable,
    unknown,
    yes,
)
from auditor.facts import BrokenReference, CodeSignal, EntryPoint, Facts, Role
from auditor.models import Finding

# A missing script that looks like final training or evaluation (train.py, train_imagenet.py,
# augment.py, retrain.sh), but not the search (train_search.py).
_FINAL_NAME = re.compile(r"train|eval|augment|retrain|finetune|fine_tune", re.IGNORECASE)


def missing_final_scripts(facts: Facts) -> list[BrokenReference]:
    """Commands that run a final-training-like script that is not in the repository."""
    return [
        r
        for r in facts.broken_references
        if r.kind == "script_file"
        and _FINAL_NAME.search(PurePosixPath(r.target).name)
        and "search" not in r.target.lower()
    ]


def orphan_training(facts: Facts) -> list[CodeSignal]:
    """Training code that no search entry point runs (maybe an unrecognised final pipeline)."""
    search_files = files_of_all(entries(facts, Role.SEARCH))
    return [t for t in facts.training_code if t.path not in search_files]


def _training_of(facts: Facts, final: list[EntryPoint]) -> list[CodeSignal]:
    own = {e.path for e in final}
    files = files_of_all(final)
    in_own = [t for t in facts.training_code if t.path in own]
    return in_own + [t for t in facts.training_code if t.path in files and t.path not in own]


def final_script(facts: Facts, final: list[EntryPoint]) -> Finding:
    """R1.final-training-script when final-training entry points exist."""
    signal = "R1.final-training-script"
    imports = missing_imports(facts, final)
    if {e.path for e in final} <= {r.path for r in imports}:  # none of them can run
        return unknown(
            signal,
            f"{imports[0].path} imports {imports[0].target}, which is missing "
            "from the repository, so the final-training script cannot run as released.",
            located(imports, "import of a missing module") + located(final),
        )
    final = runnable(facts, final)
    who = names(e.path for e in final)
    training = _training_of(facts, final)
    reason = final[0].reasons[0] if final[0].reasons else "role final_training"
    role = (
        "is the final-training pipeline" if len(final) == 1 else "are the final-training pipelines"
    )
    message = f"{who} {role} ({reason})"
    if training:
        message += f", with training code in {names(t.path for t in training)}"
    missing = missing_final_scripts(facts)
    if missing:
        message += f", but {missing[0].target} run in {missing[0].path} is missing"
    if imports:
        message += (
            f"; {names(r.path for r in imports)} cannot run as released ({imports[0].path} "
            f"imports {imports[0].target}, which is missing)"
        )
    evidence = (
        located(final, "final-training entry point")
        + located(training, "training code")
        + located(missing, "missing final-training script")
        + located(imports, "import of a missing module")
    )
    return yes(signal, message + ".", evidence)


def no_final_script(facts: Facts) -> Finding:
    """R1.final-training-script when no entry point has the final-training role."""
    signal = "R1.final-training-script"
    missing = missing_final_scripts(facts)
    if missing:
        moved = (
            f" (a file of that name is at {missing[0].same_name})" if missing[0].same_name else ""
        )
        return no(
            signal,
            f"{missing[0].path} runs {missing[0].target}, which is not in the "
            f"repository{moved}, and no other final-training entry point exists.",
            located(missing, "missing final-training script"),
        )
    orphans = orphan_training(facts)
    if orphans:
        return unknown(
            signal,
            f"Training code in {names(t.path for t in orphans)} is not run by "
            "any entry point identified as final training.",
            located(orphans, "training code without a final-training entry point"),
        )
    if facts.training_code:
        search = names(t.path for t in facts.training_code)
        return no(
            signal,
            f"Only the search code ({search}) trains; no separate script trains "
            "the final architecture from scratch.",
            [
                *located(facts.training_code, "training inside the search"),
                absence("no final-training entry point", "entry points with role final_training"),
            ],
        )
    return no(
        signal,
        "No final-training entry point and no training code were found.",
        [
            absence(
                "no final-training pipeline",
                "entry points with role final_training",
                "optimizer steps",
                "epoch loops",
            )
        ],
    )


def evaluation(facts: Facts, final: list[EntryPoint]) -> Finding:
    """R1.evaluation: evaluation in the final-training files or an evaluation entry point."""
    signal = "R1.evaluation"
    in_final = in_files(facts.evaluation_code, files_of_all(final))
    evaluators = evaluators_of(facts)
    if in_final or evaluators:
        splits = list(dict.fromkeys(c.detail for c in in_final if c.detail))
        what = f" on the {names(splits)} split" if splits else " the trained architectures"
        where = list(dict.fromkeys([c.path for c in in_final] + [e.path for e in evaluators]))
        verb = "evaluates" if len(where) == 1 else "evaluate"
        return yes(
            signal,
            f"{names(where)} {verb}{what}.",
            located(in_final, "evaluation in the final-training pipeline")
            + located(evaluators, "evaluation entry point"),
        )
    search_files = files_of_all(entries(facts, Role.SEARCH))
    elsewhere = [c for c in facts.evaluation_code if c.path not in search_files]
    if elsewhere:
        return unknown(
            signal,
            f"Evaluation code in {names(c.path for c in elsewhere)} is not used "
            "by a final-training or evaluation entry point.",
            located(elsewhere, "evaluation code"),
        )
    if facts.evaluation_code:
        return no(
            signal,
            f"Only the search ({names(c.path for c in facts.evaluation_code)}) "
            "evaluates; the final architecture is never evaluated.",
            located(facts.evaluation_code, "evaluation during the search"),
        )
    return no(
        signal,
        "No evaluation on a validation or test split was found.",
        [absence("no evaluation code", "evaluation entry points", "valid/test evaluation")],
    )
