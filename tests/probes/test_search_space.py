"""Search spaces released without a module-level PRIMITIVES/OPS constant (SPOS, Once-for-All,
ProxylessNAS, ENAS, NAS-Bench-101, Random Search with weight sharing), and near misses that
must stay out: a plain ResNet and a config listing datasets."""

from __future__ import annotations

from pathlib import Path

import pytest
from factsets import verdict
from structural import at, signals, structural_facts

from auditor.models import Status

SPOS_SUPERNET = """
    import torch.nn as nn
    from blocks import Shufflenet, Shuffle_Xception

    class ShuffleNetV2_OneShot(nn.Module):
        def __init__(self, input_size=224, n_class=1000):
            super().__init__()
            self.features = nn.ModuleList()

        def forward(self, x, architecture):
            for archs, arch_id in zip(self.features, architecture):
                x = archs[arch_id](x)
            return x
"""
# SPOS's final network has the same name but is built from one architecture: not a space
SPOS_EVALUATION = """
    import torch.nn as nn

    class ShuffleNetV2_OneShot(nn.Module):
        def __init__(self, input_size=224, n_class=1000, architecture=None):
            super().__init__()

        def forward(self, x):
            return x
"""
OFA = """
    from ofa.utils import val2list

    class OFAMobileNetV3(MobileNetV3):
        def __init__(self, n_classes=1000, ks_list=3, expand_ratio_list=6, depth_list=4):
            self.ks_list = val2list(ks_list, 1)
            self.expand_ratio_list = val2list(expand_ratio_list, 1)
            self.depth_list = val2list(depth_list, 1)
"""
PROXYLESS_SEARCH = """
    import argparse
    from models import SuperProxylessNASNets

    parser = argparse.ArgumentParser()
    args = parser.parse_args()

    if __name__ == '__main__':
        args.conv_candidates = [
            '3x3_MBConv3', '3x3_MBConv6',
            '5x5_MBConv3', '5x5_MBConv6',
        ]
        super_net = SuperProxylessNASNets(conv_candidates=args.conv_candidates)
"""
PROXYLESS_MIX_OP = """
    import torch.nn as nn

    class MixedEdge(nn.Module):
        def __init__(self, candidate_ops):
            super().__init__()
            self.candidate_ops = nn.ModuleList(candidate_ops)
"""
ENAS_CHILD = """
    import tensorflow as tf

    class MicroChild(Model):
        def _enas_cell(self, x, curr_cell, prev_cell, op_id, out_filters):
            out = [self._enas_conv(x, 3), self._enas_conv(x, 5), x]
            return tf.stack(out, axis=0)[op_id]
"""
NASBENCH_OPS = """
    OP_MAP = {
        'conv3x3-bn-relu': Conv3x3BnRelu,
        'conv1x1-bn-relu': Conv1x1BnRelu,
        'maxpool3x3': MaxPool3x3,
    }
"""
NASBENCH_CONFIG = """
    from absl import flags

    flags.DEFINE_list(
        'available_ops', ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'],
        'Available op labels.')
"""
NASBENCH_EXAMPLE = """
    CONV3X3 = 'conv3x3-bn-relu'
    MAXPOOL3X3 = 'maxpool3x3'
    ALLOWED_OPS = [CONV3X3, MAXPOOL3X3]
"""
RANDOMNAS_PARSE = """
    def parse_arch_to_darts(benchmark, arch):
        op_dict = {
            0: 'none',
            1: 'max_pool_3x3',
            2: 'skip_connect',
            3: 'sep_conv_3x3',
        }
        return [(op_dict[n[1]], n[0]) for cell in arch for n in cell]
"""
PLAIN_RESNET = """
    import argparse
    import torch.nn as nn

    model_names = ['resnet18', 'resnet50']
    LAYERS = ['conv1', 'layer1', 'layer2', 'fc']
    feature_layers = ['conv1', 'layer1.0.conv2', 'avgpool']

    class BasicBlock(nn.Module):
        def __init__(self, inplanes, planes, stride=1):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride)

        def forward(self, x):
            return self.conv1(x)

    class ResNet(nn.Module):
        def __init__(self, block, depth_list, stage_width_list, arch='resnet18'):
            super().__init__()

        def forward(self, x):
            return x

    class OneShotLoader:
        def __init__(self, arch):
            self.arch = arch

    def main():
        parser = argparse.ArgumentParser()
        parser.add_argument('--arch', default='resnet18', choices=model_names)
        parser.add_argument('--dataset', default='cifar10', choices=['cifar10', 'svhn'])
"""
DATASET_CONFIG = """
    DATASETS = ['cifar10', 'cifar100', 'ImageNet16-120']
    dataset_choices = ['cifar10', 'cifar100', 'ImageNet16-120']
    CANDIDATE_OPTIMIZERS = ['sgd', 'adam']
    lr_schedule_choices = ('cosine', 'step', 'linear')
    checkpoint_candidates = ['best.pth', 'last.pth']
"""


