"""Committed logs: Namespace dumps, metrics, epochs, seeds, time; JSON(L)/CSV; mismatches."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import pytest
from builders import lines_of, make_repo
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.facts import Facts
from auditor.inventory import build_inventory
from auditor.probes import hyperparams, logs
from auditor.probes.logdata import csv_runs, json_runs, jsonl_runs
from auditor.probes.logtext import elapsed_seconds, parse_namespace, parse_text_log
from auditor.repo import Repo
from auditor.target import open_target


def probe(root: Path) -> Facts:
    """Run the hyperparameter probe (the code defaults), then the log probe."""
    snapshot = open_target(str(root))
    repo = Repo(snapshot, build_inventory(snapshot))
    facts = Facts()
    hyperparams.run(repo, facts)
    logs.run(repo, facts)
    return facts


def line(root: Path, path: str, needle: str) -> int:
    (found,) = lines_of(root, path, needle)
    return found


TRAIN = """
    import argparse
    parser = argparse.ArgumentParser("cifar")
    parser.add_argument('--data', type=str, default='../data')
    parser.add_argument('--batch_size', type=int, default=96)
    parser.add_argument('--learning_rate', type=float, default=0.025)
    parser.add_argument('--epochs', type=int, default=EPOCHS)
    parser.add_argument('--auxiliary', action='store_true', default=False)
    parser.add_argument('--save', type=str, default='EXP')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--arch', type=str, default='DARTS')
    parser.add_argument('--drop_path_prob', type=float, default=2e-1)
"""

NAMESPACE = (
    "Namespace(arch='DARTS', auxiliary=False, batch_size=96, data='/home/me/data', "
    "drop_path_prob=0.2, epochs=600, learning_rate=0.025, note='a, (b)=c', "
    "save='eval-EXP-20191025-235840', seed=0)"
)
DARTS_LOG = f"""
    10/25 11:58:40 PM gpu device = 0
    10/25 11:58:40 PM args = {NAMESPACE}
    10/25 11:58:43 PM param size = 3.349342MB
    10/25 11:58:43 PM epoch 0 lr 2.500000e-02
    10/25 11:58:44 PM train 000 2.388e+00 9.375000 53.125000
    10/25 11:59:58 PM train_acc 21.300000
    10/25 11:59:59 PM valid 000 1.96e+00 28.1 84.3
    10/26 12:00:02 AM valid_acc 30.100000
    10/26 12:00:02 AM epoch 1 lr 2.499983e-02
    10/26 12:01:10 AM train_acc 35.500000
    10/26 12:01:15 AM valid_acc 41.250000
    10/26 12:01:15 AM epoch 2 lr 2.499931e-02
    10/26 12:02:20 AM train_acc 44.000000 | <script>alert(1)</script>
    10/26 12:02:25 AM valid_acc 47.900000
