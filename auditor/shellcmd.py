"""Read the words of one shell command as "this runs that file with these flags".

Knows interpreters (`python -u x.py`, `python3 -m pkg.mod`), launchers (`torchrun`,
`accelerate launch`, `deepspeed`, `python -m torch.distributed.launch`), shells
(`bash x.sh`, `sh`, `source`, `sbatch`), direct runs (`./x.sh`) and wrappers that merely
prefix a command (`srun`, `nohup`, `timeout 1h`, `conda run -n env`, user shell functions).
Never raises.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

MAX_FLAGS = 100
MAX_VALUE_CHARS = 200

_PYTHON_RE = re.compile(
    r"(?:^|/)(?:python(?:\d(?:\.\d+)?)?|pypy3?|ipython3?|pythonw)$"
    r"|^\$\{?(?i:py|python\w*|\w*_python|py_?bin)\}?$"
)
_SCRIPT_SUFFIXES = (".py", ".sh", ".bash", ".slurm", ".sbatch", ".zsh", ".job", ".pbs")
_SHELLS = frozenset({"bash", "sh", "zsh", "ksh", "dash", "source", "."})
_SCHEDULERS = frozenset({"sbatch", "qsub", "bsub"})
_LAUNCHERS = frozenset({"torchrun", "deepspeed", "accelerate", "lightning", "colossalai"})
_LAUNCHER_MODULES = frozenset(
    {
        "torch.distributed.launch",
        "torch.distributed.run",
        "accelerate.commands.launch",
        "deepspeed.launcher.runner",
    }
)
_WRAPPERS = frozenset(
    {
        "sudo",
        "nohup",
        "env",
        "nice",
        "ionice",
        "timeout",
        "srun",
        "mpirun",
        "mpiexec",
        "horovodrun",
        "xvfb-run",
        "stdbuf",
        "taskset",
        "numactl",
        "command",
        "builtin",
        "uv",
        "poetry",
        "pipenv",
        "conda",
        "mamba",
        "micromamba",
        "pixi",
        "hatch",
        "pdm",
        "rye",
        "singularity",
        "apptainer",
        "unbuffer",
        "flock",
        "chrt",
        "caffeinate",
        "time",
        "exec",
    }
)
_PY_OPTS_WITH_VALUE = frozenset({"-W", "-X", "-Q"})
_NEGATIVE_NUMBER_RE = re.compile(r"^-\d+(\.\d*)?([eE][-+]?\d+)?$|^-\.\d+")


@dataclass(frozen=True)
class Invocation:
    """The repo file (or module, for `-m`) a command runs, and the words that follow it."""

    script: str  # as written: `cnn/train.py`, `./run.sh`, `pkg.mod` (module=True)
    module: bool = False
    args: tuple[str, ...] = ()
    shell: bool = False  # run by a shell or scheduler (the file is a shell script)

    @property
    def flags(self) -> dict[str, str]:
        """`--name value` / `--name=value` / `-n value` pairs; flags without value map to ""."""
        return parse_flags(self.args)


def is_flag(word: str) -> bool:
    """A word that names an option (not a negative number, not a lone dash)."""
    return len(word) > 1 and word.startswith("-") and not _NEGATIVE_NUMBER_RE.match(word)


def parse_flags(args: Sequence[str]) -> dict[str, str]:
    """Options and their values; several plain words after an option are joined by spaces."""
    flags: dict[str, str] = {}
    key: str | None = None
    values: list[str] = []
    for word in args:
        if len(flags) >= MAX_FLAGS:
            break
        if is_flag(word):
            if key is not None:
                flags[key] = " ".join(values)[:MAX_VALUE_CHARS]
            key, values = word, []
            if word.startswith("--") and "=" in word:
                name, value = word.split("=", 1)
                flags[name] = value[:MAX_VALUE_CHARS]
                key = None
        elif key is not None:
            values.append(word)
    if key is not None and len(flags) < MAX_FLAGS:
        flags[key] = " ".join(values)[:MAX_VALUE_CHARS]
    return flags


def _program_like(word: str, functions: Collection[str] = ()) -> bool:
    base = word.rsplit("/", 1)[-1]
    return (
        bool(
            _PYTHON_RE.search(word)
            or base in _SHELLS - {"."}
            or base in _SCHEDULERS
            or base in _LAUNCHERS
            or word.endswith(_SCRIPT_SUFFIXES)
            or word.startswith("./")
        )
        and word not in functions
    )


def _skip_to_program(words: Sequence[str], start: int) -> int:
    for index in range(start, len(words)):
        if _program_like(words[index]):
            return index
    return len(words)


def _python(words: Sequence[str], i: int) -> Invocation | None:
    """`python [opts] script args` or `python [opts] -m module args`."""
    while i < len(words):
        word = words[i]
        if word == "-m" or (word.startswith("-m") and len(word) > 2 and not word.startswith("--")):
            name = word[2:] if len(word) > 2 else (words[i + 1] if i + 1 < len(words) else "")
            rest = i + (1 if len(word) > 2 else 2)
            if not name:
                return None
            if name in _LAUNCHER_MODULES:
                return _launcher(words, rest)
            return Invocation(script=name, module=True, args=tuple(words[rest:]))
        if word in {"-c", "-"} or word.startswith("-c"):
            return None
        if word in _PY_OPTS_WITH_VALUE:
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        return Invocation(script=word, args=tuple(words[i + 1 :]))
    return None


def _launcher(words: Sequence[str], i: int) -> Invocation | None:
    """torchrun / accelerate launch / deepspeed: the script is the first `.py` word."""
    for index in range(i, len(words)):
        word = words[index]
        if word in {"-m", "--module"} and index + 1 < len(words):
            return Invocation(script=words[index + 1], module=True, args=tuple(words[index + 2 :]))
        if word.endswith(".py") and not word.startswith("-"):
            return Invocation(script=word, args=tuple(words[index + 1 :]))
        if _PYTHON_RE.search(word):
            return _python(words, index + 1)
    return None


def _shell(words: Sequence[str], i: int, scheduler: bool) -> Invocation | None:
    """`bash [opts] x.sh args`, `sbatch [opts] job.slurm`."""
    for index in range(i, len(words)):
        word = words[index]
        if word == "-c" and not scheduler:
            return None
        if word.startswith("-"):
            continue
        if not scheduler or word.endswith(_SCRIPT_SUFFIXES) or "/" in word:
            return Invocation(script=word, args=tuple(words[index + 1 :]), shell=True)
    return None


def parse_invocation(words: Sequence[str], functions: Collection[str] = ()) -> Invocation | None:
    """The file this command runs, or None (not a run of a script or module)."""
    i = 0
    for _ in range(8):  # wrappers may nest: `nohup srun python ...`
        if i >= len(words):
            return None
        base = words[i].rsplit("/", 1)[-1]
        if base in _WRAPPERS or words[i] in functions or words[i].startswith("-"):
            i = _skip_to_program(words, i + 1)
            continue
        break
    if i >= len(words):
        return None
    word = words[i]
    base = word.rsplit("/", 1)[-1]
    if _PYTHON_RE.search(word):
        return _python(words, i + 1)
    if base in _LAUNCHERS:
        return _launcher(words, i + 1)
    if base in _SHELLS and (i == 0 or base != "."):
        return _shell(words, i + 1, scheduler=False)
    if base in _SCHEDULERS:
        return _shell(words, i + 1, scheduler=True)
    if (
        word.startswith("./")
        or ("/" in word and word.endswith(_SCRIPT_SUFFIXES))
        or word.endswith(_SCRIPT_SUFFIXES)
    ):
        return Invocation(script=word, args=tuple(words[i + 1 :]), shell=not word.endswith(".py"))
    return None
