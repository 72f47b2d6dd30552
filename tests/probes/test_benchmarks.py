"""Tabular and surrogate benchmarks: imports, data files (named or committed), docs, own tables."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from structural import at, structural_facts

from auditor.facts import Facts
from auditor.probes.benchmarks import anchored_text_lines
from auditor.probes.pycode import anchored_lines

NB101 = """
    from nasbench import api
    NASBENCH_TFRECORD = 'data/nasbench_only108.tfrecord'
    nasbench = api.NASBench(NASBENCH_TFRECORD)
"""
NB201 = """
    import torch
    # a comment about NAS-Bench-301 is not a use
    def load():
        return torch.load('NAS-Bench-201-v1_1-096897.pth')
"""
OTHERS = """
    from nats_bench import create
    import nasbench301 as nb
    from hw_nas_bench.hw_nas_bench_api import HWNASBenchAPI
"""
OWN = """
    import json

    DEFAULT_PATH = 'benchmark/table.json'

    def query(arch, path=DEFAULT_PATH):
        with open(path) as f:
            return json.load(f)[arch]
"""


def uses(facts: Facts) -> list[tuple[str, str, int | None, str]]:
    return [(b.benchmark, b.path, b.line, b.how) for b in facts.benchmarks]


def test_imports_named_data_files_and_code_identifiers(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path, {"nb101.py": NB101, "nb201.py": NB201, "others.py": OTHERS}
    )
    assert uses(facts) == [
        ("NAS-Bench-101", "nb101.py", at(root, "nb101.py", "from nasbench"), "import"),
        ("NAS-Bench-201", "nb201.py", at(root, "nb201.py", "torch.load"), "data_file"),
        ("NATS-Bench", "others.py", 1, "import"),
        ("NAS-Bench-301", "others.py", 2, "import"),
        ("HW-NAS-Bench", "others.py", 3, "import"),
    ]


def test_docs_configs_dependencies_and_committed_files(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "README.md": "# Results\nWe evaluate on NAS-Bench-201 and a tabular benchmark.\n"
            "Download `nb201_cifar10_full_training.pickle` into data/.\n",
            "configs/run.yaml": "search_space: nasbench301\n",
            "requirements.txt": "torch\nnas-bench-201==2.1\n",
            "data/NATS-tss-v1_0-3ffb9-simple.pickle.pbz2": b"\x00bin",
            "scripts/run.sh": "# NAS-Bench-101 is unused here\npython x.py --space nb201\n",
        },
    )
    assert sorted(uses(facts)) == sorted(
        [
            ("NAS-Bench-201", "README.md", 2, "doc"),
            ("tabular benchmark", "README.md", 2, "doc"),
            ("NAS-Bench-Suite/NASLib", "README.md", 3, "data_file"),
            ("NAS-Bench-301", "configs/run.yaml", 1, "code"),
            ("NAS-Bench-201", "requirements.txt", 2, "import"),
            ("NATS-Bench", "data/NATS-tss-v1_0-3ffb9-simple.pickle.pbz2", None, "data_file"),
            ("NAS-Bench-201", "scripts/run.sh", at(root, "scripts/run.sh", "nb201"), "code"),
        ]
    )


def test_own_tabular_benchmark_needs_a_query_function_and_a_table(tmp_path: Path) -> None:
    root, facts = structural_facts(
        tmp_path,
        {
            "tabular_bench.py": OWN,
            "benchmarks/speed.py": "import time\n\ndef query_speed():\n    return time.time()\n",
        },
    )
    assert uses(facts) == [
        (
            "own tabular benchmark",
            "tabular_bench.py",
            at(root, "tabular_bench.py", "def query"),
            "code",
        ),
    ]


def test_naslib_own_package_name_is_not_a_benchmark_use(tmp_path: Path) -> None:
    _, facts = structural_facts(
        tmp_path,
        {
            "naslib/__init__.py": "",
            "naslib/utils.py": "import naslib\nPATH = 'naslib/data/zc_nasbench201.json'\n",
            "examples/demo.py": "from naslib.utils import PATH\n",
        },
    )
    assert uses(facts) == [("NAS-Bench-Suite/NASLib", "naslib/utils.py", 2, "data_file")]


def _lines_by_offsets(text: str, anchors: tuple[str, ...]) -> list[tuple[int, str]]:
    """The lines as read before: offsets of every line, then `anchored_lines`."""
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    out = []
    for number in anchored_lines(text.lower(), anchors, lambda i: bisect.bisect_right(starts, i)):
        end = starts[number] if number < len(starts) else len(text)
        out.append((number, text[starts[number - 1] : end].rstrip("\r\n")))
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["NB", "nb", "Bench", "naslib", "x", " ", "\n", "\r\n", "\r", "İ", "Σ"]),
        max_size=40,
    )
)
def test_anchored_text_lines_are_the_lines_anchored_lines_finds(parts: list[str]) -> None:
    # NOTE: `İ` lowercases to two characters: offsets in the lowercased text drift, and the
    # lines must drift as they did
    text = "".join(parts)
    anchors = ("bench", "nb", "naslib")
    assert list(anchored_text_lines(text, anchors)) == _lines_by_offsets(text, anchors)
