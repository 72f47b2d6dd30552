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

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
STATUSES = ("pass", "partial", "fail", "not_applicable", "needs_review")


class _Parser(argparse.ArgumentParser):
    """argparse that exits with code 2 and one line on a usage error (as documented)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"nas-audit: error: {message}\n")


def _fail_on(value: str) -> frozenset[str]:
    wanted = frozenset(v.strip() for v in value.split(",") if v.strip())
    unknown = wanted - set(STATUSES)
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(
            f"unknown status {', '.join(sorted(unknown)) or '(empty)'}; "
            f"choose from {', '.join(STATUSES)}"
        )
    return wanted


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document every flag in the README)."""
    parser = _Parser(
        prog="nas-audit",
        description="Audit NAS research code against the "
        "Lindauer & Hutter (2020) best-practices checklist.",
    )
    parser.add_argument("--version", action="version", version=f"nas-audit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    audit = sub.add_parser(
        "audit",
        help="audit a repository (local path or git URL)",
        description="Static audit: reads files, never imports or runs them.",
    )
    audit.add_argument("target", help="local directory or git URL (https, ssh, file)")
    audit.add_argument("--ref", help="branch, tag or commit to audit (URLs only)")
    audit.add_argument(
        "--format",
        "-f",
        type=_formats,
        action="extend",
        metavar="FORMAT[,FORMAT]",
        help="text: a table for the terminal (default); json: the full report "
        "(schema: nas-audit schema); markdown: for PR comments and CI summaries; "
        "html: one self-contained file; sarif: SARIF 2.1.0 for code scanning; "
        "latex: the filled-in checklist for a paper's appendix. Repeat the flag or "
        "separate formats with commas; several formats need --output-dir",
    )
    audit.add_argument(
        "--output", "-o", type=Path, help="write the report to FILE instead of stdout"
    )
    audit.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="write one file per format into DIR (nas-audit-report.<ext>)",
    )
    audit.add_argument(
        "--fail-on",
        type=_fail_on,
        default=frozenset(),
        metavar="STATUS[,STATUS]",
        help="exit 1 when any item has one of these statuses, e.g. fail,partial",
    )
    audit.add_argument("--checklist", default="lindauer-hutter-2020", help="checklist id")
    audit.add_argument(
        "--cache-dir",
        type=Path,
        help="where git URLs are cloned (default: $NAS_AUDIT_CACHE or ~/.cache/nas-audit)",
    )
    audit.add_argument(
        "--max-file-size",
        type=_size,
        default="2M",
        metavar="SIZE",
        help="skip text files larger than this (default: 2M)",
    )
    audit.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
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
    rerun.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        metavar="N",
        help="runs at once (default: number of CPU cores)",
    )
    rerun.add_argument(
        "--no-cache",
        action="store_true",
        help="run again even where cached results of the same commit exist",
    )
    rerun.add_argument(
        "--strict-determinism",
        action="store_true",
        help="make torch use deterministic algorithms in every run and report "
        "the operations that refuse",
    )
    rerun.add_argument(
        "--python",
        metavar="PATH",
        help="interpreter that runs the repository (default: the one running nas-audit)",
    )

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


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
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


def _cmd_audit(args: argparse.Namespace) -> int:
    from auditor.engine import AuditOptions, run_audit

    _output_plan(args)  # NOTE: a usage error must come before minutes of re-running
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
    _render_all(report, args)
    met = {v.status.value for v in report.items} & args.fail_on
    return EXIT_FINDINGS if met else EXIT_OK


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
    handler = {"audit": _cmd_audit, "checklist": _cmd_checklist, "schema": _cmd_schema}[
        args.command
    ]
    try:
        return handler(args)
    except AuditorError as exc:
        print(f"nas-audit: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("nas-audit: interrupted", file=sys.stderr)
        return 130
