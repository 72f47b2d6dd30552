"""What a repository compares: methods, baselines and the entry points that run them.

Shared by C1, C4 and C6 (comparing.py), so that every item agrees on what "compared" means;
the longer signal judgements of those items live here too.
"""

from __future__ import annotations

import re

from auditor.checks._common import (
    absence,
    benchmark_code,
    entries,
    evaluators_of,
    files_of,
    files_of_all,
    flag_name,
    has_method,
    in_files,
    located,
    names,
    no,
    not_applicable,
    unknown,
    yes,
)
from auditor.facts import (
    ARCHITECTURE_WORDS,
    CodeSignal,
    DocMention,
    DocTopic,
    EntryPoint,
    Evidence,
    EvidenceKind,
    Facts,
    MethodFamily,
    Role,
    evidence_kind_for,
)
from auditor.models import Finding

NO_METHOD = "the repository contains no NAS method"
_CODE_KINDS = frozenset({EvidenceKind.CODE, EvidenceKind.NOTEBOOK})


def families(facts: Facts) -> list[MethodFamily]:
    """Distinct method families, in probe order."""
    return list(dict.fromkeys(m.family for m in facts.nas_methods))


def random_search_is_a_baseline(facts: Facts) -> bool:
    """Random-search method code next to a method of another family is a baseline."""
    found = families(facts)
    return MethodFamily.RANDOM_SEARCH in found and len(found) > 1


def method_is_random_search(facts: Facts) -> bool:
    """Is random search the one method (Li & Talwalkar's random search with weight sharing)?

    NOTE: not when a search entry point runs no random-search code: that one runs a method
    the probes did not name, to which the random search may be a baseline."""
    found = {m.path for m in facts.nas_methods}
    return families(facts) == [MethodFamily.RANDOM_SEARCH] and all(
        files_of(e) & found for e in entries(facts, Role.SEARCH)
    )


def compared_baselines(facts: Facts) -> list[CodeSignal]:
    """The baselines of the method: when the method is random search, its own loops, names
    and files are the method, not a random-search baseline of itself."""
    if method_is_random_search(facts):
        return [b for b in facts.baselines if b.kind != "random_search"]
    return list(facts.baselines)


def code_baselines(facts: Facts) -> list[CodeSignal]:
    """Baselines found in Python code or notebooks (not README tables or shell scripts)."""
    return [b for b in compared_baselines(facts) if evidence_kind_for(b.path) in _CODE_KINDS]


def outside_code_only(facts: Facts) -> list[CodeSignal]:
    """Baselines seen only outside code, when nothing else in the code is compared."""
    if code_baselines(facts) or len(families(facts)) > 1:
        return []
    return compared_baselines(facts)


def outside_code_finding(signal: str, baselines: list[CodeSignal]) -> Finding:
    """NOT_AVAILABLE: the baselines cannot be traced to code."""
    return unknown(
        signal,
        f"Baselines appear only in {names(dict.fromkeys(b.path for b in baselines))}, not in "
        "the code, so how they were run cannot be told.",
        located(baselines, "baseline outside the code"),
    )


def baseline_paths(facts: Facts) -> set[str]:
    """Files holding baselines: baselines in code, and random search beside another method."""
    paths = {b.path for b in code_baselines(facts)}
    if random_search_is_a_baseline(facts):
        paths |= {m.path for m in facts.nas_methods if m.family is MethodFamily.RANDOM_SEARCH}
    return paths


def evaluation_pipelines(facts: Facts) -> list[EntryPoint]:
    """Entry points that train or evaluate final architectures (not mere benchmark look-ups)."""
    evaluators = {e.path for e in evaluators_of(facts)}
    return [e for e in facts.entry_points if Role.FINAL_TRAINING in e.roles or e.path in evaluators]


def baseline_entries(facts: Facts) -> list[EntryPoint]:
    """Entry points that are baselines themselves (random_search.py), not pipelines."""
    paths = baseline_paths(facts)
    pipes = evaluation_pipelines(facts)
    return [e for e in facts.entry_points if e.path in paths and e not in pipes]


