"""One fixture per missing practice: the compliant repository with one practice taken away.

Each builder returns the files of `compliant_files()` changed in one respect; the tests in
test_e2e_practices.py assert which items change and the evidence that explains them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nasfixtures import compliant_files, readme, replace

Files = dict[str, str]


def _without_lines(text: str, *needles: str) -> str:
    """`text` without the lines containing any needle (each needle must match a line)."""
    for needle in needles:
        assert needle in text, needle
    return "".join(
        line for line in text.splitlines(keepends=True) if not any(n in line for n in needles)
    )


def no_final_training() -> Files:
    """R1: the repository has no script that trains the found cell from scratch."""
    files = compliant_files()
    del files["train.py"]
    files["scripts/run_all.sh"] = _without_lines(files["scripts/run_all.sh"], "train.py --arch")
    return files


def no_search_space() -> Files:
    """R2: the operation set is not released (operations.py is missing)."""
    files = compliant_files()
    del files["operations.py"]
    return files


def final_training_unseeded() -> Files:
    """R3: train.py never seeds (only the DataLoader generator in data.py is seeded)."""
    files = compliant_files()
    files["train.py"] = _without_lines(files["train.py"], "utils.set_seed(args.seed)")
    return files


def no_search_code() -> Files:
    """R4: only the final training and the benchmark look-ups are released, no search."""
    files = compliant_files()
    for path in ("train_search.py", "random_search.py", "architect.py", "model_search.py"):
        del files[path]
    files["scripts/run_all.sh"] = _without_lines(
        files["scripts/run_all.sh"], "train_search.py", "random_search.py"
    )
    return files


def search_unseeded() -> Files:
    """R5: train_search.py never seeds (random_search.py still does)."""
    files = compliant_files()
    files["train_search.py"] = _without_lines(files["train_search.py"], "utils.set_seed(")
    return files


RANDOM_SEARCH_OWN_SPLIT = '''
    """Random-search baseline, trained with the shared loops on its own 90/10 split."""
    import argparse
    import random

    import torch
    import torch.nn as nn
    import torchvision

    import utils
    from genotypes import Genotype
    from model import NetworkCIFAR
    from operations import PRIMITIVES
    from trainer import evaluate, train_epoch

    parser = argparse.ArgumentParser("random_search")
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)


    def rs_loaders():
        data = torchvision.datasets.CIFAR10("./data", train=True, download=True)
        n_train = int(0.9 * len(data))
        train_set, valid_set = torch.utils.data.random_split(data, [n_train, len(data) - n_train])
        train = torch.utils.data.DataLoader(train_set, batch_size=256, shuffle=True)
        valid = torch.utils.data.DataLoader(valid_set, batch_size=256)
        return train, valid


    def sample_genotype():
        normal = [(random.choice(PRIMITIVES), i % 2) for i in range(3)]
        return Genotype(normal=normal, normal_concat=[2, 3])


    def main():
        args = parser.parse_args()
        utils.set_seed(args.seed)
        logger = utils.get_logger("random_search")
        train_queue, valid_queue = rs_loaders()
        criterion = nn.CrossEntropyLoss()
        best, best_acc = None, -1.0
        for _ in range(args.samples):
            genotype = sample_genotype()
            model = NetworkCIFAR(16, 10, genotype)
            optimizer = torch.optim.SGD(model.parameters(), 0.025, momentum=0.9)
            for epoch in range(args.epochs):
                train_epoch(model, train_queue, optimizer, criterion, logger)
            acc = evaluate(model, valid_queue)
            if acc > best_acc:
                best, best_acc = genotype, acc
        logger.info("best genotype = %s", best)


    if __name__ == "__main__":
        main()
'''

RANDOM_SEARCH_OWN_PROTOCOL = '''
    """Random-search baseline on the shared split, trained and tested by its own short loop:
    its best cell is reported from here, not trained again by train.py."""
    import argparse
    import random

    import torch
    import torch.nn as nn

    import utils
    from data import get_loaders
    from genotypes import Genotype
    from model import NetworkCIFAR
    from operations import PRIMITIVES

    parser = argparse.ArgumentParser("random_search")
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)


    def rs_train(model, queue, epochs):
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        criterion = nn.CrossEntropyLoss()
        for epoch in range(epochs):
            for x, y in queue:
                optimizer.zero_grad()
                criterion(model(x), y).backward()
                optimizer.step()


    def rs_infer(model, test_queue):
        model.eval()
        with torch.no_grad():
            hits = sum((model(x).argmax(1) == y).sum().item() for x, y in test_queue)
        return hits / len(test_queue.dataset)


    def sample_genotype():
        normal = [(random.choice(PRIMITIVES), i % 2) for i in range(3)]
        return Genotype(normal=normal, normal_concat=[2, 3])


    def main():
        args = parser.parse_args()
        utils.set_seed(args.seed)
        logger = utils.get_logger("random_search")
        train_queue, _, test_queue = get_loaders(64, args.seed)
        best, best_acc = None, -1.0
        for _ in range(args.samples):
            genotype = sample_genotype()
            model = NetworkCIFAR(16, 10, genotype)
            rs_train(model, train_queue, args.epochs)
            acc = rs_infer(model, test_queue)
            if acc > best_acc:
                best, best_acc = genotype, acc
        logger.info("best genotype = %s test_acc %f", best, best_acc)


    if __name__ == "__main__":
        main()
'''


def random_search_own_split() -> Files:
    """C1: random search trains on its own 90/10 split (with the shared training loops)."""
    files = compliant_files()
    files["random_search.py"] = RANDOM_SEARCH_OWN_SPLIT
    return files


def random_search_own_protocol() -> Files:
    """C4: random search reports its best cell from its own short training and test loop,
    while the DARTS cell is trained by train.py."""
    files = compliant_files()
    files["random_search.py"] = RANDOM_SEARCH_OWN_PROTOCOL
    files["scripts/run_all.sh"] = _without_lines(files["scripts/run_all.sh"], "--arch RS_BEST")
    return files


def unpinned_requirements() -> Files:
    """C2: the dependencies are declared without versions."""
    files = compliant_files()
    files["requirements.txt"] = "torch\ntorchvision\nnumpy>=1.20\nnas-bench-201\n"
    return files


def no_ablation() -> Files:
    """C3: no switch to turn a component off, no ablation section."""
    files = compliant_files()
    search = _without_lines(files["train_search.py"], '"--no-skip"')
    files["train_search.py"] = replace(
        search,
        'primitives = [p for p in PRIMITIVES if not (args.no_skip and p == "skip_connect")]',
        "primitives = PRIMITIVES",
    )
    files["README.md"] = readme(drop=("Ablation",))
    return files


def no_timing() -> Files:
    """C5: neither the code nor the logs measure elapsed time."""
    files = compliant_files()
    for path in ("train_search.py", "random_search.py", "trainer.py", "train.py"):
        text = files[path].replace(", time.time() - start)", ")").replace(" elapsed %.1fs", "")
        text = text.replace(", trajectory = time.time(), []", " = time.time()")
        text = text.replace(", trajectory = None, -1.0, []", " = None, -1.0")
        files[path] = _without_lines(text, "trajectory.append") if "trajectory" in text else text
    for path in ("logs/seed0.log", "logs/seed1.log"):
        text = files[path].replace(" elapsed 60.0s", "").replace(" elapsed 120.0s", "")
        files[path] = re.sub(r"(?m)^(\s*)2024-01-0\d \d\d:\d\d:\d\d ", r"\1", text)
    return files


def no_random_search() -> Files:
    """C6: DARTS alone; no random-search baseline in code or docs."""
    files = compliant_files()
    del files["random_search.py"]
    files["scripts/run_all.sh"] = _without_lines(
        files["scripts/run_all.sh"], "random_search.py", "--arch RS_BEST"
    )
    files["README.md"] = replace(
        readme(
            Time_and_cost="""
                The search takes 0.4 GPU hours per seed and the final training of one cell
                12 GPU hours per seed: 37.2 GPU hours end to end.
            """,
            Results="Test error over seeds 0, 1, 2 (mean ± std): DARTS 3.1 ± 0.1.",
        ),
        "A small DARTS study with a random-search baseline.",
        "A small DARTS study.",
    )
    return files


def single_seed() -> Files:
    """C7: one seed everywhere: no loop, no seed list, one log."""
    files = compliant_files()
    files["scripts/run_all.sh"] = """
        #!/bin/bash
        # Every experiment of the paper.
        set -e
        python train_search.py --seed 0
        python random_search.py --seed 0
        python train.py --arch DARTS --seed 0
        python train.py --arch RS_BEST --seed 0
        python bench_eval.py
    """
    files["configs/train.yaml"] = files["configs/train.yaml"].replace("seeds: [0, 1, 2]", "seed: 0")
    del files["logs/seed1.log"]
    files["README.md"] = readme(
        Time_and_cost="""
            The search takes 0.4 GPU hours, the random search 0.5 GPU hours, and the final
            training of one cell 12 GPU hours: 25.3 GPU hours end to end.
        """,
        Results="Test error: DARTS 3.1, random search 3.4.",
        Ablation="Without skip connections (`--no-skip`) the search finds 3.5.",
    )
    return files


def single_seed_claimed() -> Files:
    """C7: one seed in code, scripts, configs and logs, while the README reports mean ± std
    over three seeds."""
    files = single_seed()
    files["README.md"] = readme()
    return files


def no_benchmark() -> Files:
    """C8: no tabular or surrogate benchmark anywhere."""
    files = compliant_files()
    del files["bench_eval.py"]
    files["requirements.txt"] = _without_lines(files["requirements.txt"], "nas-bench-201")
    files["scripts/run_all.sh"] = _without_lines(files["scripts/run_all.sh"], "bench_eval.py")
    return files


def no_tuning_docs() -> Files:
    """D1: the README does not say how the hyperparameters were tuned."""
    files = compliant_files()
    files["README.md"] = readme(drop=("Hyperparameter tuning",))
    return files


def no_time_docs() -> Files:
    """D2: the README gives no run time (only the tuning section says how long it took)."""
    files = compliant_files()
    files["README.md"] = readme(drop=("Time and cost",))
    return files


def no_setup_details() -> Files:
    """D3: the README names no hardware, no versions and no data split."""
    files = compliant_files()
    files["README.md"] = readme(
        drop=("Hardware", "Data"),
        Hyperparameter_tuning="""
            We tuned the learning rate by grid search over {0.01, 0.025, 0.05}, which took
            6 GPU hours.
        """,
    )
    return files


def no_setup_details_anywhere() -> Files:
    """D3: as no_setup_details, and the code no longer logs the GPU it ran on."""
    files = no_setup_details()
    files["utils.py"] = replace(
        files["utils.py"],
        'logger.info("torch %s on %s", torch.__version__, torch.cuda.get_device_name(0))',
        'logger.info("torch %s", torch.__version__)',
    )
    return files


VARIANTS: dict[str, Callable[[], Files]] = {
    "R1": no_final_training,
    "R2": no_search_space,
    "R3": final_training_unseeded,
    "R4": no_search_code,
    "R5": search_unseeded,
    "C1": random_search_own_split,
    "C4": random_search_own_protocol,
    "C2": unpinned_requirements,
    "C3": no_ablation,
    "C5": no_timing,
    "C6": no_random_search,
    "C7": single_seed,
    "C7-claimed": single_seed_claimed,
    "C8": no_benchmark,
    "D1": no_tuning_docs,
    "D2": no_time_docs,
    "D3": no_setup_details,
    "D3-anywhere": no_setup_details_anywhere,
}


# ------------------------------------------------------------------------ seeding pitfalls


def loaders_unseeded(files: Files) -> Files:
    """The compliant files with DataLoaders that seed no generator, so that train.py seeds
    only through the line a pitfall fixture puts in place of `utils.set_seed(args.seed)`."""
    files = dict(files)
    data = replace(files["data.py"], "generator = torch.Generator().manual_seed(seed)", "")
    data = data.replace(", generator=generator)", ")")
    files["data.py"] = replace(
        data, "def get_loaders(batch_size, seed):", "def get_loaders(batch_size):"
    )
    for path in ("train.py", "train_search.py", "random_search.py"):
        files[path] = replace(
            files[path], "get_loaders(args.batch_size, args.seed)", "get_loaders(args.batch_size)"
        )
    return files


def train_seeding(seeding: str, files: Files | None = None) -> Files:
    """The compliant files (loaders unseeded) with train.py's seeding line replaced."""
    files = loaders_unseeded(files or compliant_files())
    files["train.py"] = replace(files["train.py"], "    utils.set_seed(args.seed)\n", seeding)
    return files


