"""Docs probe: sections by Markdown/rST headings, one mention per (section, topic), exact lines."""

from __future__ import annotations

import textwrap
from pathlib import Path

from builders import lines_of, make_repo
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.facts import DocTopic, Facts
from auditor.inventory import build_inventory
from auditor.probes import docs, docs_topics
from auditor.probes.docs_text import split_sections
from auditor.repo import Repo
from auditor.target import open_target


def probe(root: Path) -> Facts:
    """Run only the docs probe (the package may not import fully while others write theirs)."""
    snapshot = open_target(str(root))
    facts = Facts()
    docs.run(Repo(snapshot, build_inventory(snapshot)), facts)
    return facts


def found(facts: Facts, path: str = "README.md") -> set[tuple[str, int | None, str | None]]:
    return {(m.topic.value, m.line, m.heading) for m in facts.docs if m.path == path}


README = """
    # NAS with everything documented
    <!-- Hardware: 8 V100 GPUs, seed 3, 2 GPU days (hidden in a comment) -->
    Code for the paper.

    ## Installation
    Create the environment first.
    ```bash
    conda env create -f environment.yml
    ```

    ## Hardware
    All experiments ran on one NVIDIA V100 (16GB).

    ## Compute cost
    The search takes about 0.4 GPU days; final training needs
    36 hours on a single 1080 Ti.

    ## How we set hyperparameters
    We did not tune much: the learning rate was chosen by
    grid search on the validation set.

    ## Results
    | Method | Test error (%) | Params |
    |--------|----------------|--------|
    | Ours   | 2.76 ± 0.09    | 3.3M   |

    Datasets
    --------
    We use CIFAR-10 with a 50/50 train/valid split.

    ## Seeds
    We report the mean ± std over 4 runs with random seeds 0, 1, 2, 3.

    ## Software
    Tested with Python 3.6 and PyTorch 1.0.1.

    ## Reproducing the paper
    ```
    python train_search.py --seed 0   # the search
    bash scripts/run_all.sh
    ```

    ## Ablations
    Removing the auxiliary tower costs 0.2%.

    ## Comparison
    Our method beats random search by a wide margin.
"""


def test_every_topic_at_its_first_evidence_line(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"README.md": README, "LICENSE": "MIT"})
    facts = probe(root)
    assert facts.doc_files == ["README.md"]

    def line(needle: str) -> int:
        return lines_of(root, "README.md", needle)[0]

    assert found(facts) == {
        ("setup", line("## Installation"), "Installation"),
        ("hardware", line("## Hardware"), "Hardware"),
        ("time", line("## Compute cost"), "Compute cost"),
        ("hardware", line("36 hours"), "Compute cost"),
        ("tuning", line("We did not tune"), "How we set hyperparameters"),
        ("datasets", line("grid search on the validation"), "How we set hyperparameters"),
        ("results", line("## Results"), "Results"),
        ("seeds", line("2.76 ± 0.09"), "Results"),
        ("datasets", line("Datasets"), "Datasets"),
        ("seeds", line("## Seeds"), "Seeds"),
        ("versions", line("## Software"), "Software"),
        ("reproduce", line("## Reproducing"), "Reproducing the paper"),
        ("ablation", line("## Ablations"), "Ablations"),
        ("baselines", line("## Comparison"), "Comparison"),
    }
    hidden = line("hidden in a comment")
    assert all(m.line != hidden for m in facts.docs)
    first = next(m for m in facts.docs if m.topic is DocTopic.TIME)
    assert first.snippet == "## Compute cost"


def test_body_evidence_when_headings_say_nothing(tmp_path: Path) -> None:
    readme = """
        # Notes
        Searching takes 4 GPU-days
        on 8 Tesla V100 cards.
        ```
        pip install -r requirements.txt
        python3 train.py --seed 2
        ```
        The random seeds are listed in run.sh.
    """
    root = make_repo(tmp_path / "r", {"README.md": readme})
    facts = probe(root)

    def line(needle: str) -> int:
        return lines_of(root, "README.md", needle)[0]

    assert found(facts) == {
        ("time", line("4 GPU-days"), "Notes"),
        ("hardware", line("Tesla V100"), "Notes"),
        ("setup", line("pip install"), "Notes"),
        ("reproduce", line("python3 train.py"), "Notes"),
        ("seeds", line("random seeds"), "Notes"),
    }


def test_random_sampling_is_a_baseline_only_of_architectures(tmp_path: Path) -> None:
    readme = """
        # Updates
        - The implementation of random sampling is also uploaded for your consideration.

        # Data
        10% of the images are random sampled from each class as the search split.

        # Results
        We compare with 24 randomly sampled architectures trained with our protocol.
    """
    root = make_repo(tmp_path / "r", {"README.md": readme})
    facts = probe(root)
    assert {m for m in found(facts) if m[0] == "baselines"} == {
        ("baselines", lines_of(root, "README.md", "24 randomly sampled")[0], "Results"),
    }