"""


def test_darts_log_run_and_one_mismatch_against_code_default(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path, {"train.py": TRAIN.replace("EPOCHS", "50"), "logs/eval.log": DARTS_LOG}
    )
    facts = probe(root)
    (run,) = facts.logs
    ns_line = line(root, "logs/eval.log", "Namespace(")
    assert (run.path, run.line, run.format, run.seed, run.epochs) == (
        "logs/eval.log",
        ns_line,
        "text",
        "0",
        3,
    )
    assert run.metrics == {"train_acc": 44.0, "valid_acc": 47.9}
    assert run.elapsed_seconds == 3 * 60 + 45  # 11:58:40 PM -> 12:02:25 AM the next day
    assert run.hyperparameters["note"] == "a, (b)=c"
    assert run.hyperparameters["epochs"] == "600"
    assert run.snippet is not None and run.snippet.startswith("10/25 11:58:40 PM args = ")
    (mismatch,) = facts.log_mismatches  # not: save (bookkeeping), data (a path), note (no flag)
    assert (mismatch.path, mismatch.line, mismatch.name, mismatch.log_value) == (
        "logs/eval.log",
        ns_line,
        "epochs",
        "600",
    )
    assert (mismatch.code_default, mismatch.code_path, mismatch.code_line) == (
        "50",
        "train.py",
        line(root, "train.py", "'--epochs'"),
    )


def test_log_is_compared_with_the_script_whose_options_it_lists(tmp_path: Path) -> None:
    search = """
        import argparse
        parser = argparse.ArgumentParser()
        parser.add_argument('--epochs', type=int, default=50)
        parser.add_argument('--unrolled', action='store_true')
        parser.add_argument('--arch_learning_rate', type=float, default=3e-4)
    """
    root = make_repo(
        tmp_path,
        {
            "train.py": TRAIN.replace("EPOCHS", "600"),
            "train_search.py": search,
            "logs/eval.log": DARTS_LOG,
        },
    )
    assert probe(root).log_mismatches == []


def test_log_of_another_tool_is_not_compared(tmp_path: Path) -> None:
    other = "import argparse\np = argparse.ArgumentParser()\np.add_argument('--seed', default=5)\n"
    root = make_repo(tmp_path, {"plot.py": other, "logs/eval.log": DARTS_LOG})
    assert probe(root).log_mismatches == []


def test_non_literal_code_defaults_are_not_compared(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"train.py": TRAIN, "logs/eval.log": DARTS_LOG})
    assert probe(root).log_mismatches == []


def test_several_namespace_dumps_are_several_runs(tmp_path: Path) -> None:
    text = """
        Namespace(seed=1, lr=0.1)
        Epoch [1/3] loss=0.9 acc=0.5
        Epoch [3/3] loss=0.5 acc=0.7
        Total time 1:00:00
        Namespace(seed=2, lr=0.1)
        Epoch [3/3] loss=0.4 acc=0.8
        took 2.5 h
    """
    root = make_repo(tmp_path, {"runs/all.out": text})
    runs = probe(root).logs
    assert [(r.line, r.seed, r.epochs, r.metrics, r.elapsed_seconds) for r in runs] == [
        (1, "1", 3, {"loss": 0.5, "acc": 0.7}, 3600.0),
        (5, "2", 3, {"loss": 0.4, "acc": 0.8}, 9000.0),
    ]


def test_rnn_style_log_with_pipes_and_seed_line(tmp_path: Path) -> None:
    text = """
        Using random seed 1267
        | epoch   1 |   200/  663 batches | lr 20.00 | ms/batch 101.00 | loss  6.90 | ppl   993.12
        | end of epoch   1 | time: 74.08s | valid loss  5.95 | valid ppl   383.39
        | End of training | test loss  4.50 | test ppl    90.01
    """
    root = make_repo(
        tmp_path,
        {
            "search_log.txt": text,
            "changelog.txt": "v1 epoch 3 loss 1\n",
            "README.txt": "epoch 3 loss 1\n",
        },
    )
    (run,) = probe(root).logs
    assert (run.path, run.line, run.seed, run.epochs, run.elapsed_seconds) == (
        "search_log.txt",
        2,
        "1267",
        1,
        None,
    )
    assert run.metrics == {
        "loss": 6.9,
        "ppl": 993.12,
        "valid_loss": 5.95,
        "valid_ppl": 383.39,
        "test_loss": 4.5,
        "test_ppl": 90.01,
    }
    assert run.snippet is not None and run.snippet.startswith("| epoch   1 |")


def test_dict_style_metric_lines(tmp_path: Path) -> None:
    text = (
        "[naslib.defaults.trainer]: Epoch 0, Anytime results: {'cifar10-valid': "
        "{'train_loss': 1.25, 'train_accuracy': 21.2, 'valid_accuracy': 30.5}}\n"
        "RuntimeError: CUDA error: out of memory\n"
        "Epoch 00003: reducing learning rate\n"
    )
    root = make_repo(tmp_path, {"logs/search.log": text})
    (run,) = probe(root).logs
    assert (run.line, run.epochs) == (1, 4)
    assert run.metrics == {"train_loss": 1.25, "train_accuracy": 21.2, "valid_accuracy": 30.5}


def test_jsonl_json_and_csv_logs(tmp_path: Path) -> None:
    jsonl = (
        "\n".join(
            [
                '{"args": {"lr": 0.1, "seed": 3, "opt": {"name": "sgd"}}}',
                "not json",
                '{"epoch": 0, "train_acc": 50.0, "valid_loss": 1.5}',
                '{"epoch": 1, "train_acc": 60.0, "valid_loss": 1.0, "elapsed": 120.5}',
            ]
        )
        + "\n"
    )
    result = (
        '{\n  "config": {"seed": 5},\n  "valid_acc": [90.1, 93.4, 94.0],\n'
        '  "results": {"Test Top1": 93.9}\n}\n'
    )
    table = "epoch,seed,train_acc,valid_acc\n0,0,50,55\n1,0,60,65\n0,1,52,57\n1,1,,66.5\n"
    root = make_repo(
        tmp_path,
        {"logs/metrics.jsonl": jsonl, "results/summary.json": result, "logs/table.csv": table},
    )
    runs = {(r.path, r.seed): r for r in probe(root).logs}
    jl = runs["logs/metrics.jsonl", "3"]
    assert (jl.format, jl.line, jl.epochs, jl.elapsed_seconds) == ("jsonl", 3, 2, 120.5)
    assert jl.hyperparameters == {"lr": "0.1", "seed": "3", "opt.name": "sgd"}
    assert jl.metrics == {"train_acc": 60.0, "valid_loss": 1.0}
    js = runs["results/summary.json", "5"]
    assert (js.format, js.line, js.epochs) == ("json", 3, 3)
    assert js.metrics == {"valid_acc": 94.0, "test_top1": 93.9}
    seed0, seed1 = runs["logs/table.csv", "0"], runs["logs/table.csv", "1"]
    assert (seed0.line, seed0.epochs, seed0.metrics) == (
        2,
        2,
        {"train_acc": 60.0, "valid_acc": 65.0},
    )
    assert (seed1.line, seed1.epochs, seed1.metrics) == (
        4,
        2,
        {"train_acc": 52.0, "valid_acc": 66.5},
    )


def test_non_utf8_unrecognised_and_binary_logs(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "logs/latin.log": "caf\xe9 r\xe9sultat\nepoch 4 test_acc 97.24\n".encode("latin-1"),
            "logs/empty.log": "\n\nstarting...\n",
            "results/genotype.json": '{"normal": [["sep_conv_3x3", 0]]}\n',
            "results/notes.txt": "nothing to see\n",
            "logs/events.out.tfevents.1.host": b"\x00\x01garbage\xff" * 10,
        },
    )
    runs = {r.path: r for r in probe(root).logs}
    assert runs["logs/latin.log"].metrics == {"test_acc": 97.24}
    assert runs["logs/latin.log"].line == 2
    assert (runs["logs/empty.log"].line, runs["logs/empty.log"].snippet) == (1, "starting...")
    assert "results/genotype.json" not in runs and "results/notes.txt" not in runs
    if importlib.util.find_spec("tensorboard") is None:
        assert "logs/events.out.tfevents.1.host" not in runs


def test_snippets_keep_markup_verbatim(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"logs/x.log": "| a | <script>x</script> | test_acc 1.5\n"})
    (run,) = probe(root).logs
    assert run.snippet == "| a | <script>x</script> | test_acc 1.5"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Total time 12.3s", 12.3),
        ("elapsed: 3600", 3600.0),
        ("time: 01:02:03", 3723.0),
        ("search time: 0.5 GPU days", 43200.0),
        ("took 12.3 h", 44280.0),
        ("Search time: 12.5 min", 750.0),
        ("took 120ms", 0.12),
        ("took 3 epochs", None),
        ("| end of epoch 1 | time: 74.08s |", None),
        ("lr 0.1", None),
    ],
)
def test_elapsed_seconds(text: str, seconds: float | None) -> None:
    found = elapsed_seconds(text)
    if seconds is None:
        assert found is None
    else:
        assert found == pytest.approx(seconds)


def test_namespace_values_with_commas_brackets_and_quotes() -> None:
    text = (
        "arch='DARTS', genotype=Genotype(normal=[('sep_conv_3x3', 0)], concat=range(2, 6)),"
        ' lrs=[0.1, 0.01], msg="it\'s, ok", sci=2.5e-05, none=None)trailing'
    )
    assert parse_namespace(text) == {
        "arch": "DARTS",
        "genotype": "Genotype(normal=[('sep_conv_3x3', 0)], concat=range(2, 6))",
        "lrs": "[0.1, 0.01]",
        "msg": "it's, ok",
        "sci": "2.5e-05",
        "none": "None",
    }
    assert parse_namespace("a='unterminated, b=2") == {"a": "'unterminated, b=2"}
    assert parse_namespace(")") == {} and parse_namespace("1=2") == {}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_namespace_parser_never_raises(text: str) -> None:
    assert isinstance(parse_namespace(text), dict)


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("{}[]\"',:=()\n 0-9eEpochlossacc_seed|")), max_size=300)
)
def test_log_parsers_never_raise(text: str) -> None:
    for parse in (parse_text_log, json_runs, jsonl_runs, csv_runs):
        assert isinstance(parse("x.log", text), list)


_SIMPLE = st.one_of(
    st.text(max_size=30), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), _SIMPLE, max_size=8)
)
def test_namespace_repr_round_trips(values: dict[str, object]) -> None:
    rendered = str(argparse.Namespace(**values))
    expected = {k: v if isinstance(v, str) else repr(v) for k, v in sorted(values.items())}
    assert parse_namespace(rendered.removeprefix("Namespace(")) == expected
