"""Checks of the example: configs, search space, benchmark and determinism."""

import argparse
from pathlib import Path

import pytest
import torch

import genotypes
import model
import model_search
import random_search
import summarize
import tabular_bench
import train
import train_search
import tune
import utils
from data import NUM_CLASSES, SPLIT_SIZES, make_dataset

CONFIGS = [
    (train, "configs/train.yaml"),
    (train_search, "configs/search.yaml"),
    (random_search, "configs/random_search.yaml"),
    (tabular_bench, "configs/bench.yaml"),
    (tune, "configs/tune.yaml"),
]


@pytest.mark.parametrize(("module", "config"), CONFIGS)
def test_code_defaults_equal_config(module: object, config: str) -> None:
    defaults = vars(module.build_parser().parse_args([]))
    for key, value in utils.load_config(config).items():
        if key not in utils.META_KEYS:
            assert defaults[key] == value, f"{config}: {key}"


def test_random_search_and_benchmark_share_the_protocol() -> None:
    rs = utils.parse_args(random_search.build_parser(), "configs/random_search.yaml", [])
    bench = utils.parse_args(tabular_bench.build_parser(), "configs/bench.yaml", [])
    table = tabular_bench.load(tabular_bench.DEFAULT_PATH)
    assert train.protocol(rs) == train.protocol(bench) == table["meta"]["protocol"]


def test_benchmark_covers_the_search_space() -> None:
    table = tabular_bench.load(tabular_bench.DEFAULT_PATH)
    assert sorted(table["archs"]) == sorted(tabular_bench.all_architectures())
    assert len(table["archs"]) == 64


def test_dataset_is_fixed_by_the_data_seed() -> None:
    a, b = make_dataset(2020), make_dataset(2020)
    for name, n in SPLIT_SIZES.items():
        assert len(getattr(a, name)) == n
        assert torch.equal(getattr(a, name).tensors[0], getattr(b, name).tensors[0])


def test_supernet_and_discrete_network() -> None:
    x = torch.randn(4, 1, 8, 8)
    net = model_search.Network(4, NUM_CLASSES, layers=1)
    assert net(x).shape == (4, NUM_CLASSES)
    genotype = net.genotype()
    assert genotypes.from_str(genotypes.arch_str(genotype)) == genotype
    assert model.Network(genotype, 4, NUM_CLASSES, layers=1)(x).shape == (4, NUM_CLASSES)


def test_genotypes_match_the_logs() -> None:
    log_dir = utils.resolve("logs")
    assert summarize.check_genotypes(log_dir, tabular_bench.DEFAULT_PATH) == []


def _drop_timing(final: dict) -> dict:
    return {k: v for k, v in final.items() if "seconds" not in k}


@pytest.mark.parametrize(
    ("main", "flags"),
    [
        (train.main, ["--arch", "RANDOM_BEST", "--epochs", "2"]),
        (train_search.main, ["--epochs", "2"]),
        (random_search.main, ["--n_samples", "3", "--epochs", "1"]),
    ],
)
def test_same_seed_same_result(main: object, flags: list[str], tmp_path: Path) -> None:
    runs = [main([*flags, "--seed", "1", "--log_dir", str(tmp_path / str(k))]) for k in (0, 1)]
    assert _drop_timing(runs[0]) == _drop_timing(runs[1])


def test_unknown_config_key_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("epochs: 1\nlearning_rate: 0.1\n")
    with pytest.raises(SystemExit):
        utils.parse_args(train.build_parser(), str(bad), [])


def test_protocol_keys_exist() -> None:
    args = argparse.Namespace(**vars(train.build_parser().parse_args([])))
    assert set(train.protocol(args)) == set(train.PROTOCOL_KEYS)