def test_time_needs_a_number_and_code_counts_only_for_commands(tmp_path: Path) -> None:
    readme = """
        # Training
        This takes some time, and time matters; see the timeline.
        Over time the accuracy improves.
        ```python
        import time
        search_space = SimpleCellSearchSpace()
        start = time.time()  # 3 hours on a V100 with seed 1
        ```
        <!--
        It took 12 hours.
        -->
    """
    root = make_repo(tmp_path / "r", {"README.md": readme})
    assert found(probe(root)) == set()


def test_titles_cpu_models_and_software_runtimes_are_not_hardware_or_time(tmp_path: Path) -> None:
    # ProxylessNAS: the title names the target hardware, "i5 8300H" is a CPU, not 8300 hours,
    # "ONNX Runtime" is software; nb301: a sentence-long heading about model "versions".
    readme = """
        # ProxylessNAS: Direct Neural Architecture Search on Target Task and Hardware [[arXiv]](https://arxiv.org/abs/1812.00332)
        Runs at 80FPS on an i5 8300H.

        ### ONNX Runtime
        Export the model first.

        ## NOTE: This codebase is still subject to changes. Upcoming updates include improved versions of the surrogate models.
        Stay tuned.

        ## Hardware-aware search
        The latency table is below.
    """  # noqa: E501
    root = make_repo(tmp_path / "r", {"README.md": readme})
    assert found(probe(root)) == set()


def test_short_headings_and_lower_case_hours_still_count(tmp_path: Path) -> None:
    readme = """
        # Hardware and software
        Nothing else here.

        ## Run time
        See the table.

        ## Versions
        See requirements.

        ## Search
        The search took 12h in total.
    """
    root = make_repo(tmp_path / "r", {"README.md": readme})

    def line(needle: str) -> int:
        return lines_of(root, "README.md", needle)[0]

    assert found(probe(root)) == {
        ("hardware", line("# Hardware and software"), "Hardware and software"),
        ("versions", line("# Hardware and software"), "Hardware and software"),
        ("time", line("## Run time"), "Run time"),
        ("versions", line("## Versions"), "Versions"),
        ("time", line("12h"), "Search"),
    }


def test_latency_tables_name_targets_but_cost_tables_name_the_hardware(tmp_path: Path) -> None:
    # OFA: a model zoo lists the devices the latency was measured on, not the setup
    readme = """
        ## Model zoo
        | Name | Constraint | Top-1 |
        |  **V100 GPU (Batch Size 64)** |
        | ofa-v100-11 | v100_gpu64@11ms_top1@76.1_finetune@25 | 76.1 |

        ## Search cost
        | Method | GPU-days | Hardware |
        | ours   | 0.3      | 1080 Ti  |
    """
    root = make_repo(tmp_path / "r", {"README.md": readme})

    def line(needle: str) -> int:
        return lines_of(root, "README.md", needle)[0]

    assert found(probe(root)) == {
        ("results", line("## Model zoo"), "Model zoo"),
        ("hardware", line("| ours"), "Search cost"),
        ("time", line("## Search cost"), "Search cost"),
    }


def test_saying_hyperparameters_were_not_tuned_is_a_report_on_tuning(tmp_path: Path) -> None:
    """D1 asks how hyperparameters were tuned: "we did not tune them" is an honest answer."""
    readme = """
        ## Training
        We did not tune the hyperparameters; all of them are the defaults of DARTS.
    """
    root = make_repo(tmp_path / "r", {"README.md": readme})
    assert found(probe(root)) == {
        ("tuning", lines_of(root, "README.md", "did not tune")[0], "Training"),
    }


def test_rst_headings_code_blocks_and_overlines(tmp_path: Path) -> None:
    rst = """
        ==========
        NAS Manual
        ==========

        Requirements
        ------------
        * Python (>=3.7).

        Running experiments
        -------------------
        Run the search::

            python search.py --seed 1

        .. code-block:: console

            bash run_all.sh

        .. This comment says 8 GPU days and is ignored.

        Hardware notes
        ~~~~~~~~~~~~~~
        We trained on 4 TPUs.
    """
    root = make_repo(tmp_path / "r", {"docs/manual.rst": rst, "docs/_build/x.html": "<p/>"})
    facts = probe(root)
    assert facts.doc_files == ["docs/manual.rst"]

    def line(needle: str) -> int:
        return lines_of(root, "docs/manual.rst", needle)[0]

    assert found(facts, "docs/manual.rst") == {
        ("setup", line("Requirements"), "Requirements"),
        ("versions", line("Python (>=3.7)"), "Requirements"),
        ("reproduce", line("Running experiments"), "Running experiments"),
        ("hardware", line("Hardware notes"), "Hardware notes"),
    }
    sections = split_sections((root / "docs/manual.rst").read_text(), rst=True)
    assert [(s.heading, s.line, s.level) for s in sections] == [
        ("NAS Manual", 2, 1),
        ("Requirements", 5, 2),
        ("Running experiments", 9, 2),
        ("Hardware notes", 21, 3),
    ]
    assert [ln.number for ln in sections[2].lines if ln.kind == "code"] == [13, 17]


