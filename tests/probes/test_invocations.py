"""Script invocations from shell scripts, SLURM jobs, Makefiles and docs; shell seed loops."""

from __future__ import annotations

from pathlib import Path

from structural import at, signals, structural_facts

from auditor.facts import Facts

TRAIN = "import argparse\nif __name__ == '__main__':\n    argparse.ArgumentParser().parse_args()\n"


def invocations(facts: Facts) -> list[tuple[str, int | None, str, str | None, bool]]:
    return [
        (i.path, i.line, i.script, i.resolved, i.in_seed_loop) for i in facts.script_invocations
    ]


def test_seed_loops_in_shell_scripts(tmp_path: Path) -> None:
    script = """
        #!/bin/bash
        cd "$(dirname "$0")/.."
        for seed in 0 1 2; do
            python train.py --seed $seed
        done
        for s in {1..5}; do python train.py --seed $s; done
        for i in $(seq 1 3); do
            CUDA_VISIBLE_DEVICES=0 python train.py --seed=$i --arch DARTS
        done
        for arch in A B; do
            python train.py --arch $arch --seed 0
        done
        SEEDS=(0 1 2)
        for x in ${SEEDS[@]}; do bash scripts/one.sh $x; done
    """
    root, facts = structural_facts(
        tmp_path, {"train.py": TRAIN, "scripts/run.sh": script, "scripts/one.sh": "echo one\n"}
    )
    run = "scripts/run.sh"
    assert invocations(facts) == [
        (run, at(root, run, "--seed $seed"), "train.py", "train.py", True),
        (run, at(root, run, "for s in"), "train.py", "train.py", True),
        (run, at(root, run, "--seed=$i"), "train.py", "train.py", True),
        (run, at(root, run, "--arch $arch"), "train.py", "train.py", False),
        (run, at(root, run, "bash scripts/one.sh"), "scripts/one.sh", "scripts/one.sh", True),
    ]
    assert facts.script_invocations[2].flags == {"--seed": "$i", "--arch": "DARTS"}
    assert signals(facts.seed_loops, "shell_seed_loop") == [
        (run, at(root, run, "for seed in"), "for seed in 0 1 2"),
        (run, at(root, run, "for s in"), "for s in {1..5}"),
        (run, at(root, run, "for x in"), "for x in ${SEEDS[@]}"),
        (run, at(root, run, "for i in"), "for i in $(seq 1 3)"),
    ]


def test_slurm_array_task_id_as_seed(tmp_path: Path) -> None:
    job = """
        #!/bin/bash
        #SBATCH --job-name=search
        #SBATCH --array=0-4
        SEED=$SLURM_ARRAY_TASK_ID
        srun python train.py --seed $SEED
    """
    other = "#SBATCH --array=0-4\n\npython train.py --config cfg_${SLURM_ARRAY_TASK_ID}.yaml\n"
    root, facts = structural_facts(
        tmp_path, {"train.py": TRAIN, "job.slurm": job, "other.sbatch": other}
    )
    assert invocations(facts) == [
        ("job.slurm", at(root, "job.slurm", "srun python"), "train.py", "train.py", True),
        ("other.sbatch", 3, "train.py", "train.py", False),
    ]
    assert signals(facts.seed_loops) == [
        ("job.slurm", at(root, "job.slurm", "--array"), "SBATCH --array=0-4"),
    ]


def test_readme_blocks_resolve_from_doc_folder_cd_and_root(tmp_path: Path) -> None:
    readme = """
        # Reproduce
        ```bash
        cd cnn && python train.py --auxiliary --cutout
        cd ../rnn && python train.py
        python -m tools.prepare --out data
        python -m pip install -r requirements.txt
        python missing.py
        ```
        ```python
        python not_shell.py
        ```
            $ python eval.py
    """
    files = {
        "README.md": readme,
        "cnn/train.py": TRAIN,
        "rnn/train.py": TRAIN,
        "tools/__init__.py": "",
        "tools/prepare.py": TRAIN,
        "docs/run.md": "```sh\npython eval.py --seed 1\n```\n",
        "docs/eval.py": TRAIN,
        "eval.py": TRAIN,
    }
    root, facts = structural_facts(tmp_path, files)
    assert invocations(facts) == [
        ("README.md", at(root, "README.md", "cd cnn"), "train.py", "cnn/train.py", False),
        ("README.md", at(root, "README.md", "cd ../rnn"), "train.py", "rnn/train.py", False),
        (
            "README.md",
            at(root, "README.md", "tools.prepare"),
            "tools.prepare",
            "tools/prepare.py",
            False,
        ),
        ("README.md", at(root, "README.md", "missing.py"), "missing.py", None, False),
        ("README.md", at(root, "README.md", "$ python eval.py"), "eval.py", "eval.py", False),
        ("docs/run.md", 2, "eval.py", "docs/eval.py", False),
    ]
    assert facts.script_invocations[0].flags == {"--auxiliary": "", "--cutout": ""}


def test_makefile_variables_and_unknown_prefix_variables(tmp_path: Path) -> None:
    makefile = "PY := python3\nsearch:\n\t$(PY) nas/search.py --seed 1\n\nall: search\n"
    script = "#!/bin/sh\n$ROOT/nas/search.py --fast\n$DATA/x/unknown.py\nsource activate env\n"
    _, facts = structural_facts(
        tmp_path, {"Makefile": makefile, "nas/search.py": TRAIN, "run.sh": script}
    )
    assert invocations(facts) == [
        ("Makefile", 3, "nas/search.py", "nas/search.py", False),
        ("run.sh", 2, "$ROOT/nas/search.py", "nas/search.py", False),
    ]
    assert facts.entry_points[0].invoked_by == ("Makefile", "run.sh")


def test_shell_timing_and_environment_recording(tmp_path: Path) -> None:
    script = (
        "#!/bin/bash\nnvidia-smi > logs/gpu.txt\npip freeze > logs/env.txt\n"
        "start=$SECONDS\ntime python train.py\n"
    )
    root, facts = structural_facts(tmp_path, {"run.sh": script, "train.py": TRAIN})
    assert [(s.line, s.kind) for s in facts.environment_recording] == [
        (2, "hardware"),
        (3, "versions"),
    ]
    assert signals(facts.timing_code) == [
        ("run.sh", at(root, "run.sh", "time python"), "shell time"),
        ("run.sh", at(root, "run.sh", "$SECONDS"), "shell clock"),
    ]
