"""SARIF 2.1.0 for GitHub code scanning: one rule per checklist item, one result per failed or
partial item, placed at its evidence (or at the README when the evidence is an absence).

Waived items keep their result with an external suppression, so code scanning shows them as
dismissed instead of silently dropping them. Fingerprints hash the item, the file and the
snippet, never line numbers, so an alert survives unrelated edits above it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from auditor.models import AuditReport, Evidence, EvidenceKind, Status, Verdict
from auditor.report.labels import DISAGREEMENTS, clip, declared_label, disagreements
from auditor.report.terminal import describe_evidence
from checklist import Checklist, Item

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "nasAuditItem/v1"
LEVEL = {Status.FAIL: "error", Status.PARTIAL: "warning"}
_MAX_RELATED = 10
_MAX_TEXT = 1_000
_MAX_NOTIFICATIONS = 50

Json = dict[str, Any]


def _clip(text: str, limit: int = _MAX_TEXT) -> str:
    return clip(text.strip(), limit)


def _rule_name(title: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", title)) or "Item"


def _rule(verdict: Verdict, item: Item | None) -> Json:
    rule: Json = {
        "id": verdict.id,
        "name": _rule_name(verdict.title),
        "shortDescription": {"text": _clip(verdict.title)},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"section": verdict.section, "tags": ["reproducibility", verdict.section]},
    }
    if item is None:  # a report from another checklist version: the title is all there is
        return rule
    rule["fullDescription"] = {"text": item.rationale}
    rule["help"] = {
        "text": f"{item.remediation}\n\nEvidence that counts: {item.evidence}",
        "markdown": f"**{item.question}**\n\n{item.remediation}\n\n"
        f"**Evidence that counts:** {item.evidence}\n\n*Why:* {item.rationale}",
    }
    if item.references and item.references[0].url:
        rule["helpUri"] = item.references[0].url
    return rule


def _located(verdict: Verdict) -> list[Evidence]:
    return [ev for ev in verdict.evidence if ev.path and ev.kind is not EvidenceKind.ABSENCE]


def _readme(report: AuditReport) -> str:
    """Where an absence is shown: the top-level README, the place such things get written."""
    readmes = [
        p for p in report.facts.doc_files if p.rsplit("/", 1)[-1].lower().startswith("readme")
    ]
    return min(readmes, key=lambda p: (p.count("/"), p)) if readmes else "README.md"


def _location(path: str, ev: Evidence | None) -> Json:
    uri = quote(path, safe="/")  # NOTE: a file name may hold spaces, '#' or '%'
    physical: Json = {"artifactLocation": {"uri": uri, "uriBaseId": SRCROOT}}
    if ev is not None and ev.line:
        region: Json = {"startLine": ev.line}
        if ev.end_line and ev.end_line >= ev.line:
            region["endLine"] = ev.end_line
        if ev.snippet:
            region["snippet"] = {"text": _clip(ev.snippet, 500)}
        physical["region"] = region
    return {"physicalLocation": physical}


def _fingerprint(verdict: Verdict, path: str, ev: Evidence | None) -> str:
    what = (ev.snippet or ev.note or "") if ev is not None else ""
    basis = "\0".join((verdict.id, path, " ".join(what.split())))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def _message(verdict: Verdict, absence: Evidence | None) -> str:
    parts = [f"{verdict.id} {verdict.title}: {verdict.summary}"]
    if absence is not None and absence.note:
        searched = f" (searched: {', '.join(absence.searched[:8])})" if absence.searched else ""
        parts.append(f"Not found: {absence.note}{searched}.")
    decl = verdict.declaration
    if decl is not None and decl.agreement in DISAGREEMENTS:
        parts.append(f"Declared in nas-audit.yaml: {declared_label(decl)}. {decl.message}")
    return _clip(" ".join(parts))


def _result(report: AuditReport, verdict: Verdict, rule_index: int, level: str) -> Json:
    located = _located(verdict)
    absence = next((ev for ev in verdict.evidence if ev.kind is EvidenceKind.ABSENCE), None)
    top = located[0] if located else None
    path = top.path if top is not None and top.path else _readme(report)
    result: Json = {
        "ruleId": verdict.id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": _message(verdict, absence if top is None else None)},
        "locations": [_location(path, top)],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(verdict, path, top or absence)},
        "properties": {"status": verdict.status.value, "score": verdict.score},
    }
    related = [
        {**_location(ev.path or "", ev), "id": i, "message": {"text": _clip(describe_evidence(ev))}}
        for i, ev in enumerate(located[1 : 1 + _MAX_RELATED], start=1)
    ]
    if related:
        result["relatedLocations"] = related
    if verdict.waiver is not None:
        justification = f"{verdict.waiver.reason.value}: {verdict.waiver.note}"
        result["suppressions"] = [{"kind": "external", "justification": _clip(justification)}]
    return result


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:  # the engine writes aware times; older reports may not
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


_REPOSITORY_URI = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%+-]+)*/?")


def _provenance(report: AuditReport) -> list[Json]:
    target = report.target
    base = target.permalink_base or ""
    uri = base.split("/blob/", 1)[0] if "/blob/" in base else target.remote
    # NOTE: only a plain https URL: ssh remotes are no URI, and credentials or markup in a
    # remote must not reach code scanning
    if target.commit is None or not uri or not _REPOSITORY_URI.fullmatch(uri):
        return []
    entry: Json = {
        "repositoryUri": uri,
        "revisionId": target.commit,
        "mappedTo": {"uriBaseId": SRCROOT},
    }
    if target.ref:
        entry["branch"] = target.ref
    return [entry]


def _notifications(report: AuditReport, rule_index: dict[str, int]) -> list[Json]:
    notes: list[Json] = []
    for verdict in report.items:
        if verdict.error:
            notes.append(
                {
                    "level": "error",
                    "message": {
                        "text": _clip(f"the check of {verdict.id} failed: {verdict.error}")
                    },
                    "associatedRule": {"id": verdict.id, "index": rule_index[verdict.id]},
                }
            )
    for skipped in report.skipped[:_MAX_NOTIFICATIONS]:
        notes.append(
            {
                "level": "note",
                "message": {"text": _clip(f"not read: {skipped.path} ({skipped.reason})")},
                "locations": [_location(skipped.path, None)],
            }
        )
    if len(report.skipped) > _MAX_NOTIFICATIONS:
        more = len(report.skipped) - _MAX_NOTIFICATIONS
        notes.append({"level": "note", "message": {"text": f"and {more} more files not read"}})
    return notes


def render_sarif(report: AuditReport, checklist: Checklist) -> str:
    """The report as a SARIF 2.1.0 log (one run), indented JSON."""
    items = {item.id: item for item in checklist.items}
    rules = [_rule(v, items.get(v.id)) for v in report.items]
    rule_index = {v.id: i for i, v in enumerate(report.items)}
    results = [
        _result(report, v, rule_index[v.id], LEVEL[v.status])
        for v in report.items
        if v.status in LEVEL
    ]
    run: Json = {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"nas-audit/{report.checklist.id}/"},
        "invocations": [
            {
                "executionSuccessful": True,
                "startTimeUtc": _utc(report.started_at),
                "endTimeUtc": _utc(report.finished_at),
                "toolExecutionNotifications": _notifications(report, rule_index),
            }
        ],
        "results": results,
        "properties": {
            "checklist": report.checklist.model_dump(),
            "declaredAnswersNotBacked": [v.id for v, _ in disagreements(report)],
        },
    }
    if checklist.source.url:  # the tool has no home page yet; the paper explains every rule
        run["tool"]["driver"]["informationUri"] = checklist.source.url
    provenance = _provenance(report)
    if provenance:
        run["versionControlProvenance"] = provenance
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
