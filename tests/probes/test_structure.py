"""Per-module signals recorded at indexing and replayed give what scanning in the audit gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import audit, make_repo
from nasfixtures import compliant_files
from test_indexcache import _comparable
from test_roles import notebook

from auditor.facts import Facts
from auditor.inventory import build_inventory
from auditor.probes import benchmarks, methods, pycode, run_probes
from auditor.probes.methods import MethodScan
from auditor.probes.protocol import ProtocolScan
from auditor.probes.pycode import Traits
from auditor.probes.structure import replay
from auditor.repo import Repo
from auditor.target import open_target

_SCANNED = (
    "search_space",
    "nas_methods",
    "estimation_shortcuts",
    "architecture_derivation",
    "training_code",
    "evaluation_code",
    "environment_recording",
    "timing_code",
    "time_curves",
    "seed_loops",
)

_NOTEBOOK = notebook(
    [
        "import time\nimport torch\nalphas = torch.nn.Parameter(torch.zeros(14, 8))",
        "optimizer = torch.optim.SGD([alphas], 0.1)\nstart = time.time()\n"
        "for epoch in range(3):\n    optimizer.step()\nprint(time.time() - start)",
        "def evaluate(model, valid_queue):\n    model.eval()\n    return accuracy(model)",
    ]
)


def _repo(root: Path) -> Repo:
    snapshot = open_target(str(root))
    return Repo(snapshot, build_inventory(snapshot))


def _outcome(repo: Repo, *, replayed: bool) -> tuple[object, ...]:
    """The scans' facts, traits and data hits, by replaying the recorded events or by scanning
    every module in the audit as before (the reference)."""
    facts, traits = Facts(), Traits()
    method_scan, protocol_scan = MethodScan.into(facts, traits), ProtocolScan.into(facts, traits)
    if replayed:
        replay(repo.codes(), method_scan, protocol_scan)
    else:
        for code in repo.codes():
            method_scan.scan(code)
            protocol_scan.scan(code)
    return (
        {name: [s.model_dump() for s in getattr(facts, name)] for name in _SCANNED},
        list(traits.at.items()),
        [(h.code.path, h.line, h.kind, h.name) for h in protocol_scan.data],
    )


@pytest.fixture
def nas_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", {**compliant_files(), "search.ipynb": _NOTEBOOK})


def test_replayed_events_give_the_scans_facts_traits_and_data(nas_repo: Path) -> None:
    repo = _repo(nas_repo)
    assert all(m.signals is not None for m in repo.modules.values())
    replayed = _outcome(repo, replayed=True)
    assert replayed == _outcome(repo, replayed=False)
    signals, traits, data = replayed
    assert isinstance(signals, dict) and signals["training_code"]
    notebook_lines = {s["line"] for s in signals["training_code"] if s["path"] == "search.ipynb"}
    assert notebook_lines and max(notebook_lines) > 5  # .ipynb lines, not code lines
    assert traits and data


def test_caps_and_duplicates_across_modules_are_decided_in_the_audit(
    nas_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pycode, "MAX_PER_KIND", 1)
    monkeypatch.setattr(methods, "MAX_PER_KIND", 1)
    repo = _repo(nas_repo)
    replayed = _outcome(repo, replayed=True)
    assert replayed == _outcome(repo, replayed=False)


def test_a_module_indexed_without_events_is_scanned_when_replayed(nas_repo: Path) -> None:
    repo = _repo(nas_repo)
    reference = _outcome(repo, replayed=False)
    for module in repo.modules.values():
        module.signals = None
    assert _outcome(repo, replayed=True) == reference


def test_an_audit_of_unchanged_files_scans_none_again(
    nas_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    first = audit(nas_repo, cache_dir=cache_dir)

    def scanned(self: object, code: pycode.Code) -> None:
        raise AssertionError(f"scanned {code.path} again")

    monkeypatch.setattr(MethodScan, "scan", scanned)
    monkeypatch.setattr(ProtocolScan, "scan", scanned)
    assert _comparable(audit(nas_repo, cache_dir=cache_dir)) == _comparable(first)


@pytest.mark.parametrize("own", [True, False])
def test_recorded_benchmark_names_give_what_scanning_gives(tmp_path: Path, own: bool) -> None:
    """NASLib's own package name is dropped only when NASLib itself is audited."""
    files = {
        "naslib/utils.py": "import naslib\nPATH = 'naslib/data/zc_nasbench201.json'\n",
        "search.py": "# nb201\napi = load('NAS-Bench-201-v1_1-096897.pth')  # naslib\nx = naslib\n",
    }
    repo = _repo(
        make_repo(tmp_path / "r", {**files, **({"naslib/__init__.py": ""} if own else {})})
    )

    def uses() -> list[tuple[str, str, int | None, str]]:
        facts = Facts()
        benchmarks.run(repo, facts)
        return [(u.benchmark, u.path, u.line, u.how) for u in facts.benchmarks]

    recorded = uses()
    for module in repo.modules.values():
        module.signals = None
    assert uses() == recorded
    suite = [u for u in recorded if u[0] == "NAS-Bench-Suite/NASLib" and u[3] == "code"]
    assert bool(suite) is not own


def test_recorded_seeding_calls_give_what_scanning_gives(nas_repo: Path) -> None:
    repo = _repo(nas_repo)
    recorded = run_probes(repo)
    assert recorded.seed_calls
    for module in repo.modules.values():
        module.signals = None
    scanned = run_probes(repo)
    assert [c.model_dump() for c in scanned.seed_calls] == [
        c.model_dump() for c in recorded.seed_calls
    ]
