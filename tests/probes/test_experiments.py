"""Ablations, seed lists and per-seed results, environment recording, timing, anytime curves."""

from __future__ import annotations

import json
from pathlib import Path

from structural import at, signals, structural_facts

SEARCH = """
    import argparse
    import platform
    import time
    import torch
    import matplotlib.pyplot as plt

    parser = argparse.ArgumentParser()
    parser.add_argument('--ablation', default='none', choices=['none', 'no_skip'])
    parser.add_argument('--no_skip', action='store_true', help='drop skip_connect')
    parser.add_argument('--use_aux_loss', type=bool, default=False)
    parser.add_argument('--no_cuda', action='store_true')
    parser.add_argument('--use_name', type=str, default='x')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])

    def log_env(logger):
        logger.info('torch %s cuda %s', torch.__version__, torch.version.cuda)
        logger.info('gpu %s', torch.cuda.get_device_name(0))
        logger.info('python %s', platform.python_version())

    def search(args):
        start = time.time()
        trajectory = []
        for seed in args.seeds:
            elapsed = time.time() - start
            trajectory.append((elapsed, best_acc))
        return trajectory

    def plot(times, accs):
        plt.plot(times, accs)
        plt.xlabel('wallclock time (s)')

    if __name__ == '__main__':
        search(parser.parse_args())
"""


def test_ablation_flags_configs_and_scripts(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "search.py": SEARCH,
            "configs/search.yaml": "seed: 0\nablation:\n  no_skip: true\nuse_cutout: false\n"
            "use_wandb: true\nmodel:\n  use_name: x\n",
            "scripts/ablation.sh": "python search.py --ablation no_skip\n",
            "ablations/results/a.csv": "x\n",
            "ablations/results/b.csv": "y\n",
        },
    )
    assert signals(facts.ablations) == [
        ("search.py", at(root, "search.py", "'--ablation'"), "--ablation"),
        ("search.py", at(root, "search.py", "'--no_skip'"), "--no_skip"),
        ("search.py", at(root, "search.py", "'--use_aux_loss'"), "--use_aux_loss"),
        ("configs/search.yaml", 2, "ablation"),
        ("configs/search.yaml", 3, "ablation.no_skip"),
        ("configs/search.yaml", 4, "use_cutout"),
        ("scripts/ablation.sh", 1, "--ablation"),
        ("ablations/results/a.csv", None, "ablations"),
        ("scripts/ablation.sh", None, "scripts/ablation.sh"),
    ]


def test_seed_lists_python_loops_and_per_seed_logs(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "search.py": SEARCH,
            "configs/a.yaml": "seeds: [0, 1, 2]\nseed: 3\n",
            "configs/b.json": '{"train": {"random_seeds": [1, 2]}, "seeds": [4]}\n',
            "logs/search/seed0.log": "x\n",
            "logs/search/seed1.log": "x\n",
            "logs/run_seed_1/eval.json": "{}\n",
            "logs/run_seed_2/eval.json": "{}\n",
            "logs/other/seed5.log": "x\n",
            "analysis.py": "for seed_dir in os.listdir('.'):\n    pass\n",
        },
    )
    assert signals(facts.seed_loops) == [
        ("search.py", at(root, "search.py", "for seed in"), "for seed in args.seeds"),
        ("configs/a.yaml", 1, "seeds: [0, 1, 2]"),
        ("configs/b.json", 1, "train.random_seeds: [1, 2]"),
        ("logs/run_seed_1/eval.json", None, "logs/run_seed{N}: 1, 2"),
        ("logs/search/seed0.log", None, "logs/search/seed{N}.log: 0, 1"),
    ]


def test_environment_timing_and_anytime_curves(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "search.py": SEARCH,
            "results/anytime.csv": "runtime,best_valid_acc\n1,50\n",
            "results/plain.csv": "epoch,acc\n1,50\n",
        },
    )
    assert [(s.line, s.kind, s.detail) for s in facts.environment_recording] == [
        (at(root, "search.py", "torch.__version__"), "versions", "torch.__version__"),
        (at(root, "search.py", "torch.__version__"), "versions", "torch.version.cuda"),
        (at(root, "search.py", "get_device_name"), "hardware", "get_device_name"),
        (at(root, "search.py", "platform.python_version"), "versions", "platform.python_version"),
    ]
    assert signals(facts.timing_code) == [
        ("search.py", at(root, "search.py", "time.time() - start"), "search"),
    ]
    assert signals(facts.time_curves) == [
        ("search.py", at(root, "search.py", "trajectory = []"), "trajectory"),
        ("search.py", at(root, "search.py", "plt.plot(times"), "plot(times"),
        ("results/anytime.csv", 1, "columns: runtime,best_valid_acc"),
    ]


