"""Command-line interface: parse arguments, call the engine, render, write, return an exit code.

Exit codes: 0 audit done; 1 a `--fail-on` status was met; 2 usage or input error; 3 internal error.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.models import AuditReport
    from auditor.selfcheck.config import NasAuditFile
    from auditor.selfcheck.policy import Policy
    from checklist import Checklist

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
TIERS = ("static", "smoke", "full")


class _Parser(argparse.ArgumentParser):
    """argparse that exits with code 2 and one line on a usage error (as documented)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"nas-audit: error: {message}\n")


def _fail_on(value: str) -> Policy:
    from auditor.selfcheck.policy import parse_policy

    try:
        return parse_policy(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _formats(value: str) -> list[str]:
    from auditor.report import OutputFormat

    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    known = [f.value for f in OutputFormat]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or '(empty)'}; choose from {', '.join(known)}"
        )
    return names


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = value.strip().lower().removesuffix("b").removesuffix("i")
    factor = units.get(text[-1:], 1)
    try:
        number = float(text[:-1] if text[-1:] in units else text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 2M, 500k)") from None
    if number <= 0:
        raise argparse.ArgumentTypeError("size must be positive")
    return int(number * factor)


_FAIL_ON_HELP = (
    "exit 1 when an unwaived item has one of these statuses (pass, partial, fail, "
    "not_applicable, needs_review) or agreements of its declared answer (confirmed, "
    "contradicted, unsupported_path, honest_gap, undeclared, unverified); prefix SECTION: "
    "(e.g. releasing-code: or R:) or ITEM: (R3:) to limit a word; `none` never fails; "
    "repeat the flag or separate with commas"
)


def _add_output_args(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--format",
        "-f",
        type=_formats,
        action="extend",
        metavar="FORMAT[,FORMAT]",
        help="text: a table for the terminal; json: the full report "
        "(schema: nas-audit schema); markdown: for PR comments and CI summaries; "
        "html: one self-contained file; sarif: SARIF 2.1.0 for code scanning; "
        "latex: the filled-in checklist for a paper's appendix. Repeat the flag or "
        f"separate formats with commas; several formats need --output-dir ({default})",
    )
    parser.add_argument(
        "--output", "-o", type=Path, help="write the report to FILE instead of stdout"
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="write one file per format into DIR (nas-audit-report.<ext>)",
    )


def _add_reading_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checklist", default="lindauer-hutter-2020", help="checklist id")
    parser.add_argument(
        "--max-file-size",
        type=_size,
        default="2M",
        metavar="SIZE",
        help="skip text files larger than this (default: 2M)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def _add_run_args(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--cache-dir",
        type=Path,
        help="where git URLs are cloned and parsed files and re-run results are kept "
        "(default: $NAS_AUDIT_CACHE or ~/.cache/nas-audit)",
    )
    group.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        metavar="N",
        help="re-runs at once (default: number of CPU cores)",
    )
    group.add_argument(
        "--no-cache",
        action="store_true",
        help="read nothing cached (parsed files, re-runs of the same commit): parse and "
        "re-run again, and keep the fresh results",
    )
    group.add_argument(
        "--python",
        metavar="PATH",
        help="interpreter that re-runs the repository (default: the one running nas-audit)",
    )


def _add_audit(sub: argparse._SubParsersAction[_Parser]) -> None:
    audit = sub.add_parser(
        "audit",
        help="audit a repository (local path or git URL)",
        description="Static audit: reads files, never imports or runs them. Declared answers "
        "and waivers in the repository's nas-audit.yaml are compared and shown too.",
    )
    audit.add_argument("target", help="local directory or git URL (https, ssh, file)")
    audit.add_argument("--ref", help="branch, tag or commit to audit (URLs only)")
    _add_output_args(audit, "default: text")
    audit.add_argument(
        "--fail-on", type=_fail_on, action="append", metavar="[SCOPE:]WORD[,...]",
        help=_FAIL_ON_HELP + " (default: never)",
    )  # fmt: skip
    _add_reading_args(audit)
    rerun = audit.add_argument_group(
        "re-run (executes the repository's code in a sandbox; see docs/rerun.md)"
    )
    rerun.add_argument(
        "--rerun", nargs="?", const="manifest", choices=("manifest", "inferred"),
        help="also re-run the training pipeline over several seeds, twice each: 'manifest' "
        "(default) follows nas-audit.yaml or --manifest; 'inferred' runs the command proposed "
        "from the README and the entry point's flags",
    )  # fmt: skip
    rerun.add_argument(
        "--manifest",
        type=Path,
        metavar="FILE",
        help="a reviewer's manifest (a YAML file with a `rerun:` section); implies --rerun",
    )
    _add_run_args(rerun)
    rerun.add_argument(
        "--strict-determinism",
        action="store_true",
        help="make torch use deterministic algorithms in every run and report "
        "the operations that refuse",
    )


