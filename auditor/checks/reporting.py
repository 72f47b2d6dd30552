"""Checks D1–D3: are tuning, end-to-end time and the experimental setup reported?"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.checks._common import (
    absence,
    entries,
    files_of_all,
    in_files,
    located,
    method_files,
    names,
    no,
    yes,
)
from auditor.checks._deps import pinning
from auditor.facts import CodeSignal, DocMention, DocTopic, Evidence, Facts, Role
from auditor.models import Finding
from auditor.registry import check

_SECTION_LINES = (
    10  # a mention this close to a tuning mention, without headings, is "the same section"
)
_HARDWARE = re.compile(r"gpu|device|hardware|cpu|nvidia|platform|hostname|memory", re.IGNORECASE)
_VERSIONS = re.compile(r"version|freeze|pip|conda|packages", re.IGNORECASE)
_TUNING_HEADING = re.compile(r"tun(?:e|ing)|hyper-?param|\bhpo\b", re.IGNORECASE)
_TIME_HEADING = re.compile(
    r"time|cost|compute|resource|budget|hours|days|runtime|end[- ]to[- ]end", re.IGNORECASE
)


def _docs(facts: Facts, *topics: DocTopic) -> list[DocMention]:
    return [d for d in facts.docs if d.topic in topics]


def _doc_absence(facts: Facts, what: str, *searched: str) -> Evidence:
    files = facts.doc_files[:5] or ["README*", "docs/"]
    return absence(f"no docs on {what}", *searched, *files)


def _where(items: list[DocMention]) -> str:
    return names(dict.fromkeys(d.path for d in items))


def _verb(items: list[DocMention], singular: str, plural_form: str) -> str:
    return singular if len({d.path for d in items}) == 1 else plural_form


# ------------------------------------------------------------------------------------- D1


@check("D1")
def tuning_reported(facts: Facts) -> Iterator[Finding]:
    """D1: how hyperparameters were tuned, and at what cost.

    Signals:
        D1.tuning-documented: docs on hyperparameter tuning.
        D1.tuning-cost: a time or hardware mention in the same docs section (same heading, or
            within a few lines) (optional).
    Evidence accepted:
        docs (topics tuning, time, hardware).
    Limitations:
        Only the repository's docs are read, not the paper.
    """
    tuning = _docs(facts, DocTopic.TUNING)
    if not tuning:
        yield no(
            "D1.tuning-documented",
            "The docs do not say how hyperparameters were tuned.",
            [_doc_absence(facts, "tuning", "tuning/HPO sections")],
        )
        yield no(
            "D1.tuning-cost",
            "No tuning is documented, so its cost is not reported either.",
            [_doc_absence(facts, "tuning cost", "tuning sections with time or hardware")],
        )
        return
    heading = next((d.heading for d in tuning if d.heading), None)
    yield yes(
        "D1.tuning-documented",
        f"{_where(tuning)} {_verb(tuning, 'describes', 'describe')} how hyperparameters were "
        f"tuned{f' ({heading})' if heading else ''}.",
        located(tuning, "docs on tuning"),
    )
    cost = [
        d
        for d in _docs(facts, DocTopic.TIME, DocTopic.HARDWARE)
        if any(_same_section(d, t) for t in tuning)
    ]
    if cost:
        yield yes(
            "D1.tuning-cost",
            f"The tuning section of {_where(cost)} gives its time or hardware.",
            located(cost, "tuning cost") + located(tuning[:2], "docs on tuning"),
        )
    else:
        yield no(
            "D1.tuning-cost",
            f"The tuning docs in {_where(tuning)} give no time or hardware for the tuning.",
            [
                *located(tuning[:2], "tuning docs without cost"),
                _doc_absence(facts, "tuning cost", "time or hardware in the tuning section"),
            ],
        )


def _same_section(a: DocMention, b: DocMention) -> bool:
    if a.path != b.path:
        return False
    if a.heading and b.heading:
        return a.heading == b.heading
    return a.line is not None and b.line is not None and abs(a.line - b.line) <= _SECTION_LINES


# ------------------------------------------------------------------------------------- D2


@check("D2")
def end_to_end_time(facts: Facts) -> Iterator[Finding]:
    """D2: the time of the whole pipeline (search, final training, tuning).

    Signals:
        D2.time-reported: docs that report time or compute cost (outside a section on
            tuning alone, whose time is D1's tuning cost).
        D2.timing-code: timing code in every phase present (search, final training), or
            anywhere when no phase was identified (optional).
    Evidence accepted:
        docs (topic time), timing_code with the entry points that import it.
    Limitations:
        Whether the reported time covers every phase is not read from the prose.
    """
    all_time = _docs(facts, DocTopic.TIME)
    time_docs = [d for d in all_time if not _tuning_heading(d.heading)]
    if time_docs:
        yield yes(
            "D2.time-reported",
            f"{_where(time_docs)} {_verb(time_docs, 'reports', 'report')} run time or "
            "compute cost.",
            located(time_docs, "docs on time"),
        )
    elif all_time:
        yield no(
            "D2.time-reported",
            f"{_where(all_time)} {_verb(all_time, 'gives', 'give')} only the time of the "
            "hyperparameter tuning, not of the search and the final training.",
            [
                *located(all_time, "time of the tuning only"),
                _doc_absence(facts, "time", "GPU-days", "GPU hours", "run-time tables"),
            ],
        )
    else:
        yield no(
            "D2.time-reported",
            "The docs report no run time or compute cost.",
            [_doc_absence(facts, "time", "GPU-days", "GPU hours", "run-time tables")],
        )
    yield _timing_code(facts)


def _tuning_heading(heading: str | None) -> bool:
    """A section about tuning (its time is the tuning cost of D1, not the pipeline's time)."""
    return bool(heading and _TUNING_HEADING.search(heading) and not _TIME_HEADING.search(heading))


def _timing_code(facts: Facts) -> Finding:
    signal = "D2.timing-code"
    if not facts.timing_code:
        return no(
            signal,
            "No code measures elapsed time.",
            [absence("no timing code", "time.time()/perf_counter() deltas", "timers")],
        )
    timed: dict[str, list[CodeSignal]] = {}
    if entries(facts, Role.SEARCH):
        timed["search"] = in_files(facts.timing_code, method_files(facts))
    final = entries(facts, Role.FINAL_TRAINING)
    if final:
        timed["final training"] = in_files(facts.timing_code, files_of_all(final))
    untimed = [label for label, signals in timed.items() if not signals]
    if untimed:
        return no(
            signal,
            f"Elapsed time is measured in {names(t.path for t in facts.timing_code)}, but not "
            f"in the {' or the '.join(untimed)}.",
            located(facts.timing_code, "timing code"),
        )
    covered = f" ({' and '.join(timed)})" if timed else ""
    return yes(
        signal,
        f"Elapsed time is measured in {names(t.path for t in facts.timing_code)}{covered}.",
        [ev for signals in timed.values() for ev in located(signals[:2], "timing code")]
        + located(facts.timing_code, "timing code"),
    )


# ------------------------------------------------------------------------------------- D3


@check("D3")
def experimental_setup(facts: Facts) -> Iterator[Finding]:
    """D3: setup instructions, hardware, software versions, datasets and splits.

    Signals:
        D3.setup-instructions: docs on setup or on reproducing the results.
        D3.hardware: docs on hardware, or code that records it.
        D3.software-versions: docs on versions, sufficiently pinned dependencies (see C2), or
            code that records library versions.
        D3.datasets: docs on datasets, or data code that names both a dataset and a split.
    Evidence accepted:
        docs, environment_recording, dependencies, data_code.
    Limitations:
        Whether the docs are complete (every split, every flag) is not judged.
    """
    yield _setup(facts)
    yield _hardware(facts)
    yield _versions(facts)
    yield _datasets(facts)


def _setup(facts: Facts) -> Finding:
    docs = _docs(facts, DocTopic.SETUP, DocTopic.REPRODUCE)
    if docs:
        return yes(
            "D3.setup-instructions",
            f"{_where(docs)} {_verb(docs, 'explains', 'explain')} how to set up and run the code.",
            located(docs, "setup or reproduction docs"),
        )
    return no(
        "D3.setup-instructions",
        "The docs do not say how to set up and run the code.",
        [_doc_absence(facts, "setup", "installation", "usage", "reproduction commands")],
    )


def _recording(facts: Facts, kind: str, pattern: re.Pattern[str]) -> list[CodeSignal]:
    """Recordings of this kind ("versions" or "hardware"), or of another kind that reads so."""
    return [
        r
        for r in facts.environment_recording
        if r.kind == kind
        or (r.kind not in {"versions", "hardware"} and pattern.search(f"{r.kind} {r.detail}"))
    ]


def _hardware(facts: Facts) -> Finding:
    docs = _docs(facts, DocTopic.HARDWARE)
    code = _recording(facts, "hardware", _HARDWARE)
    if docs or code:
        where = names(dict.fromkeys([d.path for d in docs] + [c.path for c in code]))
        return yes(
            "D3.hardware",
            f"The hardware is {'reported' if docs else 'recorded'} in {where}.",
            located(docs, "docs on hardware") + located(code, "hardware recording"),
        )
    return no(
        "D3.hardware",
        "The hardware is neither documented nor recorded by the code.",
        [_doc_absence(facts, "hardware", "GPU model in docs", "torch.cuda.get_device_name")],
    )


def _versions(facts: Facts) -> Finding:
    docs = _docs(facts, DocTopic.VERSIONS)
    code = _recording(facts, "versions", _VERSIONS)
    pins = pinning(facts)
    # NOTE: a pinned framework states the version that matters most even when too few other
    # packages are pinned for C2; only those other pins need the C2 share.
    framework = list(pins.framework_pins)
    others = [d for d in pins.pinned if d not in framework] if pins.sufficient else []
    pinned = framework + others
    if docs or code or pinned:
        where = names(dict.fromkeys([d.path for d in docs + pinned] + [c.path for c in code]))
        return yes(
            "D3.software-versions",
            f"Software versions are given in {where}.",
            located(docs, "docs on versions")
            + located(pinned[:4], "pinned dependency")
            + located(code, "version recording"),
        )
    return no(
        "D3.software-versions",
        "Software versions are not documented, pinned or recorded.",
        [_doc_absence(facts, "versions", "pinned requirements", "version logging")],
    )


def _datasets(facts: Facts) -> Finding:
    docs = _docs(facts, DocTopic.DATASETS)
    datasets = [d for d in facts.data_code if "dataset" in d.kind]
    splits = [d for d in facts.data_code if "split" in d.kind]
    if docs:
        return yes(
            "D3.datasets",
            f"{_where(docs)} {_verb(docs, 'describes', 'describe')} the datasets.",
            located(docs, "docs on datasets") + located(datasets[:2] + splits[:2], "data code"),
        )
    if datasets and splits:
        return yes(
            "D3.datasets",
            f"The code loads the datasets in {names(dict.fromkeys(d.path for d in datasets))} "
            f"and defines the split in {names(dict.fromkeys(s.path for s in splits))}.",
            located(datasets[:3], "dataset") + located(splits[:3], "split"),
        )
    return no(
        "D3.datasets",
        "The datasets and splits are not described: no dataset docs"
        + (", and the code names no split." if datasets else " and no data code."),
        [
            *located(datasets[:3], "dataset without a split"),
            _doc_absence(facts, "datasets", "dataset sections", "split definitions"),
        ],
    )