def test_doc_file_selection_and_order(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {
            "cnn/README.md": "# CNN\n",
            "README.rst": "Title\n=====\n",
            "README.md": "# Top\n",
            "docs/setup.md": "# Setup\n",
            "docs/notes.txt": "notes\n",
            "CHANGELOG.md": "# 1.0\n",
            "CONTRIBUTING.md": "# Help\n",
            "INSTALL.md": "# Install\n",
            "src/notes.md": "# x\n",
            "docs/_sources/nb.ipynb.txt": "{}\n",
        },
    )
    assert probe(root).doc_files == [
        "README.md",
        "README.rst",
        "INSTALL.md",
        "cnn/README.md",
        "docs/setup.md",
        "docs/notes.txt",
    ]


def test_mentions_are_capped_per_file(tmp_path: Path) -> None:
    text = "".join(f"## Ablation {i}\nablation {i}\n\n" for i in range(80))
    root = make_repo(tmp_path / "r", {"README.md": text})
    assert len(probe(root).docs) == docs.MAX_MENTIONS_PER_FILE


# ------------------------------------------------------------------- splitter properties

WORDS = st.lists(
    st.sampled_from(["search", "cell", "GPU", "alpha", "Results", "seed", "x"]),
    min_size=1,
    max_size=5,
).map(" ".join)
BLOCK = st.one_of(
    st.tuples(st.just("atx"), st.integers(1, 6), WORDS),
    st.tuples(st.just("setext"), st.sampled_from([1, 2]), WORDS),
    st.tuples(st.just("para"), st.integers(1, 3), WORDS),
    st.tuples(st.just("code"), st.integers(1, 3), WORDS),
    st.tuples(st.just("comment"), st.integers(1, 2), WORDS),
)


def _render(blocks: list[tuple[str, int, str]]) -> tuple[str, list[tuple[str, int, int]]]:
    """Markdown text and the headings (text, 1-based line, level) it must split into."""
    lines: list[str] = []
    expected: list[tuple[str, int, int]] = []
    for kind, n, words in blocks:
        if kind == "atx":
            expected.append((words, len(lines) + 1, n))
            lines.append("#" * n + " " + words)
        elif kind == "setext":
            expected.append((words, len(lines) + 1, n))
            lines += [words, ("=" if n == 1 else "-") * (len(words) + 1)]
        elif kind == "para":
            lines += [words] * n
        elif kind == "code":
            lines += ["```", *(["# " + words] * n), "```"]
        else:
            lines += ["<!--", *(["## " + words] * n), "-->"]
        lines.append("")
    return "\n".join(lines), expected


@settings(max_examples=150, deadline=None)
@given(st.lists(BLOCK, max_size=8))
def test_markdown_splitter_finds_exactly_the_headings(blocks: list[tuple[str, int, str]]) -> None:
    text, expected = _render(blocks)
    sections = split_sections(text)
    got = [(s.heading, s.line, s.level) for s in sections if s.heading is not None]
    assert got == expected
    numbers = [ln.number for s in sections for ln in s.lines]
    heading_lines = {line for _, line, _ in expected}
    assert numbers == sorted(numbers) and not heading_lines & set(numbers)
    raw = text.splitlines()
    assert all(raw[ln.number - 1] == ln.raw for s in sections for ln in s.lines)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_splitters_never_raise(text: str) -> None:
    for rst in (False, True):
        sections = split_sections(text, rst=rst)
        assert all(ln.number >= 1 for s in sections for ln in s.lines)
    docs.mentions_in("README.md", text)


def test_prefilter_triggers_cover_every_match() -> None:
    samples = [
        *textwrap.dedent(README).splitlines(),
        "3h on a K80",
        "0.4 GPU-days",
        "top-1 acc",
        "We trained on 4 TPUs",
        "5 independent runs",
        "conda activate nas",
        "uv sync",
        "sbatch job.slurm",
        "./run.sh",
        "held-out data",
    ]
    for rule in docs_topics.RULES:
        for sample in samples:
            for pattern in (rule.prose, rule.weak, rule.code):
                if pattern is not None and pattern.search(sample):
                    low = sample.lower()
                    assert any(t in low for t in rule.triggers) or (
                        rule.trigger_rx is not None and rule.trigger_rx.search(low)
                    ), (rule, sample)
