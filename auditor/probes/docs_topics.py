"""The topics a README/docs passage can be about, and the narrow patterns that show each.

A heading names a topic; prose patterns need concrete evidence (a GPU model, a number with a
time unit, a seed with its value). Each rule lists lower-case trigger substrings, one of which
every match contains, so most paragraphs are rejected without running a regex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.facts import ARCHITECTURE_WORDS, DocTopic
from auditor.probes.docs_text import VERSION_MENTION


@dataclass(frozen=True)
class TopicRule:
    """How a topic shows: a heading that names it, prose patterns, code-line patterns."""

    topic: DocTopic
    heading: re.Pattern[str]
    prose: re.Pattern[str] | None = None
    code: re.Pattern[str] | None = None
    weak: re.Pattern[str] | None = None  # counts only with `context` within 80 characters
    context: re.Pattern[str] | None = None
    # lower-case substrings of which every match of prose/weak contains one: a cheap prefilter
    triggers: tuple[str, ...] = ()
    trigger_rx: re.Pattern[str] | None = None  # a further prefilter for what substrings miss
    # a longer heading is a title or a sentence that names the topic in passing
    heading_words: int = 12
    # a Markdown table that matches this lists targets, not the setup: "| V100 | 11ms |"
    table_veto: re.Pattern[str] | None = None


def _rx(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_SETUP_CMD = (
    r"\bpip3? install\b|\bconda (?:env )?(?:create|install|update)\b|\bpoetry install\b"
    r"|\bpython[\d.]* setup\.py (?:install|develop)\b|\bdocker (?:build|run|pull)\b"
    r"|\b(?:conda|source) activate\b|\buv (?:sync|pip install)\b"
)
_RUN_SCRIPT = (
    r"\bpython[\d.]*[ \t]+(?:-u[ \t]+)?(?:-m[ \t]+[\w.]*|[\w./-]*)"
    r"(?:train|search|main|run|eval|test|experiment|benchmark|reproduce)[\w./-]*"
    r"|\b(?:bash|sh|sbatch|srun)[ \t]+[\w./-]+\.(?:sh|slurm|sbatch)\b|(?:^|[ \t])\./[\w./-]+\.sh\b"
)
_GPU_MODELS = (
    r"\b(?:[VAPKH]100|K80|K40|M40|P40|T4|A6000|A40|A10G?|RTX\s?\d{4}(?:\s?Ti)?"
    r"|GTX\s?\d{3,4}(?:\s?Ti)?|TITAN\s?(?:Xp?|V|RTX)?|Titan\s?(?:Xp?|V|RTX)?"
    r"|[1-4]0[5-9]0\s?Ti|TPUs?(?:\s?v\d)?)\b"
    r"|\b(?:on|using|used|with)\s+(?:a\s+|the\s+|\d+\s+)?CPUs?\b|\bCPU[- ]only\b"
    r"|\b\d+\s+CPUs?\b"
)
_HP_WORDS = (
    r"\b(?:hyper-?parameters?|learning[- ]rates?|lr|weight[- ]decay|batch[- ]sizes?"
    r"|dropout|momentum|regulari[sz]ation)\b"
)

RULES: tuple[TopicRule, ...] = (
    TopicRule(
        DocTopic.SETUP,
        _rx(
            r"\b(?:install\w*|requirements?|dependenc\w*|prerequisites?|set ?up"
            r"|getting started|environment|quick ?start)\b"
        ),
        prose=_rx(
            _SETUP_CMD + r"|\brequirements[\w.-]*\.txt\b|\benvironment\.ya?ml\b"
            r"|\binstall(?:ing)? (?:the )?(?:dependencies|requirements|required"
            r" packages)\b|^\W*requirements?\W*:",
            re.I | re.M,
        ),
        code=_rx(_SETUP_CMD),
        triggers=(
            "pip install",
            "pip3 install",
            "conda",
            "poetry",
            "setup.py",
            "docker",
            "activate",
            "uv ",
            "requirement",
            "environment.",
            "install",
        ),
    ),
    TopicRule(
        DocTopic.HARDWARE,
        _rx(
            r"\b(?:hardware(?![- ]aware)|compute resources?|computational resources?|gpus?"
            r"|infrastructure)\b"
        ),
        # NOTE: hardware-aware NAS titles name the target hardware ("... on Target Task and
        # Hardware", "Outperforms MobileNetV3 on Diverse hardware platforms"), and model-zoo
        # tables list the devices their latency was measured on: neither is the setup.
        heading_words=5,
        table_veto=_rx(r"latenc|\bspeed\b|\bfps\b|throughput|\d\s?ms(?![a-z])|\(ms\)"),
        prose=re.compile(
            _GPU_MODELS + r"|(?i:\bGPU memory\b|\b\d+\s?GB\s+(?:of\s+)?(?:GPU\s+|device\s+)?"
            r"(?:memory|RAM|VRAM)\b|\b(?:memory|RAM|VRAM)\s+(?:of\s+)?\d+\s?GB\b"
            r"|\b\d+\s+(?:CPU\s+)?cores\b|\b(?:a|one|single|two|four|eight|\d+)\s+"
            r"(?:NVIDIA\s+)?GPUs?\b(?![- ](?:days?|hours?|hrs?)\b))"
        ),
        triggers=(
            "100",
            "k80",
            "k40",
            "m40",
            "p40",
            "t4",
            "a6000",
            "a40",
            "a10",
            "rtx",
            "gtx",
            "titan",
            "0ti",
            "0 ti",
            "tpu",
            "cpu",
            "gpu",
            "gb",
            "cores",
        ),
    ),
    # NOTE: a heading "runtime" is mostly software ("ONNX Runtime"); "run time" is a duration.
    # "8300H" is a CPU model: hours written as "12h" count in lower case only.
    TopicRule(
        DocTopic.TIME,
        _rx(
            r"\b(?:run(?:ning)?[- ]time|training time|search (?:time|cost)|wall[- ]?clock"
            r"|gpu[- ]?(?:days?|hours?)|comput(?:e|ational) (?:cost|budget|time)|timing"
            r"|time (?:budget|cost))\b"
        ),
        prose=_rx(
            r"\b\d+(?:\.\d+)?\s*(?:GPU[- ]?(?:days?|hours?|hrs?|h)\b|(?:hours?|hrs?"
            r"|minutes?|mins?|days?|weeks?|seconds?|secs?)\b)|(?-i:\b\d+(?:\.\d+)?h\b)"
            r"|\bGPU[- ](?:days?|hours?)\b|\b(?:search cost|wall[- ]?clock(?: time)?"
            r"|run[- ]?time|running time|takes? about|took about|training time)\b"
            r"[^.\n]{0,60}?\d"
        ),
        triggers=(
            "hour",
            "min",
            "day",
            "week",
            "second",
            "gpu",
            "wall",
            "time",
            "takes about",
            "took about",
            "search cost",
        ),
        trigger_rx=re.compile(r"\d\s*(?:h|hrs?|secs?)\b"),
    ),
    TopicRule(
        DocTopic.TUNING,
        _rx(
            r"\b(?:hyper-?parameters?|HP)\s+(?:tuning|optimi[sz]ation|search|selection"
            r"|sweeps?)\b|(?<!fine-)(?<!fine )\btuning\b|\bHPO\b"
        ),
        prose=_rx(
            r"\bhyper-?parameters?\s+(?:tuning|optimi[sz]ation|search|selection"
            r"|sweeps?)\b|(?-i:\bHPO\b)|(?<!fine-)(?<!fine )\btun(?:ed|ing)\s+(?:the\s+"
            r"|all\s+|our\s+|of\s+(?:the\s+)?)?hyper-?parameters?\b|\bhyper-?parameters?"
            r"\s+(?:were|was|are|is)\s+(?:tuned|chosen|selected|optimi[sz]ed)\b"
        ),
        weak=_rx(
            r"(?<!fine-)(?<!fine )\b(?:tune[ds]?|tuning|grid[- ]search(?:ed)?|sweep(?:s|ed)?"
            r"|we (?:chose|choose|selected|select|picked|pick)"
            r"|(?:was|were|is|are) (?:chosen|selected|picked))\b"
        ),
        context=_rx(_HP_WORDS),
        triggers=(
            "hyper",
            "hpo",
            "tun",
            "grid",
            "sweep",
            "we ch",
            "we sel",
            "we pick",
            "chosen",
            "selected",
            "picked",
        ),
    ),
    TopicRule(
        DocTopic.RESULTS,
        _rx(r"\b(?:results?|performance|leaderboard|model zoo)\b"),
        prose=_rx(
            r"\b(?:expected|reported|our|main|final|reproduced|experimental"
            r"|benchmark)\s+results?\b|\d+(?:\.\d+)?\s?%\s+(?:[\w-]+\s+){0,2}?"
            r"(?:error|accuracy|acc|err)\b|\b(?:error|accuracy|acc|perplexity|ppl)"
            r"\s*(?:of|:|=|is|was)?\s*\d+(?:\.\d+\s?%?|\s?%)|\d+(?:\.\d+)?\s+(?:(?:test|valid"
            r"(?:ation)?)\s+)?(?:perplexity|ppl)\b|^\s*\|.*\b(?:acc(?:uracy)?|error"
            r"|err|top-?[15]|perplexity|ppl)\b",
            re.I | re.M,
        ),
        triggers=("result", "err", "acc", "perplex", "ppl", "top-1", "top1", "top-5", "top5"),
    ),
    TopicRule(
        DocTopic.DATASETS,
        _rx(r"\b(?:datasets?|data(?:\s+(?:preparation|splits?|sets?|download))?)\b"),
        prose=_rx(
            r"\bCIFAR-?10(?:0)?\b|\bImageNet(?:-?(?:1k|16(?:-120)?|22k))?\b|\bPTB\b"
            r"|Penn\s?Tree\s?bank|\bWiki-?Text(?:-?(?:2|103))?\b|\bWT-?2\b"
            r"|\b(?:Fashion-)?MNIST\b|\bSVHN\b|\btrain(?:ing)?\s*/\s*val(?:id(?:ation)?)?"
            r"(?:\s*/\s*test)?\s+splits?\b|\bvalidation (?:set|split)\b"
            r"|\bdata(?:set)? splits?\b|\bheld[- ]out\b"
        ),
        triggers=(
            "cifar",
            "imagenet",
            "ptb",
            "penn",
            "wiki",
            "wt2",
            "wt-2",
            "mnist",
            "svhn",
            "split",
            "validation",
            "held",
        ),
    ),
    TopicRule(
        DocTopic.SEEDS,
        _rx(r"\b(?:(?:random )?seeds?|multiple runs|repeated runs|run-to-run variance)\b"),
        prose=_rx(
            r"\brandom seeds?\b|\bseeds?\b[^.\n]{0,30}?\d|\b\d+\s+(?:different\s+"
            r"|random\s+|independent\s+)?seeds\b|\baverag\w*\s+(?:over|of|across)\s+"
            r"\d+\s+(?:\w+\s+)?(?:runs|seeds|trials|repetitions)\b|\b\d+\s+(?:independent"
            r"|different|random|repeated)\s+(?:runs|trials)\b|\bmean\s*(?:±|\+/-|\+-)\s*"
            r"std\b|\d(?:\.\d+)?\s*%?\s*(?:±|\+/-|\+-)\s*\d"
        ),
        triggers=("seed", "averag", "runs", "trials", "mean", "±", "+/-", "+-"),
    ),
    TopicRule(
        DocTopic.VERSIONS,
        _rx(r"\b(?:versions?|software(?: environment)?|tested (?:with|on))\b"),
        heading_words=5,  # not "Upcoming updates include improved versions of the models"
        prose=VERSION_MENTION,
        triggers=(
            "python",
            "torch",
            "tensorflow",
            "tf",
            "keras",
            "jax",
            "cuda",
            "cudnn",
            "numpy",
            "mxnet",
        ),
    ),
    TopicRule(
        DocTopic.REPRODUCE,
        _rx(
            r"\b(?:reproduc\w*|replicat\w*|how to run|running (?:the )?(?:code|experiments)"
            r"|experiments?)\b"
        ),
        prose=_rx(
            r"\b(?:to reproduce|reproduc(?:e|es|ed|ing|ibility|tion)"
            r"|replicat(?:e|es|ed|ing|ion))\b"
        ),
        code=_rx(_RUN_SCRIPT, re.I | re.M),
        triggers=("reproduc", "replicat", "python", "sh ", "srun", "sbatch", "./"),
    ),
    TopicRule(DocTopic.ABLATION, _rx(r"\bablat\w*"), prose=_rx(r"\bablat\w*"), triggers=("ablat",)),
    TopicRule(
        DocTopic.BASELINES,
        _rx(r"\b(?:baselines?|random search|comparisons?)\b"),
        prose=_rx(r"\brandom search\b|\bbaselines?\b"),
        # NOTE: random sampling is a baseline only of architectures (PC-DARTS samples channels)
        weak=_rx(r"\brandom(?:ly)? sampl(?:ed|ing)\b"),
        context=_rx(ARCHITECTURE_WORDS),
        triggers=("random search", "random sampl", "randomly sampl", "baseline"),
    ),
)