def _folder_command(
    sub: argparse._SubParsersAction[_Parser], name: str, summary: str, description: str
) -> argparse.ArgumentParser:
    """A subcommand that works on one local repository folder (init, check)."""
    parser = sub.add_parser(name, help=summary, description=description)
    parser.add_argument("path", nargs="?", default=".", help="the repository folder (default: .)")
    return parser


def _add_init(sub: argparse._SubParsersAction[_Parser]) -> None:
    init = _folder_command(
        sub,
        "init",
        "write a commented nas-audit.yaml for the authors to fill in",
        "Audit PATH statically and write PATH/nas-audit.yaml: the entry points found, a "
        "proposed `rerun:` section and every checklist item with a blank answer, `where:` "
        "list and justification. Never replaces an existing file without --force.",
    )
    init.add_argument(
        "--force",
        action="store_true",
        help="replace an existing nas-audit.yaml; the old one is kept as nas-audit.yaml.bak "
        "(or .bak.1, .bak.2, ... when that exists)",
    )
    _add_reading_args(init)


def _add_check(sub: argparse._SubParsersAction[_Parser]) -> None:
    check = _folder_command(
        sub,
        "check",
        "the authors' self-check: declared answers against the code, with a policy",
        "Audit PATH, compare the answers declared in its nas-audit.yaml with what the audit "
        "finds (confirmed, contradicted, unsupported_path, unverified, honest_gap, "
        "undeclared), print a summary with contradictions first and exit 1 when the policy "
        "(--fail-on) is met. Exit codes as for audit.",
    )
    check.add_argument(
        "--tier",
        choices=TIERS,
        help="static: the static audit only; smoke: also one short re-run (first seed, one "
        "repeat, rerun.smoke params, timeout min(timeout, 120 s)); full: also the manifest's "
        "whole re-run (default: smoke when nas-audit.yaml has rerun.smoke, else static)",
    )
    check.add_argument(
        "--fail-on", type=_fail_on, action="append", metavar="[SCOPE:]WORD[,...]",
        help=_FAIL_ON_HELP + " (default: contradicted,releasing-code:fail)",
    )  # fmt: skip
    _add_output_args(check, "default: none, only the summary")
    _add_reading_args(check)
    _add_run_args(check.add_argument_group("re-run (smoke and full tiers)"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document every flag in the README)."""
    parser = _Parser(
        prog="nas-audit",
        description="Audit NAS research code against the "
        "Lindauer & Hutter (2020) best-practices checklist.",
    )
    parser.add_argument("--version", action="version", version=f"nas-audit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_audit(sub)
    _add_init(sub)
    _add_check(sub)

    chk = sub.add_parser(
        "checklist", help="print the checklist", description="Print the checklist."
    )
    chk.add_argument(
        "--format",
        choices=("text", "markdown", "json", "schema"),
        default="text",
        help="text (default), markdown, json, or the JSON Schema of the checklist",
    )
    chk.add_argument("--checklist", default="lindauer-hutter-2020", help="checklist id")

    sub.add_parser(
        "schema",
        help="print the JSON Schema of the audit report (--format json)",
        description="Print the JSON Schema of the audit report.",
    )
    return parser


def _progress(quiet: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if not quiet:  # one write per message: re-run threads report concurrently
            sys.stderr.write(f"nas-audit: {message}\n")
            sys.stderr.flush()

    return say


def _write(text: str | bytes, output: Path | None) -> None:
    """Write a rendered report (bytes are UTF-8 already) to a file, or to stdout."""
    if output is None:
        stdout = sys.stdout
        if isinstance(text, str):
            stdout.write(text)
        elif hasattr(stdout, "buffer"):  # NOTE: a replaced stdout (tests) may take text only
            stdout.flush()
            stdout.buffer.write(text)
            stdout.buffer.flush()
        else:
            stdout.write(text.decode("utf-8"))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            output.write_text(text, encoding="utf-8")
        else:
            output.write_bytes(text)
    except OSError as exc:
        raise AuditorError(f"{output}: cannot write: {exc.strerror}") from None


def _output_plan(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    """(format, file or None for stdout) pairs; checked before the audit starts."""
    formats = list(dict.fromkeys(args.format or ["text"]))
    if args.output is not None and args.output_dir is not None:
        raise AuditorError("--output and --output-dir exclude each other")
    if args.output_dir is not None:
        from auditor.report import OutputFormat

        return [
            (f, args.output_dir / f"nas-audit-report.{OutputFormat(f).extension}") for f in formats
        ]
    if len(formats) > 1:
        raise AuditorError(f"{len(formats)} formats ({', '.join(formats)}) need --output-dir DIR")
    return [(formats[0], args.output)]


def _render_all(report: AuditReport, args: argparse.Namespace) -> None:
    from auditor.report import OutputFormat, get_renderer
    from checklist import load_checklist

    checklist = load_checklist(args.checklist)
    for name, output in _output_plan(args):
        fmt = OutputFormat(name)
        if fmt is OutputFormat.TEXT and output is None and sys.stdout.isatty():
            from auditor.report.terminal import render_text

            width = shutil.get_terminal_size().columns
            _write(render_text(report, checklist, width=width, color=True), None)
        else:
            _write(get_renderer(fmt)(report, checklist), output)
        if output is not None and not args.quiet:
            print(f"nas-audit: wrote {output}", file=sys.stderr)


def _policy(args: argparse.Namespace, checklist: Checklist, default: str | None) -> Policy:
    """The merged --fail-on flags, or the command's default; scopes checked against the list."""
    from auditor.selfcheck.policy import Policy, check_scopes, parse_policy

    given: list[Policy] | None = args.fail_on
    policy = Policy() if default is None else parse_policy(default)
    if given:
        policy = sum(given[1:], given[0])
    check_scopes(policy, checklist)
    return policy


def _config(root: Path, checklist: Checklist) -> NasAuditFile | None:
    from auditor.selfcheck import CONFIG_NAME

    if not (root / CONFIG_NAME).is_file():
        return None  # NOTE: the YAML and manifest models load only for a repository with one
    from auditor.selfcheck.config import load_config

    return load_config(root / CONFIG_NAME, checklist)


def _finish(report: AuditReport, policy: Policy, command: str) -> int:
    """Exit 1 when the policy matched, with one line on stderr that says why."""
    from auditor.selfcheck.policy import violations

    failed = violations(report, policy)
    if failed:
        why = "; ".join(str(v) for v in failed)
        print(f"nas-audit: {command} failed (--fail-on {policy}): {why}", file=sys.stderr)
        return EXIT_FINDINGS
    if command == "check":
        print(f"nas-audit: check passed (--fail-on {policy})", file=sys.stderr)
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from auditor.engine import AuditOptions, run_audit
    from auditor.target import is_url
    from checklist import load_checklist

    _output_plan(args)  # NOTE: a usage error must come before minutes of re-running
    checklist = load_checklist(args.checklist)
    policy = _policy(args, checklist, default=None)
    local = None if is_url(args.target) else Path(args.target)
    # a local nas-audit.yaml is read first: its errors must come before the audit too
    config = _config(local, checklist) if local is not None and local.is_dir() else None
    options = AuditOptions(
        source=args.target,
        ref=args.ref,
        checklist_id=args.checklist,
        cache_dir=args.cache_dir,
        max_file_bytes=args.max_file_size,
        rerun=args.rerun or ("manifest" if args.manifest else None),
        manifest_path=args.manifest,
        jobs=args.jobs,
        no_cache=args.no_cache,
        strict_determinism=args.strict_determinism,
        python=args.python,
    )
    report = run_audit(options, progress=_progress(args.quiet))
    if local is None:  # a clone: its nas-audit.yaml exists only now
        config = _config(Path(report.target.path), checklist)
    if config is not None:
        from auditor.selfcheck.declared import apply_declarations

        report = apply_declarations(report, config, checklist)
    _render_all(report, args)
    return _finish(report, policy, "audit")


def _local_folder(path: str, command: str) -> Path:
    from auditor.target import is_url, open_target

    if is_url(path):
        raise AuditorError(f"{command} works on a local folder; audit a URL with `nas-audit audit`")
    return open_target(path).root


def _cmd_init(args: argparse.Namespace) -> int:
    from auditor.engine import AuditOptions, run_audit
    from auditor.rerun.recipe import infer_recipe
    from auditor.selfcheck.init import check_writable, render_init, write_config
    from auditor.target import open_target
    from checklist import load_checklist

    say = _progress(args.quiet)
    root = _local_folder(args.path, "init")
    checklist = load_checklist(args.checklist)
    check_writable(root, force=args.force)  # fail before the audit, not after it
    if not open_target(str(root)).is_git:
        print(
            f"nas-audit: note: {args.path} is not a git repository: the audit reads every file "
            "in it (no .gitignore) and reports no commit; commit nas-audit.yaml with your code",
            file=sys.stderr,
        )
    report = run_audit(
        AuditOptions(
            source=args.path, checklist_id=args.checklist, max_file_bytes=args.max_file_size
        ),
        progress=say,
    )
    recipe = infer_recipe(root)
    path, backup = write_config(root, render_init(report, recipe, checklist), force=args.force)
    kept = f" (the old one is kept as {backup.name})" if backup else ""
    print(f"nas-audit: wrote {path}{kept}", file=sys.stderr)
    say(
        f"next: answer the {len(checklist.items)} items under `answers:`, check the proposed "
        "`rerun:` section, then run `nas-audit check`"
    )
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from auditor.engine import AuditOptions, run_audit
    from auditor.selfcheck import CONFIG_NAME
    from auditor.selfcheck.config import find_config
    from auditor.selfcheck.declared import apply_declarations
    from auditor.selfcheck.policy import CHECK_DEFAULT, violations
    from auditor.selfcheck.summary import render_summary
    from auditor.selfcheck.tiers import Tier, plan_tier
    from checklist import load_checklist

    say = _progress(args.quiet)
    root = _local_folder(args.path, "check")
    checklist = load_checklist(args.checklist)
    policy = _policy(args, checklist, default=CHECK_DEFAULT)
    config_path = find_config(root)
    config = _config(root, checklist)
    note = str(config_path) if config_path else f"no {CONFIG_NAME} in {args.path}"
    if config is not None and config.answers is None:
        note = f"{config_path} has no `answers:`"
    manifest = config.rerun.with_source(str(config_path)) if config and config.rerun else None
    named = str(config_path) if config_path else None
    tier = plan_tier(Tier(args.tier) if args.tier else None, manifest, named)
    reports = bool(args.format or args.output or args.output_dir)
    plan = _output_plan(args) if reports else []
    say(f"tier {tier.tier.value}: {tier.reason}")
    options = AuditOptions(
        source=args.path,
        checklist_id=args.checklist,
        cache_dir=args.cache_dir,
        max_file_bytes=args.max_file_size,
        rerun="manifest" if tier.manifest is not None else None,
        manifest=tier.manifest,
        jobs=args.jobs,
        no_cache=args.no_cache,
        python=args.python,
    )
    report = apply_declarations(run_audit(options, progress=say), config, checklist)
    if reports:
        _render_all(report, args)
    summary = render_summary(
        report, tier=tier, config_note=note, policy=policy, failed=violations(report, policy)
    )
    # the summary takes stdout unless a report already does
    (sys.stderr if any(out is None for _, out in plan) else sys.stdout).write(summary)
    return _finish(report, policy, "check")


def _cmd_checklist(args: argparse.Namespace) -> int:
    from auditor.checklist_docs import render_checklist
    from checklist import load_checklist

    sys.stdout.write(render_checklist(load_checklist(args.checklist), args.format))
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from auditor.models import report_json_schema

    del args
    sys.stdout.write(report_json_schema())
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `nas-audit` and `python -m auditor`."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    handler = {
        "audit": _cmd_audit,
        "init": _cmd_init,
        "check": _cmd_check,
        "checklist": _cmd_checklist,
        "schema": _cmd_schema,
    }[args.command]
    try:
        return handler(args)
    except AuditorError as exc:
        print(f"nas-audit: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("nas-audit: interrupted", file=sys.stderr)
        return 130