def architecture_baselines(facts: Facts) -> set[str]:
    """Baselines in modules that no one runs directly (a RANDOM genotype in genotypes.py)."""
    return baseline_paths(facts) - {e.path for e in facts.entry_points}


def _trainers_of(facts: Facts, modules: set[str]) -> list[EntryPoint]:
    """Final-training (else evaluation) entry points that import one of these modules."""
    for role in (Role.FINAL_TRAINING, Role.EVALUATION):
        found = [e for e in entries(facts, role) if files_of(e) & modules]
        if found:
            return found
    return []


def is_comparison(facts: Facts) -> bool:
    """Does the repository compare anything: a baseline or methods of several families?

    NOTE: several search scripts of one family (DARTS's cnn/ and rnn/) are one method on
    several tasks, not a comparison."""
    return bool(compared_baselines(facts) or len(families(facts)) > 1)


def compared_entries(facts: Facts) -> list[EntryPoint]:
    """Entry points where compared methods meet: the searches and baseline scripts, or, for a
    baseline architecture, the pipelines that train it next to the method's."""
    direct = baseline_entries(facts)
    trainers = _trainers_of(facts, architecture_baselines(facts))
    found = trainers if trainers and not direct else entries(facts, Role.SEARCH) + direct + trainers
    return list({e.path: e for e in found}.values())


def benchmark_settles(facts: Facts) -> bool:
    """Does a benchmark in code decide C1 and C4: nothing else is compared in code, or the
    compared methods query the benchmark themselves?

    NOTE: a benchmark queried by a side script does not make a comparison that runs elsewhere
    (on a dataset, with each method's own split or protocol) fair; that one is judged from the
    code."""
    used = benchmark_code(facts)
    if not used:
        return False
    if not is_comparison(facts) or outside_code_only(facts):
        return True
    users = files_of_all(compared_entries(facts))
    return not users or any(b.path in users for b in used)


def no_comparison_reason(facts: Facts) -> str:
    """Why nothing is compared, for a not-applicable message."""
    if not has_method(facts):
        return f"Nothing is compared: {NO_METHOD} and no baseline."
    found = families(facts)
    family = found[0].value.replace("_", "-") + " " if found else ""
    return f"No compared methods in the repository: one {family}method and no baseline."


def shared_files(users: list[EntryPoint], candidates: set[str]) -> list[str]:
    """Candidate files that every one of `users` runs, sorted."""
    return sorted(p for p in candidates if all(p in files_of(e) for e in users))


def who(items: list[EntryPoint]) -> str:
    """Entry points named for a message."""
    return names(e.path for e in items)


def verb(items: list[EntryPoint], singular: str, plural_form: str) -> str:
    """The verb form that agrees with a list of entry points."""
    return singular if len(items) == 1 else plural_form


# ------------------------------------------------------------------------------------- C1


def shared_data(facts: Facts) -> Finding:
    """C1.shared-data: one data module behind every compared method."""
    signal = "C1.shared-data"
    users = compared_entries(facts)
    if not facts.data_code or not users:
        return unknown(
            signal,
            "No data-loading code or no entry point of the compared methods was found, so "
            "shared data cannot be judged.",
            [absence("no data code", "dataset loading", "split definitions")],
        )
    shared = sorted(set.intersection(*(_data_of(facts, e) for e in users)))
    if shared:
        data = [d for d in facts.data_code if d.path in shared]
        message = (
            f"{who(users)} trains every compared architecture with the data loading in "
            f"{names(shared)}."
            if len(users) == 1
            else f"{who(users)} share the data and split of {names(shared)}."
        )
        return yes(
            signal, message, located(data, "shared data") + located(users, "compared entry point")
        )
    return no(
        signal,
        f"No data module is shared by {who(users)}: {_data_by_entry(facts, users)}.",
        located(facts.data_code, "data loading") + located(users, "compared entry point"),
    )


def _data_of(facts: Facts, entry: EntryPoint) -> set[str]:
    """Data modules an entry point runs: imported by it, or naming it in their detail."""
    own = files_of(entry)
    return {d.path for d in facts.data_code if d.path in own or entry.path in d.detail}


