"""SARIF 2.1.0: valid against the official OASIS schema (see report/checkers.py), one rule per
item, results for failed and partial items only, located at their evidence, fingerprints that
survive moved lines, and waived items suppressed rather than dropped."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from auditor.facts import Evidence, EvidenceKind
from auditor.models import AuditReport, Status
from auditor.report.sarif import FINGERPRINT_KEY, render_sarif
from checklist import load_checklist
from report.canonical import canonical_report
from report.checkers import sarif_validator
from report.nasty import hostile_report

CHECKLIST = load_checklist("lindauer-hutter-2020")


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    return sarif_validator()


def sarif_of(report: AuditReport) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_sarif(report, CHECKLIST))
    return data


def results_by_rule(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["ruleId"]: r for r in log["runs"][0]["results"]}


def test_canonical_and_hostile_reports_are_valid_sarif(
    validator: jsonschema.protocols.Validator,
) -> None:
    for report in (canonical_report(), canonical_report(rerun=False), hostile_report()):
        errors = sorted(validator.iter_errors(sarif_of(report)), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_the_validator_rejects_broken_sarif(validator: jsonschema.protocols.Validator) -> None:
    log = sarif_of(canonical_report())
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(list(validator.iter_errors(log))) == 2


def test_one_rule_per_item_with_the_checklist_text() -> None:
    driver = sarif_of(canonical_report())["runs"][0]["tool"]["driver"]
    assert driver["name"] == "nas-audit" and driver["version"] == "0.0.0-golden"
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == [i.id for i in CHECKLIST.items]
    r3 = driver["rules"][2]
    item = CHECKLIST.item("R3")
    assert r3["shortDescription"]["text"] == item.title
    assert r3["fullDescription"]["text"] == item.rationale
    assert item.remediation in r3["help"]["text"] and item.remediation in r3["help"]["markdown"]
    assert r3["properties"]["section"] == "releasing-code"
    assert r3["name"] == "FinalEvaluationHyperparametersAndSeedsAreReleased"


def test_results_only_for_failed_and_partial_items() -> None:
    report = canonical_report()
    log = sarif_of(report)
    results = results_by_rule(log)
    expected = {v.id for v in report.items if v.status in (Status.FAIL, Status.PARTIAL)}
    assert set(results) == expected
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for rule_id, result in results.items():
        assert rules[result["ruleIndex"]]["id"] == rule_id
        level = "error" if report.verdict(rule_id).status is Status.FAIL else "warning"
        assert result["level"] == level


def test_results_sit_at_their_evidence_or_at_the_readme() -> None:
    results = results_by_rule(sarif_of(canonical_report()))
    located = results["R3"]["locations"][0]["physicalLocation"]
    assert located["artifactLocation"] == {"uri": "train.py", "uriBaseId": "SRCROOT"}
    assert located["region"]["startLine"] == 17
    related = results["R3"]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "configs/search.yaml"
    absent = results["C5"]["locations"][0]["physicalLocation"]
    assert absent == {"artifactLocation": {"uri": "README.md", "uriBaseId": "SRCROOT"}}
    assert (
        "Not found: no search-time curves (searched: plots over time"
        in (results["C5"]["message"]["text"])
    )


def test_an_absence_is_shown_at_the_top_level_readme_the_audit_found() -> None:
    report = canonical_report()
    facts = report.facts.model_copy(update={"doc_files": ["docs/README.md", "Readme.rst"]})
    results = results_by_rule(sarif_of(report.model_copy(update={"facts": facts})))
    uri = results["C5"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "Readme.rst"


def _moved(report: AuditReport, item_id: str, evidence: Evidence) -> AuditReport:
    items = tuple(
        v.model_copy(update={"evidence": (evidence,)}) if v.id == item_id else v
        for v in report.items
    )
    return report.model_copy(update={"items": items})


def test_fingerprints_survive_moved_lines_but_not_changed_code() -> None:
    report = canonical_report()
    original = report.verdict("C2").evidence[0]
    moved = original.model_copy(update={"line": 40, "url": None})
    changed = original.model_copy(update={"snippet": "torch==2.13.0"})

    def fingerprint(r: AuditReport) -> str:
        return str(results_by_rule(sarif_of(r))["C2"]["partialFingerprints"][FINGERPRINT_KEY])

    before = fingerprint(report)
    assert fingerprint(_moved(report, "C2", moved)) == before
    assert fingerprint(_moved(report, "C2", changed)) != before
    prints = [
        r["partialFingerprints"][FINGERPRINT_KEY] for r in sarif_of(report)["runs"][0]["results"]
    ]
    assert len(set(prints)) == len(prints)


def test_waived_items_are_suppressed_not_dropped() -> None:
    d1 = results_by_rule(sarif_of(canonical_report()))["D1"]
    assert d1["suppressions"] == [
        {"kind": "external", "justification": "accepted: defaults from the DARTS paper | untuned"}
    ]
    assert all(
        "suppressions" not in r
        for k, r in results_by_rule(sarif_of(canonical_report())).items()
        if k != "D1"
    )


def test_contradicted_declarations_are_in_the_message() -> None:
    results = results_by_rule(sarif_of(canonical_report()))
    assert "Declared in nas-audit.yaml: yes · contradicted." in results["R4"]["message"]["text"]
    assert "env/missing.yml does not exist." in results["C2"]["message"]["text"]
    assert "Declared" not in results["C5"]["message"]["text"]  # undeclared: nothing to add


def test_provenance_invocation_and_notifications() -> None:
    run = sarif_of(canonical_report())["runs"][0]
    assert run["versionControlProvenance"] == [
        {
            "repositoryUri": "https://github.com/example/tiny-nas",
            "revisionId": "0123456789abcdef0123456789abcdef01234567",
            "branch": "main",
            "mappedTo": {"uriBaseId": "SRCROOT"},
        }
    ]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["startTimeUtc"] == "2026-11-27T12:00:00Z"
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert "the check of C4 failed: KeyError: 'seed'" in texts
    assert "not read: data/cifar_subset.bin (binary)" in texts


def test_ssh_remotes_and_uncommitted_trees_give_no_provenance() -> None:
    report = canonical_report()
    ssh = report.target.model_copy(
        update={"remote": "git@github.com:o/r.git", "permalink_base": None}
    )
    run = sarif_of(report.model_copy(update={"target": ssh}))["runs"][0]
    assert "versionControlProvenance" not in run
    token = report.target.model_copy(
        update={"remote": "https://user:secret@github.com/o/r", "permalink_base": None}
    )
    assert "secret" not in render_sarif(report.model_copy(update={"target": token}), CHECKLIST)


def test_odd_file_names_become_valid_relative_uris() -> None:
    odd = Evidence(kind=EvidenceKind.CODE, path="dir with space/a#b%.py", line=3, snippet="x")
    results = results_by_rule(sarif_of(_moved(canonical_report(), "C2", odd)))
    uri = results["C2"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir%20with%20space/a%23b%25.py"


def test_huge_evidence_is_bounded() -> None:
    text = render_sarif(hostile_report(n_evidence=2_000, length=20_000, n_skipped=5_000), CHECKLIST)
    assert len(text) < 1_000_000
    run = json.loads(text)["runs"][0]
    assert all(len(r.get("relatedLocations", [])) <= 10 for r in run["results"])
