"""Training, evaluation, data, environment, timing and anytime-curve code in one module.

Per-module readers over the call index and a few precompiled line patterns. They also note
traits (optimizer step, epoch loop, evaluation, genotype lookup, benchmark query, plotting)
that roles.py combines through the call graph into entry-point roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditor.facts import Facts
from auditor.lazyre import lazy_compile
from auditor.probes.pycode import (
    Code,
    Event,
    Sink,
    SinkRecorder,
    Traits,
    TraitsRecorder,
    call_text,
    last,
    str_args,
)
from auditor.pyast import CallSite

# NOTE: the patterns are compiled on first use (auditor.lazyre): a second audit of an unchanged
# repository replays this probe's findings from the index cache and matches none of them
_OPTIMIZER_RE = lazy_compile(r"(?i)optim|^opt$|^opt_|_opt$|^scaler$")
_EPOCH_RE = lazy_compile(
    r"^[ \t]*(?:async\s+)?for\s+\(?(?:\w+\s*,\s*)?(\w*epoch\w*|ep)\b[^\n]*?\bin\b"
    r"|^[ \t]*while\b[^\n]*\bepoch",
    re.M,
)
_EVAL_NAME_RE = lazy_compile(
    r"(?i)^(?:infer\w*|eval\w*|evaluate\w*|test\w*|valid\w*|"
    r"\w*_(?:eval|evaluate|evaluation|test|infer|inference|valid|validate|"
    r"validation))$"
)
_ACCURACY_RE = lazy_compile(r"(?i)accuracy|^top_?[15]|^correct|^eq$|^argmax$")
_GENOTYPE_RE = lazy_compile(
    r"\beval\(\s*[\"']genotypes?\.|\bgetattr\(\s*genotypes?\s*,|"
    r"\bgenotypes\.(?:[A-Z]\w*\b(?!\s*=)|lookup\(|get\(|load\w*\()|"
    r"add_argument\(\s*[\"']--(?:arch|genotype|cell|arch_name)[\"']|"
    r"\b(?:load_genotype|genotype_from\w*|parse_genotype|from_str|load_arch\w*|arch_from\w*)\("
)
_BENCH_QUERY_RE = lazy_compile(
    r"^(?:query\w*|get_more_info|get_cost_info|find_best|"
    r"query_by_index|query_meta_info_by_index|get_net_config|"
    r"get_dataset_api|get_metric|get_performance)$"
)
_BENCH_RECEIVER_RE = lazy_compile(r"(?i)api|bench|\bnb\b|nb\d|nats|tabular|^nb$")
_DATASET_MODULE_PREFIXES = (
    "torchvision.datasets.",
    "torchtext.datasets.",
    "torchaudio.datasets.",
    "tensorflow.keras.datasets.",
    "keras.datasets.",
)
_DATASET_CALLS = frozenset(
    {"tensorflow_datasets.load", "datasets.load_dataset", "load_dataset", "tfds.load"}
)
_DATA_MODULE_RE = lazy_compile(r"(?i)(?:^|/)(?:\w*data\w*|\w*loader\w*)\.py$")
_DATA_FUNC_RE = lazy_compile(
    r"(?i)^(?:make|get|load|build|create|prepare)_?\w*(?:dataset|data|"
    r"loader|splits?)s?\w*$"
)
_SPLIT_CALLS = frozenset(
    {
        "SubsetRandomSampler",
        "random_split",
        "train_test_split",
        "Subset",
        "StratifiedShuffleSplit",
        "KFold",
        "ShuffleSplit",
    }
)
_SPLIT_ASSIGN_RE = lazy_compile(r"(?i)^(?:train|valid|val|test)_?(?:idx|indices|index|split|ids)$")
_SPLIT_VALUE_RE = lazy_compile(r"(?i)train_portion|valid_size|val_size|split_ratio|val_ratio")
_ENV_RE = lazy_compile(
    r"(?P<versions>\b(?:torch|tf|tensorflow|np|numpy|jax|torchvision|sklearn|scipy|keras)"
    r"\.__version__|\btorch\.version\.(?:cuda|hip|git_version)\b|\bcudnn\.version\(|"
    r"\bsys\.version\b(?!_)|\bplatform\.(?:python_version|platform|version|release|system)\(|"
    r"pip\s+freeze|\bcollect_env\b|\bmetadata\.version\(|\bget_distribution\()"
    r"|(?P<hardware>\bget_device_(?:name|properties|capability)\(|nvidia-smi|"
    r"\bplatform\.(?:processor|machine|node|uname)\(|\bGPUtil\.|\bcpuinfo\b|\blscpu\b)"
)
_TIMING_RE = lazy_compile(
    r"\b(?:time|perf_counter|perf_counter_ns|monotonic|default_timer|process_time|time_ns)\(\)"
    r"\s*-\s*\w|\b(?:now|utcnow)\(\)\s*-\s*\w|"
    r"\b(?P<until>(?:self\.)?\w*(?:end|stop|finish|toc|curr?|now)\w*)\s*-\s*"
    r"(?P<since>(?:self\.)?\w*(?:start|begin|t0|tic)\w*)\b|"
    r"enable_timing\s*=\s*True|\.elapsed_time\(|\btimeit\.timeit\(|\bclass\s+\w*Timer\b"
)
# `end - start` is timing only when `start` is a clock reading: by its name (`start_time`, `t0`)
# or by what either side is assigned (`start = time.time()`); `assert end - start == k` is index
# arithmetic.
_CLOCK_NAME_RE = lazy_compile(r"(?i)time|t0|tic")
_CLOCK_CALL_RE = lazy_compile(
    r"\b(?:time|perf_counter|perf_counter_ns|monotonic|default_timer|time_ns|now|utcnow|"
    r"timestamp)\("
)
_TIME_WORDS = (
    r"(?:elapsed\w*|runtime\w*|run_time\w*|wall_?clock\w*|wall_?time\w*|seconds|"
    r"budgets?|times|time_spent|search_time|train_time|cum_time\w*|gpu_?(?:hours|days))"
)
_CURVE_RE = lazy_compile(
    r"(?<!def )\b(?:plot|semilogx|semilogy|loglog|step|errorbar|fill_between)\s*\([^\n]*\b"
    + _TIME_WORDS
    + r"\b|\bxlabel\s*\(\s*[fr]?[\"'][^\"'\n]*(?i:time|runtime|wall|seconds|hours|budget)|"
    r"\b(?:\w*trajector(?:y|ies)|anytime\w*|incumbent\w*|best_so_far\w*)\b|"
    r"\b(?:append|writerow|info|log)\s*\([^\n]*\b(?:best|incumbent)\w*[^\n]*\b"
    + _TIME_WORDS
    + r"\b"
)
_PY_LOOP_RE = lazy_compile(r"\bfor\s+([\w\s,()]*?)\s+in\s+([^\n:\]]{1,200})")
_SEED_TARGET_RE = lazy_compile(r"(?i)(?:^|[\s,(])(?:\w+_)?seeds?(?:$|[\s,)])")
_SEED_ITER_RE = lazy_compile(r"(?i)seeds\b|seed_list|n_?seeds|num_?seeds|n_?runs_?seeds")
# A counted loop over runs: `for repeat in range(10)`, `for irun in range(times)`, or any variable
# over `range(trials)` / `range(args.num_runs)`. NOTE: "repeats" alone also counts the blocks of
# a stage (MnasNet, EfficientNet builders), so it names runs only as the loop variable.
_RUN_VAR_RE = lazy_compile(
    r"(?i)^(?:i_?)?(?:run|repeat|trial|repetition)(?:_?(?:id|idx|index|no|i))?$"
)
_RUN_COUNT_RE = lazy_compile(r"(?i)\b(?:n_|num_|number_of_)?(?:runs|trials|repetitions)\b")
# Repeats of a latency or throughput measurement are not runs of an experiment.
_MEASURE_SCOPE_RE = lazy_compile(r"(?i)latenc|throughput|speed|profil|warm_?up")
_NO_GRAD = frozenset({"torch.no_grad", "torch.inference_mode", "torch.set_grad_enabled"})
_ACCURACY_CALL_RE = lazy_compile(r"(?i)accuracy")
# TensorFlow 1 evaluates by running an accuracy tensor: `sess.run(self.valid_acc)`, `acc_op`
_SESSION_RUN_RE = lazy_compile(r"(?i)(?:^|\.)\w*sess\w*\.run$")
_ACCURACY_TENSOR_RE = lazy_compile(r"(?i)(?:^|_)(?:acc|accuracy|top_?[15]|correct)(?:_|$)")
_GENOTYPE_ANCHORS = ("genotype", "--arch", "--cell", "from_str", "load_arch", "arch_from")
_ENV_ANCHORS = (
    "version",
    "freeze",
    "collect_env",
    "get_device_",
    "nvidia-smi",
    "platform.",
    "gputil",
    "cpuinfo",
    "lscpu",
    "get_distribution",
)
_TIMING_ANCHORS = (
    "time",
    "timing",
    "perf_counter",
    "monotonic",
    "now",
    "curr",
    "end",
    "stop",
    "finish",
    "toc",
    "timer",
)
_CURVE_ANCHORS = (
    "plot",
    "semilog",
    "loglog",
    "step",
    "errorbar",
    "fill_between",
    "xlabel",
    "traject",
    "anytime",
    "incumbent",
    "best",
)
_PLOT_CALL_RE = lazy_compile(r"^(?:matplotlib|seaborn|plotly|graphviz)\b")
# Keras trains and evaluates through model methods: `model.fit(...)`, `model.evaluate(...)`.
_KERAS_MODULES = frozenset({"tensorflow", "keras", "tf_keras"})
_KERAS_TRAIN = frozenset({"fit", "fit_generator", "train_on_batch"})
_KERAS_EVAL = frozenset({"evaluate", "evaluate_generator", "test_on_batch"})


@dataclass
class DataHit:
    """A dataset or split found in a module, completed later with the entry points using it."""

    code: Code
    line: int
    kind: str  # dataset / split
    name: str


@dataclass
class ProtocolScan:
    """The sinks of this probe family, shared across modules of one audit."""

    traits: Traits
    training: Sink
    evaluation: Sink
    environment: Sink
    timing: Sink
    curves: Sink
    seed_loops: Sink
    data: list[DataHit] = field(default_factory=list)

    @classmethod
    def into(cls, facts: Facts, traits: Traits) -> ProtocolScan:
        """A scan that adds to the audit's facts and traits."""
        return cls(
            traits,
            Sink(facts.training_code),
            Sink(facts.evaluation_code),
            Sink(facts.environment_recording),
            Sink(facts.timing_code),
            Sink(facts.time_curves),
            Sink(facts.seed_loops),
        )

    @classmethod
    def recording(cls, events: list[Event]) -> ProtocolScan:
        """A scan of one module on its own, keeping what it finds as events (structure.py);
        its data hits stay in `data`."""
        return cls(
            TraitsRecorder(events),
            SinkRecorder("training", events),
            SinkRecorder("evaluation", events),
            SinkRecorder("environment", events),
            SinkRecorder("timing", events),
            SinkRecorder("curves", events),
            SinkRecorder("seed_loops", events),
        )

    def scan(self, code: Code) -> None:
        """Every signal of one module."""
        self._training(code)
        self._evaluation(code)
        self._data(code)
        self._patterns(code)
        for call in code.module.calls:
            if _PLOT_CALL_RE.match(call.name):
                self.traits.note(code, call.line, "plot", f"plots with {call.name}")
                break

    def _training(self, code: Code) -> None:
        stepping: set[str] = set()
        for call in code.module.calls:
            name = last(call.name)
            receiver = call.name.rsplit(".", 1)[0] if "." in call.name else ""
            if _is_optimizer_step(call.name):
                if last(receiver) == "scaler" and "optim" not in call_text(code, call).lower():
                    continue
                scope = call.scope or ""
                self.training.add(code, call.line, "optimizer_step", scope, key=f"s{call.line}")
                self.traits.note(code, call.line, "opt_step", f"calls {call.name}")
                stepping.add(scope)
            elif name in _KERAS_TRAIN and receiver and _uses_keras(code):
                self.training.add(
                    code, call.line, "keras_fit", call.scope or "", key=f"s{call.line}"
                )
                self.traits.note(code, call.line, "opt_step", f"calls {call.name}")
                stepping.add(call.scope or "")
            elif _BENCH_QUERY_RE.match(name) and _BENCH_RECEIVER_RE.search(receiver or name):
                self.traits.note(
                    code, call.line, "bench_query", f"queries a benchmark: {call.name}"
                )
        from auditor.probes.retrain import note_retraining  # NOTE: lazy, as in MethodScan.scan

        note_retraining(code, self.traits, stepping)
        for line, _ in code.matches(_EPOCH_RE, ("epoch", "for ep", "(ep ")):
            self.training.add(code, line, "epoch_loop", code.scope_at(line) or "", key=f"e{line}")
            self.traits.note(code, line, "epoch_loop", "epoch loop")
        for line, match in code.matches(_GENOTYPE_RE, _GENOTYPE_ANCHORS):
            self.traits.note(
                code, line, "genotype_lookup", f"loads a fixed genotype: {match.group(0)}"
            )

    def _evaluation(self, code: Code) -> None:
        for dotted, info in code.module.functions.items():
            if not _EVAL_NAME_RE.match(last(dotted)):
                continue
            calls = code.calls_in(dotted)
            evaluates = any(
                (last(c.name) == "eval" and c.name != "eval")
                or c.name in _NO_GRAD
                or _ACCURACY_CALL_RE.search(last(c.name))
                or _runs_accuracy(c)
                for c in calls
            )
            if not evaluates or any(_is_optimizer_step(c.name) for c in calls):
                continue
            detail = _split(last(dotted), info.params, code.body_text(dotted))
            self.evaluation.add(code, info.line, "evaluation", detail, key=dotted)
            self.traits.note(code, info.line, "eval", f"evaluates in {dotted}()")
        if _uses_keras(code):
            self._keras_evaluation(code)
        for call in code.calls_by_scope.get(None, []):
            if last(call.name) == "eval" and call.name != "eval" and "model" in call.name.lower():
                around = "\n".join(code.module.lines[call.line - 1 : call.line + 15])
                if any(_ACCURACY_RE.search(w) for w in re.findall(r"\w+", around)):
                    self.evaluation.add(
                        code, call.line, "evaluation", _split("", (), around), key=f"m{call.line}"
                    )
                    self.traits.note(code, call.line, "eval", "evaluates at module level")

    def _keras_evaluation(self, code: Code) -> None:
        """`model.evaluate(x_test, y_test)` in a module that imports TensorFlow or Keras."""
        for call in code.module.calls:
            if last(call.name) in _KERAS_EVAL and "." in call.name:
                detail = _split("", (), call_text(code, call))
                self.evaluation.add(code, call.line, "evaluation", detail, key=f"k{call.line}")
                self.traits.note(code, call.line, "eval", f"evaluates with {call.name}")

    def _data(self, code: Code) -> None:
        for call in code.module.calls:
            name = last(call.name)
            if call.name.startswith(_DATASET_MODULE_PREFIXES):
                if name == "load_data":
                    self.data.append(DataHit(code, call.line, "dataset", call.name.split(".")[-2]))
                elif name[:1].isupper():
                    self.data.append(DataHit(code, call.line, "dataset", name))
            elif call.name in _DATASET_CALLS:
                args = str_args(call)
                self.data.append(DataHit(code, call.line, "dataset", args[0] if args else name))
            elif name in _SPLIT_CALLS:
                self.data.append(DataHit(code, call.line, "split", name))
        for assign in code.module.assigns:
            target = assign.target
            if _SPLIT_ASSIGN_RE.match(last(target)) or (
                last(target) in {"split", "num_train_split"}
                and _SPLIT_VALUE_RE.search(code.module.segment_at(assign.span))
            ):
                self.data.append(DataHit(code, assign.line, "split", last(target)))
        if _DATA_MODULE_RE.search(code.path):
            for dotted, info in code.module.functions.items():
                if "." not in dotted and _DATA_FUNC_RE.match(dotted):
                    self.data.append(DataHit(code, info.line, "dataset", dotted))
        for node in code.class_nodes:
            if any(
                last(b) in {"Dataset", "VisionDataset", "IterableDataset"} for b in code.bases(node)
            ):
                self.data.append(DataHit(code, node.line, "dataset", node.name))

    def _patterns(self, code: Code) -> None:
        for line, match in code.matches(_ENV_RE, _ENV_ANCHORS):
            kind = "versions" if match.group("versions") else "hardware"
            self.environment.add(code, line, kind, match.group(0).strip("("))
        clocks: set[str] | None = None
        for line, match in code.matches(_TIMING_RE, _TIMING_ANCHORS):
            function = code.scope_at(line)
            since = match.group("since")
            if since and not _CLOCK_NAME_RE.search(since):
                clocks = _clock_readings(code) if clocks is None else clocks
                if not {_local(function, since), _local(function, match.group("until"))} & clocks:
                    continue
            self.timing.add(code, line, "elapsed", function or "")
        for line, match in code.matches(_CURVE_RE, _CURVE_ANCHORS):
            scope = code.scope_at(line) or ""
            self.curves.add(code, line, "anytime", match.group(0)[:60], key=scope)
        for line, match in code.matches(_PY_LOOP_RE, ("seed", "run", "repeat", "trial")):
            loop = _loop_kind(match.group(1), match.group(2))
            if loop == "python_run_loop" and _MEASURE_SCOPE_RE.search(code.scope_at(line) or ""):
                continue
            if loop:
                self.seed_loops.add(code, line, loop, match.group(0)[:80], key=f"p{line}")


