"""`--fail-on` policies over the canonical report: statuses, agreements, sections, items,
waivers; and the check summary that leads with contradictions."""

from __future__ import annotations

import pytest
from report.canonical import canonical_report

from auditor.errors import AuditorError
from auditor.selfcheck.policy import (
    CHECK_DEFAULT,
    Policy,
    Rule,
    check_scopes,
    parse_policy,
    violations,
)
from auditor.selfcheck.summary import render_summary
from auditor.selfcheck.tiers import Tier, TierPlan
from checklist import load_checklist

CHECKLIST = load_checklist("lindauer-hutter-2020")
# canonical: R4 fail + contradicted; C2 partial + unsupported path; C5 fail, undeclared;
# D1 fail + honest gap, waived; C6 not applicable, waived; R1 pass + confirmed


def matched(policy: str) -> list[str]:
    return [str(v) for v in violations(canonical_report(), parse_policy(policy))]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("fail", ["fail: R4, C5"]),  # D1 fails too, but it is waived
        ("contradicted", ["contradicted: R4"]),
        ("unsupported_path,honest_gap", ["unsupported_path: C2"]),  # D1's gap is waived
        ("releasing-code:fail", ["releasing-code:fail: R4"]),
        ("R:fail,C:partial", ["R:fail: R4", "C:partial: C2, C8"]),
        ("C5:fail", ["C5:fail: C5"]),
        ("reporting-details:fail", []),
        ("none", []),
        (CHECK_DEFAULT, ["contradicted: R4", "releasing-code:fail: R4"]),
        ("NEEDS_REVIEW", ["needs_review: R5, C4"]),
    ],
)
def test_policies(policy: str, expected: list[str]) -> None:
    assert matched(policy) == expected


def test_items_without_a_declaration_count_as_undeclared() -> None:
    # C5 declares nothing explicitly; R2, R3, ... have no declaration at all; C6 is waived
    assert matched("undeclared") == ["undeclared: R2, R3, C1, C3, C4, C5, C7, C8, D2, D3"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("bogus", "unknown status bogus"),
        ("fail,", None),
        (",", "empty policy"),
        ("R:", "unknown status (empty)"),
        ("contradicted,none", "unknown status none"),
    ],
)
def test_parse_errors(value: str, message: str | None) -> None:
    if message is None:
        assert parse_policy(value) == Policy((Rule("fail"),))
        return
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_policy(value)


def test_scopes_must_name_a_section_or_an_item() -> None:
    check_scopes(parse_policy("releasing-code:fail,R:fail,D3:partial"), CHECKLIST)
    with pytest.raises(AuditorError, match="'releasing' is neither a section"):
        check_scopes(parse_policy("releasing:fail"), CHECKLIST)


def test_summary_leads_with_contradictions_and_names_the_result() -> None:
    report = canonical_report()
    policy = parse_policy(CHECK_DEFAULT)
    text = render_summary(
        report,
        tier=TierPlan(Tier.STATIC, "--tier static", None),
        config_note="nas-audit.yaml",
        policy=policy,
        failed=violations(report, policy),
    )
    lines = text.splitlines()
    assert lines[0].startswith("nas-audit check · ") and "tier static (--tier static)" in lines[0]
    assert lines[1].startswith("Declared answers (nas-audit.yaml): 1 confirmed · 1 contradicted")
    assert lines[2] == "Contradicted:" and lines[3].startswith("  R4  ")
    assert lines.index("Contradicted:") < lines.index("Unsupported paths:")
    assert "  D1  accepted: defaults from the DARTS paper | untuned (audit: fail)" in lines
    assert "Undeclared: C5" in lines and "Confirmed: R1" in lines
    assert any(line.startswith("Re-run: ") for line in lines)
    assert lines[-1] == (
        "Policy --fail-on contradicted,releasing-code:fail: FAILED: contradicted: R4; "
        "releasing-code:fail: R4"
    )


def test_summary_strips_control_characters_from_repository_text() -> None:
    report = canonical_report(rerun=False)
    hostile = report.items[3].model_copy(update={"title": "evil\x1b[2J\ntitle"})
    report = report.model_copy(update={"items": (*report.items[:3], hostile, *report.items[4:])})
    text = render_summary(
        report,
        tier=TierPlan(Tier.STATIC, "x", None),
        config_note="n",
        policy=Policy(),
        failed=[],
    )
    assert "\x1b" not in text and "  R4  evil [2J title" in text
    assert text.endswith("Policy --fail-on none: passed\n")
