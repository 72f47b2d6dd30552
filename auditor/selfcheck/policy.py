"""`--fail-on`: which results make `audit` and `check` exit with code 1.

A policy is a comma-separated list of rules `[SCOPE:]WORD`:
- WORD is a status (pass, partial, fail, not_applicable, needs_review) or an agreement of a
  declared answer (confirmed, contradicted, unsupported_path, honest_gap, undeclared,
  unverified); an item without a declaration counts as undeclared;
- SCOPE, optional, limits the rule to a section (its id, e.g. `releasing-code`, or its letter,
  `R`) or to one item (`R3`).
`none` alone is the empty policy. Waived items never match. `check`'s default is
`contradicted,releasing-code:fail`.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.errors import AuditorError
from auditor.models import Agreement, AuditReport, Status, Verdict
from checklist import Checklist

STATUS_WORDS = tuple(s.value for s in Status)
AGREEMENT_WORDS = tuple(a.value for a in Agreement)
WORDS = STATUS_WORDS + AGREEMENT_WORDS
CHECK_DEFAULT = "contradicted,releasing-code:fail"


@dataclass(frozen=True)
class Rule:
    """One `[SCOPE:]WORD` of a policy."""

    word: str
    scope: str | None = None

    def __str__(self) -> str:
        return f"{self.scope}:{self.word}" if self.scope else self.word

    def in_scope(self, verdict: Verdict) -> bool:
        """Whether the verdict's item or section is what the scope names."""
        if self.scope is None:
            return True
        # NOTE: item ids start with their section's letter (checklist/schema.py enforces it)
        return self.scope in (verdict.id, verdict.section, verdict.id[:1])

    def matches(self, verdict: Verdict) -> bool:
        """Whether the verdict, unwaived, has this rule's status or agreement."""
        if verdict.waiver is not None or not self.in_scope(verdict):
            return False
        if self.word in STATUS_WORDS:
            return verdict.status.value == self.word
        declaration = verdict.declaration
        agreement = declaration.agreement if declaration else Agreement.UNDECLARED
        return agreement.value == self.word


@dataclass(frozen=True)
class Policy:
    """The rules of `--fail-on`; empty: never fail."""

    rules: tuple[Rule, ...] = ()

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.rules) or "none"

    def __add__(self, other: Policy) -> Policy:
        return Policy(tuple(dict.fromkeys(self.rules + other.rules)))


@dataclass(frozen=True)
class Violation:
    """A rule that matched, and the items it matched."""

    rule: Rule
    items: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule}: {', '.join(self.items)}"


def parse_policy(value: str) -> Policy:
    """Parse `--fail-on`; ValueError names what is wrong (argparse turns it into exit 2)."""
    tokens = [t.strip() for t in value.split(",") if t.strip()]
    if tokens == ["none"]:
        return Policy()
    rules = []
    for token in tokens:
        scope, _, word = token.rpartition(":")
        word = word.lower()
        if word not in WORDS:
            raise ValueError(
                f"unknown status {word or '(empty)'}; choose from {', '.join(STATUS_WORDS)} "
                f"or an agreement: {', '.join(AGREEMENT_WORDS)} (optionally SECTION:WORD)"
            )
        rules.append(Rule(word, scope.strip() or None))
    if not rules:
        raise ValueError("empty policy; use `none` to never fail")
    return Policy(tuple(dict.fromkeys(rules)))


def check_scopes(policy: Policy, checklist: Checklist) -> None:
    """Every scope must name a section (id or letter) or an item of the checklist."""
    known = {s.id for s in checklist.sections} | {s.prefix for s in checklist.sections}
    known |= {i.id for i in checklist.items}
    for rule in policy.rules:
        if rule.scope is not None and rule.scope not in known:
            sections = ", ".join(f"{s.id} ({s.prefix})" for s in checklist.sections)
            raise AuditorError(
                f"--fail-on {rule}: {rule.scope!r} is neither a section ({sections}) nor an item id"
            )


def violations(report: AuditReport, policy: Policy) -> list[Violation]:
    """The rules that matched some unwaived item, in the policy's order."""
    found = []
    for rule in policy.rules:
        items = tuple(v.id for v in report.items if rule.matches(v))
        if items:
            found.append(Violation(rule, items))
    return found