def _data_by_entry(facts: Facts, users: list[EntryPoint]) -> str:
    parts = []
    for entry in users[:3]:
        own = names(sorted(_data_of(facts, entry)))
        parts.append(f"{entry.path} uses {own or 'no data module'}")
    return "; ".join(parts)


def shared_training(facts: Facts) -> Finding:
    """C1.shared-training: the compared methods train with the same code."""
    signal = "C1.shared-training"
    users = compared_entries(facts)
    untrained = [e for e in users if not in_files(facts.training_code, files_of(e))]
    if not users or untrained:
        return unknown(
            signal,
            f"{who(untrained) or 'The baselines'} {verb(untrained, 'contains', 'contain')} no "
            "training code, so how the compared architectures are trained cannot be told.",
            located(untrained, "compared entry point without training code"),
        )
    shared = shared_files(users, {t.path for t in facts.training_code})
    if shared:
        return yes(
            signal,
            f"{who(users)} {verb(users, 'trains', 'train')} every compared method with the code "
            f"in {names(shared)}.",
            located([t for t in facts.training_code if t.path in shared], "shared training")
            + located(users, "compared entry point"),
        )
    return no(
        signal,
        f"{who(users)} train with different code.",
        located(in_files(facts.training_code, files_of_all(users)), "training code"),
    )


# ------------------------------------------------------------------------------------- C4

# NOTE: whole name parts: `--search_for`, `--child_num_cells` name no architecture
_ARCH_FLAG = re.compile(r"(?:^|[_-])(?:arch|genotype|cell)(?:[_-]|$)|^model$|^net(work)?$")


def several_architectures(facts: Facts) -> Finding | None:
    """C4: one evaluation script run for several --arch values, or None."""
    for script in sorted(e.path for e in evaluation_pipelines(facts)):
        runs = [
            i
            for i in facts.script_invocations
            if i.resolved == script and any(_ARCH_FLAG.search(flag_name(k)) for k in i.flags)
        ]
        archs = {v for i in runs for k, v in i.flags.items() if _ARCH_FLAG.search(flag_name(k))}
        if len(archs) > 1:
            return yes(
                "C4.shared-evaluation",
                f"{script} evaluates {len(archs)} architectures ({', '.join(sorted(archs)[:4])})"
                f" with one protocol ({names(i.path for i in runs)}).",
                located(runs, "run of the same evaluation script"),
            )
    return None


def baseline_evaluation(facts: Facts) -> Finding:
    """C4: are the baselines evaluated with the method's pipeline?"""
    signal = "C4.shared-evaluation"
    pipes = evaluation_pipelines(facts)
    direct, modules = baseline_entries(facts), architecture_baselines(facts)
    if outside_code_only(facts):
        return outside_code_finding(signal, outside_code_only(facts))
    if not (direct or modules):
        pipeline = f"one evaluation pipeline ({who(pipes)})" if pipes else "no pipeline"
        return unknown(
            signal,
            f"The repository has one method, {pipeline} and no baseline: whether the compared "
            "methods were evaluated with the same protocol cannot be told from the code.",
            located(pipes, "evaluation pipeline"),
        )
    pipe_files = files_of_all(pipes)
    pipe_eval = {e.path for e in pipes} | {
        c.path for c in facts.evaluation_code if c.path in pipe_files
    }
    apart = [e for e in direct if not files_of(e) & pipe_eval]
    outside = sorted(modules - pipe_files)
    if not (apart or outside):
        return yes(signal, _shared_message(direct, modules, pipes), _shared_evidence(facts, pipes))
    # NOTE: evaluation code the method's own search also runs (a shared trainer module) is
    # the same protocol, not the baseline's own.
    direct_paths = {e.path for e in direct}
    method = files_of_all(e for e in entries(facts, Role.SEARCH) if e.path not in direct_paths)
    own = in_files(facts.evaluation_code, files_of_all(apart) - pipe_files - method)
    if own:
        return no(
            signal,
            f"{who(apart)} {verb(apart, 'evaluates', 'evaluate')} with its own code in "
            f"{names(dict.fromkeys(c.path for c in own))}, not with the method's pipeline.",
            located(own, "separate evaluation code") + located(pipes, "method pipeline"),
        )
    unclear = names([e.path for e in apart] + outside)
    return unknown(
        signal,
        f"How the baselines in {unclear} are evaluated, compared with the method, cannot be "
        "told from the code.",
        located(apart, "baseline entry point") + located(pipes, "method pipeline"),
    )


