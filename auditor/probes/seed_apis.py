"""Seeding APIs of common libraries, recognised by qualified call name.

Names come already resolved through import aliases by the PyModule index
(`np.random.seed` -> `numpy.random.seed`). Also small text helpers shared by the seed probes.
"""

from __future__ import annotations

import ast

from auditor.facts import SeedLibrary
from auditor.probes.pycode import Event
from auditor.pyast import CallSite, PyModule

Library = SeedLibrary  # the fact contract (auditor/facts.py)

_NUMPY_BITGEN = frozenset({"PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64", "SeedSequence"})
_EXACT: dict[str, Library] = {
    "random.seed": "random",
    "random.Random": "random",
    **{f"numpy.random.{n}": "numpy" for n in ("seed", "default_rng", "RandomState", "Generator")},
    **{f"numpy.random.{n}": "numpy" for n in _NUMPY_BITGEN},
    "torch.manual_seed": "torch",
    "torch.random.manual_seed": "torch",
    "torch.Generator.manual_seed": "torch",
    "torch.mps.manual_seed": "torch",
    "torch.seed": "torch",
    "torch.random.seed": "torch",
    "torch.cuda.manual_seed": "torch.cuda",
    "torch.cuda.manual_seed_all": "torch.cuda",
    "torch.cuda.seed": "torch.cuda",
    "torch.cuda.seed_all": "torch.cuda",
    "jax.random.PRNGKey": "jax",
    "jax.random.key": "jax",
    "sklearn.utils.check_random_state": "sklearn",
    "paddle.seed": "other",
    "mxnet.random.seed": "other",
    "cupy.random.seed": "other",
    "accelerate.utils.set_seed": "other",
    "detectron2.utils.env.seed_all_rng": "other",
    "timm.utils.random_seed": "other",
    "fairseq.utils.set_torch_seed": "other",
}
_BY_LAST: tuple[tuple[frozenset[str], frozenset[str], Library], ...] = (
    (
        frozenset({"tensorflow", "keras", "tf_keras"}),
        frozenset({"set_random_seed", "set_seed", "from_seed"}),
        "tensorflow",
    ),
    (
        frozenset({"pytorch_lightning", "lightning", "lightning_fabric"}),
        frozenset({"seed_everything"}),
        "lightning",
    ),
    (
        frozenset({"transformers"}),
        frozenset({"set_seed", "enable_full_determinism"}),
        "transformers",
    ),
    (
        frozenset({"mmcv", "mmengine", "mmdet", "mmseg", "mmcls", "mmpretrain", "mmdet3d"}),
        frozenset({"set_random_seed"}),
        "other",
    ),
)
NONDETERMINISTIC = frozenset(
    {"torch.seed", "torch.random.seed", "torch.cuda.seed", "torch.cuda.seed_all"}
)
CONSTRUCTORS = frozenset(
    {
        "random.Random",
        "numpy.random.default_rng",
        "numpy.random.RandomState",
        "numpy.random.Generator",
        "jax.random.PRNGKey",
        "jax.random.key",
    }
)
_SEED_KEYWORDS = ("seed", "a", "x", "random_state", "seed_value")


# Values that change between runs, and calls that load a config: for classifying seeds.
TIME_CALLS = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.monotonic",
        "time.process_time",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
        "os.getpid",
        "os.urandom",
        "uuid.uuid1",
        "uuid.uuid4",
        "secrets.randbits",
        "secrets.randbelow",
        "secrets.token_hex",
        "random.SystemRandom",
        *NONDETERMINISTIC,
    }
)
DRAWS: dict[str, str] = {
    **{
        f"random.{n}": "random"
        for n in ("randint", "random", "getrandbits", "randrange", "choice", "uniform")
    },
    **{
        f"numpy.random.{n}": "numpy"
        for n in (
            "randint",
            "rand",
            "random",
            "choice",
            "uniform",
            "random_integers",
            "random_sample",
        )
    },
    "torch.randint": "torch",
}
LOADER_CALLS = frozenset(
    {
        "yaml.safe_load",
        "yaml.load",
        "yaml.full_load",
        "yaml.unsafe_load",
        "json.load",
        "json.loads",
        "toml.load",
        "tomllib.load",
        "tomli.load",
        "omegaconf.OmegaConf.load",
        "omegaconf.OmegaConf.create",
        "omegaconf.OmegaConf.merge",
        "omegaconf.OmegaConf.structured",
        "hydra.compose",
        "mmcv.Config.fromfile",
        "mmengine.Config.fromfile",
        "mmengine.config.Config.fromfile",
    }
)
LOADER_SUFFIXES = (
    "load_config",
    "get_config",
    "parse_config",
    "load_cfg",
    "read_config",
    "Config.fromfile",
    "from_yaml",
    "from_json",
)