# (files, kind, path, line needle, detail): each repository's space in one shape
ONE_SHAPE = {
    # SPOS: the final network of Evaluation/ has the supernet's name but takes no choice
    "spos": (
        {"Supernet/network.py": SPOS_SUPERNET, "Evaluation/network.py": SPOS_EVALUATION},
        "choice_op",
        "Supernet/network.py",
        "class ShuffleNetV2_OneShot",
        "ShuffleNetV2_OneShot.forward(architecture)",
    ),
    "ofa": (
        {"elastic_nn/ofa_mbv3.py": OFA},
        "elastic_dimensions",
        "elastic_nn/ofa_mbv3.py",
        "def __init__",
        "OFAMobileNetV3.__init__(ks_list, expand_ratio_list, depth_list)",
    ),
    "enas": (
        {"src/micro_child.py": ENAS_CHILD},
        "choice_op",
        "src/micro_child.py",
        "def _enas_cell",
        "MicroChild._enas_cell(op_id)",
    ),
}


@pytest.mark.parametrize("name", ONE_SHAPE)
def test_supernet_elastic_lists_and_shared_cell_define_the_operations(
    tmp_path: Path, name: str
) -> None:
    files, kind, path, needle, detail = ONE_SHAPE[name]
    root, facts = structural_facts(tmp_path, files)
    assert [(s.kind, s.path, s.line, s.detail) for s in facts.search_space] == [
        (kind, path, at(root, path, needle), detail)
    ]
    assert verdict(facts, "R2").status is Status.PASS


def test_proxyless_candidate_list_on_args_and_mixed_edge(tmp_path: Path) -> None:
    files = {"search/arch_search.py": PROXYLESS_SEARCH, "search/mix_op.py": PROXYLESS_MIX_OP}
    root, facts = structural_facts(tmp_path, files)
    assert [(s.path, s.line, s.kind, s.detail) for s in facts.search_space] == [
        (
            "search/arch_search.py",
            at(root, "search/arch_search.py", "args.conv_candidates = ["),
            "operations",
            "args.conv_candidates",
        ),
        (
            "search/mix_op.py",
            at(root, "search/mix_op.py", "class MixedEdge"),
            "choice_op",
            "MixedEdge.__init__(candidate_ops)",
        ),
    ]
    assert verdict(facts, "R2").status is Status.PASS


def test_nasbench_op_map_flag_default_and_list_of_op_constants(tmp_path: Path) -> None:
    files = {
        "lib/base_ops.py": NASBENCH_OPS,
        "lib/config.py": NASBENCH_CONFIG,
        "example.py": NASBENCH_EXAMPLE,
    }
    root, facts = structural_facts(tmp_path, files)
    assert signals(facts.search_space, "operations") == [
        ("example.py", at(root, "example.py", "ALLOWED_OPS = ["), "ALLOWED_OPS"),
        ("lib/base_ops.py", at(root, "lib/base_ops.py", "OP_MAP = {"), "OP_MAP"),
        ("lib/config.py", at(root, "lib/config.py", "flags.DEFINE_list("), "available_ops"),
    ]


def test_index_to_operation_table_is_an_encoding_not_the_operations(tmp_path: Path) -> None:
    root, facts = structural_facts(tmp_path, {"scripts/parse_cnn_arch.py": RANDOMNAS_PARSE})
    assert [(s.kind, s.line, s.detail) for s in facts.search_space] == [
        ("operation_index", at(root, "scripts/parse_cnn_arch.py", "op_dict = {"), "op_dict"),
    ]
    v = verdict(facts, "R2")
    assert v.status is Status.PARTIAL
    assert v.summary == (
        "No operation set or search-space class was found; scripts/parse_cnn_arch.py only "
        "maps indices to operation names."
    )


def test_plain_resnet_and_dataset_lists_are_no_search_space(tmp_path: Path) -> None:
    files = {"models/resnet.py": PLAIN_RESNET, "config.py": DATASET_CONFIG}
    _, facts = structural_facts(tmp_path, files)
    assert facts.search_space == []
    assert verdict(facts, "R2").status is Status.FAIL
