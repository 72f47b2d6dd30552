"""Search space, NAS method family, estimation shortcuts and architecture derivation in code.

Reads one module at a time from its index: module-level assignments (`PRIMITIVES = [...]`),
class names and bases (`MixedOp`, `class X(SearchSpace)`), function names (`mutate`,
`genotype`), calls (`F.gumbel_softmax`, `ConfigurationSpace`) and a few line patterns
(`log_prob * reward`). Every method signal also marks its function as doing search, so
entry points that reach it get the search role.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from auditor.facts import Facts, MethodFamily, MethodSignal
from auditor.lazyre import lazy_compile
from auditor.probes.pycode import (
    MAX_PER_KIND,
    Code,
    Event,
    Sink,
    SinkRecorder,
    Traits,
    TraitsRecorder,
    call_text,
    last,
)
from auditor.pyast import Assign, CallSite

F = MethodFamily

# NOTE: the patterns are compiled on first use (auditor.lazyre): a second audit of an unchanged
# repository replays this probe's findings from the index cache and matches none of them

# Names shared with the baselines probe: a random-search routine (`run_random_search`), and
# `random_sample` alone or for an architecture (`random_sample_valid_set` draws a data split).
RANDOM_SEARCH_NAME_RE = lazy_compile(r"(?i)^(?:run_|do_)?random_?search\w*$")
ARCH_RANDOM_SAMPLE = r"random_sample(?:_(?:arch|genotype|cell|subnet|net|model|cand)\w*)?"

_OPS_NAME_RE = lazy_compile(
    r"^(?:[A-Z_]*PRIMITIVES[A-Z_0-9]*|OPS|[A-Z_]+_OPS|OPS_[A-Z_0-9]+|"
    r"CANDIDATES?|CANDIDATE_OPS|OP_NAMES|OPERATIONS|[A-Z_]*OP_LIST|[A-Z_]*OPS?_MAP)$"
)
_SPACE_CALLS = frozenset(
    {
        "ConfigurationSpace",
        "CategoricalHyperparameter",
        "OrdinalHyperparameter",
        "UniformIntegerHyperparameter",
        "UniformFloatHyperparameter",
        "LayerChoice",
        "InputChoice",
        "ValueChoice",
        "ModelSpace",
    }
)
_ENCODING_CLASS_RE = lazy_compile(
    r"(?i)^(?:\w*cell\w*|mixed_?op\w*|\w*super_?net\w*|\w*arch\w*encoder)$"
)
_ENCODING_FUNC_RE = lazy_compile(
    r"(?i)^(?:\w*adjacency\w*|\w*adj_matrix\w*|encode_\w*arch\w*|"
    r"arch_to_\w+|\w+_to_adjacency)$"
)
_WEIGHT_SHARING_RE = lazy_compile(
    r"(?i)^(?:\w*mixed_?op\w*|\w*super_?net\w*|\w*one_?shot\w*|"
    r"\w*supernetwork\w*)$"
)
_ARCH_PARAM_RE = lazy_compile(
    r"(?i)^_?(?:alphas?|betas?|gammas?)(?:_\w+)?$|^arch_?(?:params?|"
    r"parameters|weights?|alphas?)\w*$|^log_?alphas?\w*$|"
    r"^architecture_?(?:params?|parameters|weights)\w*$"
)
_GRAD_OFF_RE = lazy_compile(r"\b(?:requires_grad|trainable)\s*=\s*False\b")
_LOWER_FIDELITY_RE = lazy_compile(
    r"(?i)^(?:train_portion|data_portion|portion|subset_?\w*|"
    r"data_fraction|train_fraction|\w*fidelity\w*|min_budget|"
    r"max_budget|proxy_\w+|reduced_\w+|search_(?:epochs?|layers|"
    r"channels|init_channels))$"
)

# (pattern over class and function names, family, kind)
_NAMED: tuple[tuple[re.Pattern[str], MethodFamily, str], ...] = (
    (
        lazy_compile(
            r"(?i)^(?:pc_?|p_?|fair_?|s_?|milenas_?|gumbel_?)?(?:darts|gdas|snas|drnas|"
            r"proxyless_?nas)(?:_?v\d)?(?:_?(?:optimizer|search\w*|trainer|strategy|"
            r"architect|mutator))?$"
        ),
        F.GRADIENT_BASED,
        "named_method",
    ),
    (lazy_compile(r"^\w*Architect$|^architect$"), F.GRADIENT_BASED, "architect"),
    (lazy_compile(r"^arch_parameters$"), F.GRADIENT_BASED, "arch_parameters"),
    (
        lazy_compile(
            r"(?i)^(?:enas\w*|reinforce\w*|policy_?gradient\w*|policy_?based_?rl|"
            r"ppo_?\w*)$"
        ),
        F.REINFORCEMENT_LEARNING,
        "named_method",
    ),
    (lazy_compile(r"(?i)^_?(?:mutate\w*|mutation\w*)$"), F.EVOLUTION, "mutation"),
    (lazy_compile(r"(?i)^_?crossover\w*$"), F.EVOLUTION, "crossover"),
    (lazy_compile(r"(?i)^_?\w*tournament\w*$"), F.EVOLUTION, "tournament"),
    (
        lazy_compile(r"(?i)^\w*(?:evolution|evolutionary|genetic)\w*$|^evolve\w*$"),
        F.EVOLUTION,
        "evolution",
    ),
    (RANDOM_SEARCH_NAME_RE, F.RANDOM_SEARCH, "random_search"),
    (lazy_compile(r"(?i)^sample_random_arch\w*$"), F.RANDOM_SEARCH, "sample_random_architecture"),
    (
        lazy_compile(
            r"(?i)^(?:bohb|bananas|smac)\w*$|^\w*bayes(?:ian)?_?opt\w*$|"
            r"^\w*acquisition\w*$|^acq_?fn\w*$|^expected_improvement$|^(?:ei|ucb)$|"
            r"^upper_confidence_bound$|^probability_of_improvement$|^thompson\w*$"
        ),
        F.BAYESIAN_OPTIMIZATION,
        "named_method",
    ),
    (
        lazy_compile(
            r"(?i)^(?:local_?search|hill_?climb\w*|hyperband\w*|successive_?halving\w*|"
            r"npenas\w*)$"
        ),
        F.OTHER,
        "named_method",
    ),
)
_OPERATOR_KINDS = frozenset({"mutation", "crossover", "tournament"})
_BO_IMPORTS = frozenset(
    {"hpbandster", "smac", "GPyOpt", "botorch", "dragonfly", "emukit", "bohb", "dehb", "hebo"}
)
_STRATEGY_FAMILIES = {
    "Random": F.RANDOM_SEARCH,
    "GridSearch": F.OTHER,
    "TPE": F.BAYESIAN_OPTIMIZATION,
    "RegularizedEvolution": F.EVOLUTION,
    "PolicyBasedRL": F.REINFORCEMENT_LEARNING,
    "DARTS": F.GRADIENT_BASED,
    "GumbelDARTS": F.GRADIENT_BASED,
    "ENAS": F.REINFORCEMENT_LEARNING,
    "Proxyless": F.GRADIENT_BASED,
}
_RNN_CALLS = frozenset(
    {"LSTM", "LSTMCell", "GRU", "GRUCell", "RNN", "RNNCell", "Categorical", "multinomial"}
)
_POLICY_GRADIENT_RE = lazy_compile(
    r"(?i)log_?probs?\w*[^\n*]{0,40}\*[^\n]{0,40}?\b(?:rewards?|advantages?)\b|"
    r"\b(?:rewards?|advantages?)\w*[^\n*]{0,40}\*[^\n]{0,40}?log_?probs?"
)
_SHORTCUT_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_WEIGHT_SHARING_RE, "weight_sharing"),
    (
        lazy_compile(r"(?i)^(?:lce\w*|\w*_lce|lcsvr\w*|\w*learning_?curve\w*|\w*extrapolat\w*)$"),
        "learning_curve_extrapolation",
    ),
    (
        lazy_compile(
            r"(?i)^\w*(?:inherit\w*_?weight|weight_?inherit|warm_?start|load_parent|"
            r"parent_weights|network_morphism)\w*$"
        ),
        "warm_start",
    ),
    (
        lazy_compile(r"(?i)^\w*(?:successive_?halving|hyperband|asha|early_?stop)\w*$"),
        "early_stopping",
    ),
)
_DERIVE_RE = lazy_compile(
    r"(?i)^(?:genotype|get_genotype|_?derive\w*|_?parse|parse_(?:genotype|"
    r"arch\w*)|get_best\w*|best_arch\w*|_?discretize\w*|get_final_arch\w*|"
    r"export_top\w*|decode_arch\w*)$"
)
# Functions that sample architectures: `sample_arch()`, `random_architecture()` (random search)
_SAMPLER_RE = lazy_compile(rf"^(?:sample_arch|{ARCH_RANDOM_SAMPLE}|random_?arch\w*)$")
_LOG_CALLS = frozenset({"info", "print", "debug", "log", "write", "warning", "pprint"})
_SAVE_CALLS_RE = lazy_compile(r"(?i)^(?:save\w*|dump\w*|write\w*|savetxt|to_json|to_csv)$")


@dataclass
class MethodSink:
    """nas_methods with a cap per family and one signal per (path, family, kind, detail)."""

    target: list[MethodSignal]
    seen: set[tuple[str, str, str, str]] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, code: Code, line: int, family: MethodFamily, kind: str, detail: str) -> None:
        """Record one method signal."""
        ident = (code.path, family.value, kind, detail)
        if ident in self.seen or self.counts.get(family.value, 0) >= MAX_PER_KIND:
            return
        self.seen.add(ident)
        self.counts[family.value] = self.counts.get(family.value, 0) + 1
        self.target.append(
            MethodSignal(
                path=code.path,
                line=code.module.file_line(line),
                snippet=code.module.snippet(line),
                kind=kind,
                detail=detail[:200],
                family=family,
            )
        )


class MethodSinkRecorder(MethodSink):
    """Stands in for the method sink while one module is scanned on its own (SinkRecorder)."""

    def __init__(self, events: list[Event]) -> None:
        super().__init__([])
        self.events = events

    def add(self, code: Code, line: int, family: MethodFamily, kind: str, detail: str) -> None:
        self.events.append(("methods", line, family.value, kind, detail))


@dataclass
class MethodScan:
    """The sinks of this probe family, shared across modules of one audit."""

    traits: Traits
    space: Sink
    methods: MethodSink
    shortcuts: Sink
    derivation: Sink

    @classmethod
    def into(cls, facts: Facts, traits: Traits) -> MethodScan:
        """A scan that adds to the audit's facts and traits."""
        return cls(
            traits,
            Sink(facts.search_space),
            MethodSink(facts.nas_methods),
            Sink(facts.estimation_shortcuts),
            Sink(facts.architecture_derivation),
        )

    @classmethod
    def recording(cls, events: list[Event]) -> MethodScan:
        """A scan of one module on its own, keeping what it finds as events (structure.py)."""
        return cls(
            TraitsRecorder(events),
            SinkRecorder("space", events),
            MethodSinkRecorder(events),
            SinkRecorder("shortcuts", events),
            SinkRecorder("derivation", events),
        )

    def method(
        self,
        code: Code,
        line: int,
        family: MethodFamily,
        kind: str,
        detail: str,
        klass: str | None = None,
    ) -> None:
        """A method signal, which also marks its function (or its class `klass`) as search."""
        self.methods.add(code, line, family, kind, detail)
        reason = f"{family.value}: {kind} {detail}".strip()
        self.traits.note(code, line, "search", reason, klass)

    def scan(self, code: Code) -> None:
        """Every signal of one module."""
        self._assigns(code)
        self._classes(code)
        self._functions(code)
        self._calls(code)
        self._imports(code)
        # NOTE: imported here: scans run once per file content (probes/structure.py), so a
        # second audit of an unchanged repository never loads them
        from auditor.probes.search_space import search_space_signals

        for line, kind, detail in search_space_signals(code):
            self.space.add(code, line, kind, detail)
            if kind == "choice_op":  # a network that runs the sampled path: a supernet
                owner = detail.partition("(")[0].rpartition(".")[0]
                klass = owner if owner in code.module.classes else None
                self.traits.note(
                    code, line, "supernet", f"trains the weight-sharing supernet {detail}", klass
                )
        for line, _ in code.matches(_POLICY_GRADIENT_RE, ("log_prob", "logprob")):
            self.method(
                code, line, F.REINFORCEMENT_LEARNING, "policy_gradient", "log_prob * reward"
            )

    # ----------------------------------------------------------------------------- readers
    def _assigns(self, code: Code) -> None:
        for assign in code.module.assigns:
            target, line = assign.target, assign.line
            name = last(target)
            if assign.scope is None and _OPS_NAME_RE.match(name) and _is_op_collection(assign):
                self.space.add(code, line, "operations", name)
            if (
                name == "Genotype"
                and assign.made_by is not None
                and assign.made_by.endswith("namedtuple")
            ):
                self.space.add(code, line, "architecture_encoding", "Genotype")
            if _ARCH_PARAM_RE.match(name) and _is_parameter(code.module.segment_at(assign.span)):
                self.method(code, line, F.GRADIENT_BASED, "architecture_parameters", target)
            if _LOWER_FIDELITY_RE.match(name):
                self.shortcuts.add(code, line, "lower_fidelity", name)

    def _classes(self, code: Code) -> None:
        for node in code.class_nodes:
            name, line = node.name, node.line
            bases = code.bases(node)
            if (
                "SearchSpace" in name
                or any("SearchSpace" in last(b) for b in bases)
                or any(b.startswith("naslib") and last(b) == "Graph" for b in bases)
            ):
                self.space.add(code, line, "search_space_class", name)
            if _ENCODING_CLASS_RE.match(name):
                self.space.add(code, line, "architecture_encoding", name)
            if re.match(r"(?i)^\w*controller$", name) and _has_rnn(code):
                self.method(code, line, F.REINFORCEMENT_LEARNING, "controller", name, name)
            self._named(code, line, name, klass=name)

    def _functions(self, code: Code) -> None:
        for dotted, info in code.module.functions.items():
            name = last(dotted)
            self._named(code, info.line, name, dotted, classes=False)
            if _ENCODING_FUNC_RE.match(name):
                self.space.add(code, info.line, "architecture_encoding", dotted)
            if _DERIVE_RE.match(name):
                self.derivation.add(code, info.line, "derive_function", dotted)
            if _SAMPLER_RE.match(name):
                # a sampler made by a closure samples where its maker's result is called
                maker = code.module.functions.get(dotted.rpartition(".")[0])
                line = maker.line if maker else info.line
                self.traits.note(code, line, "search", f"samples architectures: {name}")

    def _named(
        self,
        code: Code,
        line: int,
        name: str,
        detail: str | None = None,
        classes: bool = True,
        klass: str | None = None,
    ) -> None:
        for pattern, family, kind in _NAMED:
            if pattern.match(name):
                if kind in _OPERATOR_KINDS and name[:1].isupper():
                    break  # `mutate()` is an operator; NNI's `MutationAnchor` class is not
                self.method(code, line, family, kind, detail or name, klass)
                break
        for pattern, kind in _SHORTCUT_NAMES:
            if kind == "weight_sharing" and not classes:
                continue  # supernets and mixed ops are classes; `evaluate_oneshot()` is not
            if pattern.match(name):
                self.shortcuts.add(code, line, kind, detail or name)
                break

    def _calls(self, code: Code) -> None:
        for call in code.module.calls:
            name = last(call.name)
            if name in _SPACE_CALLS:
                self.space.add(code, call.line, "search_space_class", name)
            elif name == "ModelSpec":
                self.space.add(code, call.line, "architecture_encoding", "ModelSpec")
            elif name == "gumbel_softmax":
                self.method(code, call.line, F.GRADIENT_BASED, "gumbel_softmax", call.name)
            elif name == "GaussianProcessRegressor":
                self.method(code, call.line, F.BAYESIAN_OPTIMIZATION, "gaussian_process", name)
            elif ".strategy." in call.name and name in _STRATEGY_FAMILIES:
                self.method(code, call.line, _STRATEGY_FAMILIES[name], "strategy", call.name)
            elif call.name.startswith(("naslib.optimizers", "nni.")) and name[:1].isupper():
                self._named(code, call.line, name, call.name)
            else:
                self._derivation_call(code, call, name)

    def _derivation_call(self, code: Code, call: CallSite, name: str) -> None:
        if name not in _LOG_CALLS and name != "argmax" and not _SAVE_CALLS_RE.match(name):
            return
        text = call_text(code, call).lower()
        if name == "argmax" and ("alpha" in text or "arch" in text):
            self.derivation.add(code, call.line, "argmax", call.name, key=f"argmax{call.line}")
        elif name in _LOG_CALLS and "genotype" in text:
            self.derivation.add(
                code, call.line, "genotype_logged", call.name, key=f"log{call.line}"
            )
        elif (
            _SAVE_CALLS_RE.match(name)
            and re.search(r"best|final", text)
            and re.search(r"arch|genotype|cell", text)
        ):
            self.derivation.add(code, call.line, "best_saved", call.name, key=f"save{call.line}")

    def _imports(self, code: Code) -> None:
        for module, level, line in code.module.imports:
            head = module.split(".")[0]
            if level == 0 and head in _BO_IMPORTS:
                self.method(code, line, F.BAYESIAN_OPTIMIZATION, "import", module)
                if head == "hpbandster":
                    self.shortcuts.add(code, line, "early_stopping", module)


_COLLECTIONS = (ast.List, ast.Tuple, ast.Dict)


def _is_op_collection(assign: Assign) -> bool:
    """A list/tuple of at least two strings or names (`[CONV3X3, MAXPOOL3X3]`), or a dict
    with at least two string keys."""
    items = assign.strings + (len(assign.refs) if assign.kind is not ast.Dict else 0)
    return assign.kind in _COLLECTIONS and items >= 2


def _is_parameter(text: str) -> bool:
    """A trained tensor; one made with `requires_grad=False` is a fixed mask (a one-hot
    architecture set by random search), not a parameter that gradients search."""
    if _GRAD_OFF_RE.search(text):
        return False
    return "Parameter(" in text or "Variable(" in text or "requires_grad" in text


def _has_rnn(code: Code) -> bool:
    return any(last(c.name) in _RNN_CALLS for c in code.module.calls)