def _loop_kind(target: str, iterable: str) -> str | None:
    """A loop over seeds (`python_seed_loop`), over repeated runs (`python_run_loop`), or None.

    NOTE: a loop that unpacks three or more values walks records, such as the samples of a
    batch with their data-augmentation seeds (`for i, ((x, y), (keys, seeds)) in loader`); a seed
    loop binds a seed, perhaps with an index or one other grid axis.
    """
    names = re.findall(r"\w+", target)
    if len(names) > 2:
        return None
    if _SEED_TARGET_RE.search(target) or _SEED_ITER_RE.search(iterable):
        return "python_seed_loop"
    counted = iterable.startswith("range(") and "len(" not in iterable
    if counted and (
        (len(names) == 1 and _RUN_VAR_RE.match(names[0])) or _RUN_COUNT_RE.search(iterable)
    ):
        return "python_run_loop"
    return None


def _clock_readings(code: Code) -> set[str]:
    """Names assigned a clock reading (`start = time.time()`, `self._end_op =
    to_internal(tf.timestamp())`), keyed by `_local`."""
    return {
        _local(a.scope, a.target)
        for a in code.module.assigns
        if a.made_by is not None and _CLOCK_CALL_RE.search(code.module.segment_at(a.span))
    }


def _local(scope: str | None, name: str) -> str:
    """A plain name within its function (`start` of one function is not another's);
    an attribute (`self.start`) as it is."""
    return name if "." in name else f"{scope}:{name}"


