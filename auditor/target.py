"""Open the repository to audit: a local directory (git or not) or a git URL cloned to a cache.

Records the commit, whether the worktree is dirty, the remote and a permalink base, so every
piece of evidence can link to the exact audited line.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import TargetError

_URL_RE = re.compile(r"^(https?://|ssh://|git://|file://|[\w.-]+@[\w.-]+:)")
_GIT_TIMEOUT = 600


@dataclass(frozen=True)
class Snapshot:
    """A repository ready to read: where it is and which commit it is at."""

    source: str
    root: Path
    is_git: bool
    commit: str | None = None
    ref: str | None = None
    dirty: bool = False
    remote: str | None = None
    permalink_base: str | None = None


def is_url(source: str) -> bool:
    """True for anything git would treat as a remote URL."""
    return bool(_URL_RE.match(source))


def default_cache_dir() -> Path:
    """Where clones live: $NAS_AUDIT_CACHE, else $XDG_CACHE_HOME/nas-audit, else ~/.cache."""
    if env := os.environ.get("NAS_AUDIT_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nas-audit"


# NOTE: never prompt for credentials: a URL that needs them fails with a message instead.
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "true",
    "SSH_ASKPASS": "true",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new",
}


def _git_all(commands: list[list[str]], cwd: Path | None) -> list[subprocess.CompletedProcess[str]]:
    """Run independent git reads at once (each takes a few milliseconds, mostly start-up).

    Local reads use the git CLI directly: one `git status` is ~15x faster than GitPython's
    is_dirty, and importing GitPython costs ~0.1 s.
    """
    env = {**os.environ, **_GIT_ENV}
    started: list[subprocess.Popen[str]] = []
    try:
        for args in commands:
            process = subprocess.Popen(
                ["git", *args],
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            started.append(process)
        done = []
        for process in started:
            out, err = process.communicate(timeout=_GIT_TIMEOUT)
            done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
        return done
    except FileNotFoundError:
        raise TargetError("git is not installed; it is needed to read repositories") from None
    except subprocess.TimeoutExpired as exc:
        raise TargetError(f"git {exc.cmd[1]} timed out after {_GIT_TIMEOUT} s") from None
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    useful = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    return (useful or lines or ["unknown error"])[-1]


_SAFE_WEB_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%+-]+)+")


def permalink_base(remote: str | None, commit: str | None) -> str | None:
    """GitHub/GitLab-style `https://host/owner/repo/blob/<sha>/` for a remote URL, else None."""
    if not remote or not commit:
        return None
    url = remote.strip()
    if m := re.match(r"^[\w.-]+@([\w.-]+):(.+)$", url):
        url = f"https://{m.group(1)}/{m.group(2)}"
    url = re.sub(r"^(ssh|git)://([\w.-]+@)?", "https://", url)
    url = re.sub(r"^http://", "https://", url)
    url = re.sub(r"https://[^/@]+@", "https://", url)  # drop credentials
    if not url.startswith("https://"):
        return None
    url = url.removesuffix("/").removesuffix(".git")
    if url.count("/") < 4 or not _SAFE_WEB_URL.fullmatch(url):
        return None  # NOTE: the remote is untrusted; quotes or markup must not reach a report
    sep = "/-/blob/" if "gitlab" in url.split("/")[2] else "/blob/"
    return f"{url}{sep}{commit}/"


def clone(url: str, ref: str | None, cache_dir: Path) -> Path:
    """Clone (or update) `url` into the cache with GitPython and check out `ref`."""
    from git import GitCommandError, Repo  # NOTE: lazy: GitPython costs ~0.1 s to import

    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    dest = cache_dir / "repos" / key
    try:
        if (dest / ".git").exists():
            repo = Repo(dest)
            repo.git.update_environment(**_GIT_ENV)
            repo.git.fetch("--quiet", "--tags", "origin")
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            repo = Repo.clone_from(url, dest, no_checkout=True, env=_GIT_ENV)
    except GitCommandError as exc:
        raise TargetError(f"cannot clone {url}: {_first_line(str(exc.stderr))}") from None
    except OSError as exc:
        raise TargetError(f"cannot clone {url} into {dest}: {exc}") from None
    candidates = [ref, f"origin/{ref}"] if ref else ["origin/HEAD"]
    for candidate in candidates:
        try:
            repo.git.checkout("--quiet", "--force", "--detach", candidate)
            repo.git.clean("-qfdx")
            return dest
        except GitCommandError:
            continue
    if ref:
        raise TargetError(f"--ref {ref!r} does not exist in {url}")
    return dest  # an empty repository has no HEAD: audit its empty tree


def open_target(source: str, ref: str | None = None, cache_dir: Path | None = None) -> Snapshot:
    """Resolve a path or URL to a Snapshot, or raise TargetError with a one-line reason."""
    if is_url(source):
        root = clone(source, ref, cache_dir or default_cache_dir())
        return _describe_git(root, source, ref, _git_all(_DESCRIBE, cwd=root))
    path = Path(source).expanduser()
    if not path.exists():
        raise TargetError(f"{source}: no such file or directory")
    if not path.is_dir():
        raise TargetError(f"{source}: is a file, not a directory (give the repository's root)")
    root = path.resolve()
    # NOTE: the description is read at once with the question whether this is a repository
    top, *described = _git_all([["rev-parse", "--show-toplevel"], *_DESCRIBE], cwd=root)
    if top.returncode != 0:
        if ref:
            raise TargetError(f"{source}: --ref needs a git repository, and this is not one")
        return Snapshot(source=source, root=root, is_git=False)
    if ref:
        raise TargetError(
            f"{source}: --ref applies to URLs; check out {ref!r} yourself for a local path"
        )
    return _describe_git(root, source, None, described)


# What a snapshot records of a repository, in `_describe_git`'s order.
# NOTE: a subdirectory of a repository is audited on its own: its files, its dirtiness, and
# permalinks that carry the subdirectory prefix.
_DESCRIBE = [
    ["rev-parse", "--verify", "--quiet", "HEAD"],
    ["status", "--porcelain", "--untracked-files=no", "--", "."],
    ["rev-parse", "--show-prefix"],
    ["config", "--get", "remote.origin.url"],
]


def _describe_git(
    root: Path, source: str, ref: str | None, described: list[subprocess.CompletedProcess[str]]
) -> Snapshot:
    head, status, prefix_out, remote_out = described
    commit = head.stdout.strip() if head.returncode == 0 else None
    dirty = bool(status.stdout.strip())
    prefix = prefix_out.stdout.strip()
    remote = remote_out.stdout.strip() or None
    if remote and is_url(source) and remote != source:
        remote = source
    base = None if dirty else permalink_base(remote, commit)
    if base and prefix:
        base += prefix
    return Snapshot(
        source=source,
        root=root,
        is_git=True,
        commit=commit,
        ref=ref,
        dirty=dirty,
        remote=_strip_credentials(remote),
        permalink_base=base,
    )


def _strip_credentials(remote: str | None) -> str | None:
    return re.sub(r"(https?://)[^/@]+@", r"\1", remote) if remote else None