def test_lower_fidelity_from_options_and_configs(tmp_path: Path) -> None:
    _, facts = structural_facts(
        tmp_path,
        {
            "search.py": "import argparse\np = argparse.ArgumentParser()\n"
            "p.add_argument('--train_portion', type=float, default=0.5)\n",
            "configs/bohb.yaml": "min_budget: 1\nmax_budget: 27\nlr: 0.1\n",
        },
    )
    assert [(s.path, s.line, s.kind, s.detail) for s in facts.estimation_shortcuts] == [
        ("search.py", 3, "lower_fidelity", "--train_portion"),
        ("configs/bohb.yaml", 1, "lower_fidelity", "min_budget"),
        ("configs/bohb.yaml", 2, "lower_fidelity", "max_budget"),
    ]


def test_repeated_run_loops_and_record_loops(tmp_path: Path) -> None:
    """Counted loops over runs repeat an experiment; records, stages and measurements do not."""
    root, facts = structural_facts(
        tmp_path,
        {
            "run_experiments.py": """
                def run_experiments(trials, seeds):
                    for i in range(trials):
                        run_nas_algorithm()
                    for i, seed in enumerate(seeds):
                        run_nas_algorithm(seed)
                    for epoch in range(n_epochs):
                        pass
                    for trial in study.trials:
                        pass
                    for repeat_index in range(len(computed_metrics)):
                        pass

                def measure_latency(model, n_runs):
                    for _ in range(n_runs):
                        model(x)
            """,
            "NASBench.ipynb": json.dumps(
                {
                    "nbformat": 4,
                    "metadata": {},
                    "cells": [
                        {
                            "cell_type": "code",
                            "source": ["for repeat in range(10):\n", "  run_random_search()\n"],
                        }
                    ],
                },
                indent=1,
            ),
            "workflow.py": "for irun in range(xargs.times):\n    main(irun)\n",
            "builder.py": "for id_repeat in range(repeats):\n    blocks.append(block())\n",
            "save_logits.py": """
                for idx, ((samples, targets), (keys, seeds)) in enumerate(data_loader):
                    for key, seed, index, value in zip(keys, seeds, indices, values):
                        save(key, seed)
            """,
        },
    )
    runs = sorted((s.path, s.line) for s in facts.seed_loops if s.kind == "python_run_loop")
    assert runs == [
        ("NASBench.ipynb", at(root, "NASBench.ipynb", "for repeat in")),
        ("run_experiments.py", at(root, "run_experiments.py", "i in range")),
        ("workflow.py", 1),
    ]
    (seeded,) = [s for s in facts.seed_loops if s.kind == "python_seed_loop"]
    assert (seeded.path, seeded.line) == (
        "run_experiments.py",
        at(root, "run_experiments.py", "enumerate(seeds)"),
    )


def test_recipe_and_export_switches_are_no_ablations(tmp_path: Path) -> None:
    _, facts = structural_facts(
        tmp_path,
        {
            "search.py": """
                import argparse
                parser = argparse.ArgumentParser()
                parser.add_argument('--no_nesterov', action='store_true')
                parser.add_argument('--no-wd-bn', action='store_true', default=False)
                parser.add_argument('--no-onnxsim', action='store_true')
                parser.add_argument('--no-model-ema', action='store_false')
                parser.add_argument('--use-sync-bn', action='store_true')
                parser.add_argument('--no_abs_pos', action='store_true')
            """,
            "config.py": "import absl.flags as flags\nflags.DEFINE_bool('use_tpu', False, 'TPU')\n",
            "net.json": '{"first_conv": {"name": "ConvLayer", "use_bn": true},\n'
            ' "use_cutout": false}\n',
        },
    )
    assert [(s.path, s.line, s.detail) for s in facts.ablations] == [
        ("search.py", 8, "--no_abs_pos"),
        ("net.json", 2, "use_cutout"),
    ]


def test_elapsed_time_needs_a_clock_reading(tmp_path: Path) -> None:
    """`end - start` is timing when either side reads a clock, by name or by assignment."""
    root, facts = structural_facts(
        tmp_path,
        {
            "main.py": """
                import time
                import tensorflow as tf

                def train():
                    start_time = time.time()
                    while True:
                        curr_time = time.time()
                        print("mins={:<10.2f}".format(float(curr_time - start_time) / 60))

                def evaluate():
                    start = time.perf_counter()
                    end = time.perf_counter()
                    return end - start

                class Hook:
                    def begin(self):
                        self._end_op = to_internal(tf.timestamp(name='end'))
                        self._total = self._end_op - self._start_op

                def sub_filter_start_end(kernel_size, sub_kernel_size):
                    start, end = kernel_size - sub_kernel_size, kernel_size
                    assert end - start == sub_kernel_size
                    now_idx = end - start_idx
            """,
        },
    )
    assert signals(facts.timing_code) == [
        ("main.py", at(root, "main.py", "curr_time - start_time"), "train"),
        ("main.py", at(root, "main.py", "return end - start"), "evaluate"),
        ("main.py", at(root, "main.py", "self._end_op - self._start_op"), "Hook.begin"),
    ]
