"""Learning curves of committed logs: one value per epoch and metric, thinned, bounded."""

from __future__ import annotations

from pathlib import Path

from builders import make_repo

from auditor.facts import Facts, LogRun
from auditor.inventory import build_inventory
from auditor.probes import logs
from auditor.probes.logcurves import MAX_CURVE_METRICS, MAX_CURVE_POINTS, CurveBuilder, thin
from auditor.probes.logdata import csv_runs, json_runs, jsonl_runs
from auditor.probes.logtext import parse_text_log
from auditor.repo import Repo
from auditor.target import open_target

DARTS_LOG = """\
10/25 09:00:01 AM args = Namespace(seed=2, learning_rate=0.025)
10/25 09:00:02 AM epoch 0 lr 2.5e-02
10/25 09:00:03 AM train 000 2.3e+00 10.0 50.0
10/25 09:01:00 AM train_acc 31.500000
10/25 09:01:05 AM valid_acc 35.250000
10/25 09:01:06 AM epoch 1 lr 2.4e-02
10/25 09:02:00 AM train_acc 48.000000
10/25 09:02:01 AM train_acc 49.000000
10/25 09:02:05 AM valid_acc 47.125000
"""


def test_text_log_has_one_point_per_epoch_the_last_of_it() -> None:
    (run,) = parse_text_log("logs/search.log", DARTS_LOG)
    assert run.curve == {"train_acc": [31.5, 49.0], "valid_acc": [35.25, 47.125]}
    assert run.metrics == {"train_acc": 49.0, "valid_acc": 47.125}


def test_log_without_epochs_keeps_every_value() -> None:
    (run,) = parse_text_log("log.txt", "step 1 loss 3.0\nstep 2 loss 2.5\nstep 3 loss 2.25\n")
    assert run.curve == {"loss": [3.0, 2.5, 2.25]}


def test_one_value_is_no_curve() -> None:
    (run,) = parse_text_log("log.txt", "epoch 9 test_acc 97.1\n")
    assert run.curve == {}


def test_structured_logs() -> None:
    (jsonl,) = jsonl_runs("m.jsonl", '{"epoch": 0, "loss": 1}\n{"epoch": 0, "loss": 0.9}\n'
                          '{"epoch": 1, "loss": 0.5}\n')  # fmt: skip
    assert jsonl.curve == {"loss": [0.9, 0.5]}
    (table,) = csv_runs("log.csv", "epoch,loss,valid_acc\n0,1.0,30\n1,0.5,40\n2,0.25,45\n")
    assert table.curve == {"loss": [1.0, 0.5, 0.25], "valid_acc": [30.0, 40.0, 45.0]}
    (listed,) = json_runs("errors.json", '{"train_acc": [10, 20, "x", 30], "test_acc": 97}')
    assert listed.curve == {"train_acc": [10.0, 20.0, 30.0]}


def test_builder_bounds() -> None:
    builder = CurveBuilder()
    for name in range(MAX_CURVE_METRICS + 3):
        builder.extend(f"m{name}", [float(i) for i in range(5 * MAX_CURVE_POINTS)])
    curves = builder.curves()
    assert len(curves) == MAX_CURVE_METRICS
    assert all(len(values) == MAX_CURVE_POINTS for values in curves.values())
    values = curves["m0"]
    assert values[0] == 0.0 and values[-1] == 5 * MAX_CURVE_POINTS - 1
    assert values == sorted(values)  # evenly thinned, order kept
    assert thin([1.0, 2.0]) == [1.0, 2.0]


def test_curves_over_all_runs_are_bounded(tmp_path: Path) -> None:
    epochs = "".join(f"epoch {e} train_acc {e}.5\n" for e in range(MAX_CURVE_POINTS))
    files = {f"logs/seed{i}.log": f"seed {i}\n{epochs}" for i in range(120)}
    root = make_repo(tmp_path / "repo", files)
    snapshot = open_target(str(root))
    facts = Facts()
    logs.run(Repo(snapshot, build_inventory(snapshot)), facts)
    with_curve = [r for r in facts.logs if r.curve]
    assert len(facts.logs) == 120
    assert len(with_curve) == logs.MAX_CURVE_POINTS_TOTAL // MAX_CURVE_POINTS
    assert all(r.metrics == {"train_acc": MAX_CURVE_POINTS - 0.5} for r in facts.logs)


def test_curve_field_round_trips() -> None:
    run = LogRun(path="a.log", format="text", curve={"loss": [2.0, 1.0]})
    assert LogRun.model_validate_json(run.model_dump_json()) == run
