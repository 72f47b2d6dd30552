"""Speed and size of the HTML report, measured in one run (not a timed test).

For each JSON report given (write one with `nas-audit audit REPO -f json -o REPO.json -q`),
load it, then render HTML in a fresh process: the first render (templates compiled, pygments
lexers loaded, matplotlib imported when there is something to plot) and the median of N more.
Also renders the canonical test report (3 plots) and a synthetic report with every plot the
renderer draws (4 learning-curve plots of 10 runs x 200 points, 4 re-run plots) as references.
Prints seconds and bytes and whether they meet the targets.

    python benchmarks/render_speed.py /tmp/nni.json /tmp/naslib.json --repeat 5
Targets (issue): the largest real NAS repository renders in <= 1 s into a file <= 2 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

TARGET_SECONDS = 1.0
TARGET_BYTES = 2 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, statistics, sys, time
sys.path[:0] = [sys.argv[1] + "/tests"]
from auditor.models import AuditReport
from auditor.report.html import render_html
from checklist import load_checklist

source, repeat = sys.argv[2], int(sys.argv[3])
if source not in ("canonical", "worst"):
    report = AuditReport.model_validate_json(open(source, encoding="utf-8").read())
else:
    from report.canonical import canonical_report
    report = canonical_report()
if source == "worst":  # every plot the report can hold, with the most lines and points
    from auditor.facts import LogRun
    curve = {f"metric_{m}": [float(i % 37) for i in range(200)] for m in range(8)}
    report.facts.logs = [
        LogRun(path=f"logs/run{i}.log", line=1, format="text", epochs=200, curve=curve)
        for i in range(100)
    ]
    metric = report.rerun.metrics[0]
    metrics = tuple(metric.model_copy(update={"name": f"test_acc{i or ''}"}) for i in range(8))
    rerun = report.rerun.model_copy(update={"metrics": metrics})
    report = report.model_copy(update={"rerun": rerun})
checklist = load_checklist(report.checklist.id)
start = time.perf_counter()
html = render_html(report, checklist)
first = time.perf_counter() - start
warm = []
for _ in range(repeat):
    start = time.perf_counter()
    again = render_html(report, checklist)
    warm.append(time.perf_counter() - start)
    assert again == html, "rendering is not deterministic"
print(json.dumps({
    "first": first, "warm": statistics.median(warm) if warm else None,
    "bytes": len(html.encode("utf-8")), "items": len(report.items),
    "evidence": sum(len(v.evidence) for v in report.items),
    "plots": html.count("<svg"), "matplotlib": "matplotlib" in sys.modules,
}))
"""


def measure(source: str, repeat: int) -> dict[str, object]:
    """Render one report in a fresh interpreter and return its figures."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), source, str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    figures: dict[str, object] = json.loads(out)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", nargs="*", type=Path, help="JSON reports of real repositories")
    parser.add_argument("--repeat", type=int, default=5, help="warm renders after the first")
    args = parser.parse_args()
    ok = True
    sources = [str(p) for p in args.reports] + ["canonical", "worst"]
    print(f"{'report':<28} {'first s':>8} {'warm s':>8} {'KiB':>8} {'evid.':>6} {'plots':>5}")
    for source in sources:
        f = measure(source, args.repeat)
        first, size = float(str(f["first"])), int(str(f["bytes"]))
        within = first <= TARGET_SECONDS and size <= TARGET_BYTES
        ok = ok and within
        warm = "—" if f["warm"] is None else f"{float(str(f['warm'])):.3f}"
        name = {"canonical": "canonical (tests)", "worst": "most plots (synthetic)"}.get(
            source, Path(source).name
        )
        print(
            f"{name:<28} {first:>8.3f} {warm:>8} {size / 1024:>8.1f} {f['evidence']!s:>6} "
            f"{f['plots']!s:>5}  {'ok' if within else 'OVER TARGET'}"
            f"{'  (matplotlib loaded)' if f['matplotlib'] else ''}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