def seed_flag_unused() -> Files:
    """--seed is parsed but nothing seeds with it."""
    return train_seeding("")


def seeding_only_in_unreachable_helper() -> Files:
    """Only a data-preparation helper that no entry point calls seeds."""
    files = train_seeding("")
    files["data.py"] += (
        "\n\n"
        "def shuffle_index_file(path):\n"
        "    np.random.seed(0)\n"
        "    order = np.random.permutation(50000)\n"
        "    np.save(path, order)\n"
    )
    return files


def seeding_in_docstring() -> Files:
    """The seeding call is only an example in main()'s docstring."""
    files = train_seeding("")
    files["train.py"] = replace(
        files["train.py"],
        "def main():\n",
        'def main():\n    """Train one cell. Seed first:\n\n'
        '        torch.manual_seed(args.seed)\n    """\n',
    )
    return files


def seeding_in_dead_code() -> Files:
    """The seeding call sits under `if False:`."""
    return train_seeding("    if False:\n        utils.set_seed(args.seed)\n")


def worker_init_fn_called() -> Files:
    """`worker_init_fn=np.random.seed(0)` calls the seed once and passes None to the loader;
    nothing else seeds."""
    files = train_seeding("")
    files["data.py"] = replace(
        files["data.py"],
        "test_queue = torch.utils.data.DataLoader(test_data, batch_size=batch_size, shuffle=False)",
        "test_queue = torch.utils.data.DataLoader(\n"
        "        test_data, batch_size=batch_size, num_workers=4,\n"
        "        worker_init_fn=np.random.seed(0),\n"
        "    )",
    )
    return files


def benchmark_after_seeding() -> Files:
    """Seeds are set, then cudnn.benchmark is switched back on."""
    return train_seeding(
        "    utils.set_seed(args.seed)\n    torch.backends.cudnn.benchmark = True\n"
    )


def seed_from_clock() -> Files:
    """The seed is taken from the clock."""
    return train_seeding("    utils.set_seed(int(time.time()))\n")


PITFALLS = {
    "unused_flag": seed_flag_unused,
    "unreachable_helper": seeding_only_in_unreachable_helper,
    "docstring": seeding_in_docstring,
    "dead_code": seeding_in_dead_code,
    "worker_init_fn": worker_init_fn_called,
    "benchmark_after_seed": benchmark_after_seeding,
    "time": seed_from_clock,
}


def search_seed_from_clock() -> Files:
    """The search (train_search.py) takes its seed from the clock; the final training does not."""
    files = loaders_unseeded(compliant_files())
    files["train_search.py"] = replace(
        files["train_search.py"], "utils.set_seed(args.seed)", "utils.set_seed(int(time.time()))"
    )
    return files