def _uses_keras(code: Code) -> bool:
    """Does the module import TensorFlow or Keras?"""
    return any(name.split(".", 1)[0] in _KERAS_MODULES for name, _, _ in code.module.imports)


def _is_optimizer_step(name: str) -> bool:
    """`optimizer.step()`, `self.w_optim.step()`, `scaler.step(...)`, TF `apply_gradients`.

    NOTE: `scipy.optimize.minimize` fits a few parameters (a Gaussian process's kernel, a
    surrogate), not a network's weights.
    """
    if "." not in name or name.startswith("scipy."):
        return False
    receiver, method = name.rsplit(".", 1)
    return method in {"step", "apply_gradients", "minimize"} and bool(
        _OPTIMIZER_RE.search(last(receiver))
    )


def _split(name: str, params: tuple[str, ...], body: str) -> str:
    """Which data split an evaluation function uses: valid, test, valid/test or ''."""
    for text in (name, " ".join(params), body):
        low = text.lower()
        valid = bool(re.search(r"valid|\bval\b|val_|_val\b|dev_", low))
        test = "test" in low
        if valid or test:
            return "valid/test" if valid and test else ("valid" if valid else "test")
    return ""


def _runs_accuracy(call: CallSite) -> bool:
    """A TensorFlow 1 session run of an accuracy tensor (ENAS: `sess.run(acc_op, ...)`)."""
    return _SESSION_RUN_RE.search(call.name) is not None and any(
        _ACCURACY_TENSOR_RE.search(last(ref)) for ref in call.refs
    )