def seed_api(name: str) -> tuple[str, Library] | None:
    """The seeding API called by `name` (a qualified call name), as (canonical name, library).

    NOTE: cached: probes ask for every call of the repository, and names repeat (5x on NASLib).
    """
    if name in _SEED_API_CACHE:
        return _SEED_API_CACHE[name]
    found = _seed_api(name)
    if len(_SEED_API_CACHE) < _SEED_API_CACHE_SIZE:
        _SEED_API_CACHE[name] = found
    return found


_SEED_API_CACHE: dict[str, tuple[str, Library] | None] = {}
_SEED_API_CACHE_SIZE = 100_000


def _seed_api(name: str) -> tuple[str, Library] | None:
    name = name.replace("()", "")
    if name in _EXACT:
        return name, _EXACT[name]
    head, last = name.split(".", 1)[0], name.rsplit(".", 1)[-1]
    for heads, lasts, library in _BY_LAST:
        if head in heads and last in lasts and "." in name:
            return name, library
    return None


def seed_argument(call: ast.Call, api: str, library: Library) -> ast.expr | None:
    """The expression that holds the seed in a seeding call, or None when none is given."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if library == "sklearn" and api != "sklearn.utils.check_random_state":
        return keywords.get("random_state")
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return next((keywords[k] for k in _SEED_KEYWORDS if k in keywords), None)


def seed_api_sites(module: PyModule) -> list[Event]:
    """The module's calls of seeding APIs, as recorded events (structure.py): ("seed", the
    call's index in `module.calls`, the API's name, its library, None)."""
    generators = set()
    if "Generator" in module.source:  # `g = torch.Generator(); g.manual_seed(0)`
        generators = {a.target for a in module.assigns if a.made_by == "torch.Generator"}
    out: list[Event] = []
    for index, call in enumerate(module.calls):
        name = call.name
        if name.endswith(".manual_seed") and name.rsplit(".", 1)[0] in generators:
            name = "torch.Generator.manual_seed"
        api = seed_api(name) or _sklearn(call)
        # NOTE: the name test first: reading `call.node` re-parses the module
        if api is None or (
            api[0] == "numpy.random.Generator"
            and call.node is not None
            and wraps_bit_generator(module, call.node)
        ):
            continue
        out.append(("seed", index, api[0], api[1], None))
    return out


def _sklearn(call: CallSite) -> tuple[str, Library] | None:
    if not call.name.startswith("sklearn."):
        return None
    if call.span is not None:  # parsed: its keyword names are indexed
        return (call.name, "sklearn") if "random_state" in call.keywords else None
    return (call.name, "sklearn") if "random_state" in call.args_text else None


def wraps_bit_generator(module: PyModule, call: ast.Call) -> bool:
    """`Generator(PCG64(seed))`: the bit generator call is the seeding call, not this one."""
    arg = call.args[0] if call.args else None
    name = module.qualname(arg.func) if isinstance(arg, ast.Call) else None
    return bool(
        name and name.startswith("numpy.random.") and name.rsplit(".", 1)[-1] in _NUMPY_BITGEN
    )


def first_argument_text(args_text: str) -> str:
    """The first argument in the rest of a call's line (token fallback): up to `,` or `)`."""
    depth = 0
    for index, char in enumerate(args_text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return args_text[:index].strip()
            depth -= 1
        elif char == "," and depth == 0:
            return args_text[:index].strip()
    return args_text.strip()


def has_seed(call: CallSite) -> bool:
    """A seeding call given a value (not `seed()` or `seed(None)`, which seed from the OS)."""
    if call.node is None:
        return first_argument_text(call.args_text) not in {"", "None"}
    values = [*call.node.args, *(k.value for k in call.node.keywords)]
    return bool(values) and not (isinstance(values[0], ast.Constant) and values[0].value is None)


def source_text(module: PyModule, node: ast.AST) -> str:
    """Source text of a node, clipped. Slices the module's cached lines: `ast.get_source_segment`
    re-splits the whole file on every call, which is quadratic over a big file."""
    start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    first, last = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
    if start is None or end is None or first is None or last is None or end > len(module.lines):
        return ""
    chunk = [line.encode("utf-8") for line in module.lines[start - 1 : min(end, start + 20)]]
    if end - start > 20:
        return chunk[0][first:].decode("utf-8", "replace")[:299] + "…"
    chunk[-1] = chunk[-1][:last]
    chunk[0] = chunk[0][first:]
    text = b"\n".join(chunk).decode("utf-8", "replace")
    return text if len(text) <= 300 else text[:299] + "…"
