"""Reports built from the canonical one with text an audited repository could contain: markup,
pipes, newlines, TeX specials, mentions, odd file names, and far more evidence than any format
should print. Every renderer must stay well-formed and bounded on them."""

from __future__ import annotations

from functools import cache

from auditor.facts import Evidence, EvidenceKind, ReadMode, ReadNote
from auditor.models import AuditReport, SkippedFile, Verdict, Waiver, WaiverReason
from report.canonical import canonical_report

NASTY = (
    "<script>alert(1)</script> a|b || \\| `code` [x](javascript:alert(1)) ![i](http://e/p.png)"
    " @octocat #12 *bold* __init__ \\section{x} $x^2_1$ 100% & ~tilde {brace} \r\n"
    "- list\n1. item\n\n| --- |\nnaïve Σ λ≥2 🎉 日本 \x00\x07 \u202e rtl \u2028 end"
)
ODD_PATHS = ("dir with space/a|b.py", "we#ird/%41(1).py", "ünï/日本.py", "x]`y.py")


@cache
def _long(length: int) -> str:
    return (NASTY + " ") * max(1, length // len(NASTY))


@cache
def _evidence(i: int, length: int) -> Evidence:
    path = ODD_PATHS[i % len(ODD_PATHS)]
    return Evidence(
        kind=EvidenceKind.CODE,
        path=f"{path[:-3]}{i}.py",
        line=i + 1,
        snippet=_long(length),
        url=f"https://github.com/o/r/blob/abc/{path}?q=|)(#L{i + 1}",
        note=NASTY,
    )


def _verdict(v: Verdict, n_evidence: int, length: int) -> Verdict:
    evidence = tuple(_evidence(i, length) for i in range(n_evidence))
    return v.model_copy(
        update={
            "title": v.title + " " + NASTY,
            "summary": _long(length),
            "evidence": evidence,
            "error": NASTY if v.error else None,
            "waiver": Waiver(reason=WaiverReason.FALSE_POSITIVE, note=NASTY) if v.waiver else None,
            "declaration": v.declaration.model_copy(
                update={"message": NASTY, "justification": NASTY}
            )
            if v.declaration
            else None,
        }
    )


def hostile_report(
    *, n_evidence: int = 3, length: int = 400, n_notes: int = 3, n_skipped: int = 3
) -> AuditReport:
    """The canonical report with every free text hostile; sizes as asked."""
    report = canonical_report()
    notes = [
        ReadNote(path=f"{NASTY[:40]}/{i}.py", line=1, mode=mode, reason=NASTY)
        for i in range(n_notes)
        for mode in (ReadMode.REPAIRED, ReadMode.TOKENS)
    ]
    facts = report.facts.model_copy(update={"read_notes": notes})
    return report.model_copy(
        update={
            "target": report.target.model_copy(update={"source": NASTY}),
            "items": tuple(_verdict(v, n_evidence, length) for v in report.items),
            "facts": facts,
            "skipped": tuple(
                SkippedFile(path=f"{ODD_PATHS[i % 4]}{i}", reason=NASTY) for i in range(n_skipped)
            ),
        }
    )
