"""Parse one requirement as written: a pip/PEP 508 line, a conda match spec, `pip install` args.

Pure functions over strings; they never raise on junk. "Pinned" means the text names exactly one
version: `==1.2` / `===1.2`, conda `name=1.2` or `name=1.2=build`, a VCS URL at a commit or tag.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_PEP508 = re.compile(rf"^(?P<name>{_NAME})\s*(?:\[[^\]]*\])?\s*(?P<spec>.*?)\s*$")
_CLAUSE = re.compile(r"^\s*(===|==|!=|~=|>=|<=|>|<)\s*([\w.*+!-]+)\s*$")
_NAME_AT_URL = re.compile(rf"^(?P<name>{_NAME})\s*(?:\[[^\]]*\])?\s*@\s*(?P<url>\S+)$")
_URL = re.compile(r"^(?:(?:git|hg|svn|bzr)\+)?(?:https?|ssh|git|ftp)://|^git@", re.I)
_EGG = re.compile(r"[#&]egg=([\w.-]+)")
_VCS_REF = re.compile(r"@([\w./+-]+?)(?:#|$)")
_SHA = re.compile(r"^[0-9a-f]{40}$", re.I)
_TAG = re.compile(r"^v?\d+(?:\.\d+)+(?:[.-]?\w+)?$")
_ARCHIVE = re.compile(
    r"/(?P<name>[A-Za-z0-9_.]+?)-(?P<version>\d+(?:\.\d+)+)[^/]*"
    r"\.(?:whl|tar\.gz|tgz|zip|tar\.bz2)$"
)
_COMMENT = re.compile(r"(?:^|\s)#.*$")
_TRAILING_OPTION = re.compile(r"\s+--?[A-Za-z][\w-]*(?:[= ]\S+)?.*$")
_CONDA = re.compile(r"^(?:[\w.-]+::)?(?P<name>[A-Za-z0-9_][\w.-]*)\s*(?P<rest>.*?)\s*$")
_CONDA_EXACT = re.compile(r"^(?:==?\s*)?(?P<version>\d[\w.+!-]*)(?:[=\s]+[\w.*+!-]+)?$")
_INCLUDE = re.compile(r"^\s*(?:-r|--requirement)(?:\s+|\s*=\s*)(?P<path>\S+)")
_NEW_COMMAND = re.compile(r"^(?:python[\d.]*|pip\d?|conda|mamba|sudo|install|cd|git|bash|sh)$")
_PIP_VALUE_OPTIONS = frozenset(
    {
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-c",
        "--constraint",
        "-t",
        "--target",
        "--trusted-host",
        "--prefix",
        "--root",
        "--src",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--global-option",
        "--install-option",
        "--progress-bar",
        "-n",
        "--name",
        "-p",
        "--channel",
        "--config-settings",
        "-C",
    }
)


@dataclass(frozen=True)
class Requirement:
    """A declared package: normalised name, the version spec as written, whether it is exact."""

    name: str
    spec: str
    pinned: bool


def normalise_name(name: str) -> str:
    """PEP 503 name: lower case, runs of `-`, `_`, `.` become one `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(line: str) -> Requirement | None:
    """A requirements-file line as a Requirement; None for comments, options, local paths."""
    text = _COMMENT.sub("", line).strip()
    if not text:
        return None
    if text.startswith("-"):
        option, _, value = text.partition(" ")
        if option in {"-e", "--editable"} or option.startswith("--editable="):
            return _parse_url(value.strip() or option.partition("=")[2])
        return None
    text = _TRAILING_OPTION.sub("", text)
    requirement, _, _marker = text.partition(";")
    requirement = requirement.strip()
    if match := _NAME_AT_URL.match(requirement):
        found = _parse_url(match.group("url"))
        name = normalise_name(match.group("name"))
        return (
            Requirement(name, found.spec, found.pinned)
            if found
            else Requirement(name, match.group("url"), False)
        )
    if _URL.match(requirement):
        return _parse_url(requirement)
    return _parse_pep508(requirement)


def _parse_pep508(text: str) -> Requirement | None:
    """`name[extras] spec`: None when the spec is not a valid PEP 440 clause list (prose)."""
    match = _PEP508.match(text)
    if match is None or "/" in text or text.startswith("."):
        return None
    spec = match.group("spec").strip()
    if spec.startswith("(") and spec.endswith(")"):
        spec = spec[1:-1].strip()
    clauses = [_CLAUSE.match(part) for part in spec.split(",")] if spec else []
    if any(clause is None for clause in clauses):
        return None
    pinned = any(
        c is not None and (c.group(1) == "===" or (c.group(1) == "==" and "*" not in c.group(2)))
        for c in clauses
    )
    return Requirement(normalise_name(match.group("name")), spec, pinned)


def _parse_url(url: str) -> Requirement | None:
    """A VCS or archive URL: pinned at a 40-hex commit or a version tag, or a versioned file."""
    url = url.strip()
    if not _URL.match(url):
        return None
    egg = _EGG.search(url)
    base = url.split("#", 1)[0]
    archive = _ARCHIVE.search(base)
    if archive:
        name = egg.group(1) if egg else archive.group("name")
        return Requirement(normalise_name(name), url, True)
    path = re.sub(r"^[^:]+://[^/]*|^git@[^:]*:", "", base)
    ref_match = _VCS_REF.search(path)
    ref = ref_match.group(1) if ref_match else ""
    repo_name = path.split("@", 1)[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    name = egg.group(1) if egg else repo_name
    if not name:
        return None
    pinned = bool(_SHA.match(ref) or _TAG.match(ref))
    return Requirement(normalise_name(name), url, pinned)


def include_target(line: str) -> str | None:
    """The file a `-r other.txt` line includes, if it is one."""
    match = _INCLUDE.match(line)
    return match.group("path") if match else None


def parse_conda_spec(text: str) -> Requirement | None:
    """A conda environment entry (`pytorch=1.0.1=py3.7_cuda10`, `numpy>=1.16`, `pip`)."""
    match = _CONDA.match(_COMMENT.sub("", text).strip())
    if match is None:
        return None
    rest = match.group("rest")
    exact = _CONDA_EXACT.match(rest) if rest else None
    pinned = bool(exact) and "*" not in rest and not rest.lstrip("= ").startswith(("<", ">", "!"))
    return Requirement(normalise_name(match.group("name")), rest.strip(), pinned)


def install_args(command: str) -> tuple[str, list[str]] | None:
    """The installer ("pip"/"conda") and its package arguments in one shell command, if any."""
    try:
        words = shlex.split(_COMMENT.sub("", command))
    except ValueError:
        words = command.split()
    for i, word in enumerate(words[:-1]):
        tool = word.rsplit("/", 1)[-1]
        if words[i + 1] == "install" and (tool.startswith("pip") or tool in {"conda", "mamba"}):
            return ("conda" if tool in {"conda", "mamba"} else "pip"), words[i + 2 :]
    return None


def split_install_args(args: list[str]) -> tuple[list[str], list[str]]:
    """Package arguments and `-r` files of an install command (other options dropped)."""
    packages: list[str] = []
    files: list[str] = []
    skip_next = False
    for i, arg in enumerate(args):
        if _NEW_COMMAND.match(arg) or not arg.isascii():
            break  # commands chained without `&&` in prose, or the sentence goes on
        if skip_next:
            skip_next = False
            continue
        if arg in {"-r", "--requirement"}:
            if i + 1 < len(args):
                files.append(args[i + 1])
            skip_next = True
        elif arg in {"-e", "--editable"}:
            if i + 1 < len(args):
                packages.append(f"-e {args[i + 1]}")
            skip_next = True
        elif arg in _PIP_VALUE_OPTIONS:
            skip_next = True
        elif not arg.startswith("-") and "$" not in arg:
            packages.append(arg)
    return packages, files