def _shared_message(direct: list[EntryPoint], modules: set[str], pipes: list[EntryPoint]) -> str:
    pipeline = f"the method's evaluation pipeline ({who(pipes)})"
    if not direct:
        return f"The baseline architectures in {names(sorted(modules))} go through {pipeline}."
    also = f", and so do the architectures in {names(sorted(modules))}" if modules else ""
    return f"{who(direct)} {verb(direct, 'uses', 'use')} {pipeline}{also}."


def _shared_evidence(facts: Facts, pipes: list[EntryPoint]) -> list[Evidence]:
    return (
        located(compared_baselines(facts), "baseline")
        + located(baseline_entries(facts), "baseline entry point")
        + located(pipes, "method's evaluation pipeline")
    )


# ------------------------------------------------------------------------------------- C6

_RANDOM_SEARCH_TEXT = re.compile(r"random[\s_-]*search|\bRS\b", re.IGNORECASE)
# NOTE: "random sampling" names a baseline; "1000 randomly sampled architectures" is often a plot
# of the supernet's quality (AutoFormer), so only the noun counts.
_RANDOM_SAMPLING_TEXT = re.compile(r"random[\s_-]*sampling\b", re.IGNORECASE)
_ARCHITECTURE_TEXT = re.compile(ARCHITECTURE_WORDS, re.IGNORECASE)


def _names_random_search(doc: DocMention) -> bool:
    """Docs on a random-search baseline: random search, or random sampling of architectures
    (random sampling of channels or data is no baseline)."""
    text = f"{doc.heading or ''} {doc.snippet or ''}"
    if _RANDOM_SEARCH_TEXT.search(text):
        return True
    return bool(_RANDOM_SAMPLING_TEXT.search(text) and _ARCHITECTURE_TEXT.search(text))


def random_search_finding(facts: Facts) -> Finding:
    """C6.random-search for a repository with a NAS method."""
    signal = "C6.random-search"
    rs_methods = [m for m in facts.nas_methods if m.family is MethodFamily.RANDOM_SEARCH]
    if method_is_random_search(facts):
        # NOTE: C6 asks that a method be shown to beat random search; a method that is random
        # search is that baseline itself, so there is nothing to compare: not applicable, even
        # where its README and its loop name random search.
        return not_applicable(
            signal,
            f"The method itself is random search ({names(m.path for m in rs_methods)}).",
            located(rs_methods, "random-search method"),
        )
    rs = [b for b in facts.baselines if b.kind == "random_search"]
    as_baseline = rs_methods if random_search_is_a_baseline(facts) else []
    docs = [d for d in facts.docs if d.topic is DocTopic.BASELINES and _names_random_search(d)]
    if rs or as_baseline or docs:
        where = names(dict.fromkeys(x.path for x in [*rs, *as_baseline, *docs]))
        return yes(
            signal,
            f"A random-search baseline is in {where}.",
            located(rs, "random-search baseline")
            + located(as_baseline, "random search beside the method")
            + located(docs, "docs on the random-search baseline"),
        )
    single = [b for b in facts.baselines if b.kind == "random_architecture"]
    if single:
        return no(
            signal,
            f"{names(b.path for b in single)} samples a single random architecture; "
            "a single random architecture is not a random-search baseline.",
            located(single, "single random architecture"),
        )
    return no(
        signal,
        "No random-search baseline was found.",
        [
            absence(
                "no random search",
                "random-search baselines",
                "random samplers over the search space",
                "docs on baselines",
            )
        ],
    )
