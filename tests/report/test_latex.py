"""LaTeX: the filled-in checklist. Escaping is checked on arbitrary text (hypothesis) and the
fragment, with the canonical and a hostile report, is compiled by plain pdflatex inside a
minimal document (skipped, with the reason, where pdflatex is not installed)."""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.models import AuditReport
from auditor.report.latex import render_latex
from auditor.report.texescape import latex_code, latex_escape
from checklist import load_checklist
from report.canonical import canonical_report
from report.checkers import compile_latex
from report.nasty import NASTY, hostile_report

CHECKLIST = load_checklist("lindauer-hutter-2020")
SPECIALS = set("\\{}$&#^_%~")
_ACCENT = re.compile(r"\\(?:['`^\"~=.]|[uvHcrdb])\{([A-Za-z?])\}")
_TOKENS = re.compile(
    r"\\[a-zA-Z]+\{\}"  # \textbackslash{}, \ss{}, ...
    r"|\\ensuremath\{\\[a-zA-Z]+\}|\\ensuremath\{\^\{\\circ\}\}"
    r"|\\[{}$&#_%]"  # \{ \$ ...
    r"|\\`\{\}|\{\[\}|\{\]\}|-\{\}"
)


def unescaped_specials(tex: str) -> set[str]:
    """What remains of TeX's special characters once every escape the escaper makes is gone."""
    tex = re.sub(r"\\[ij]\{\}", "i", tex)
    while _ACCENT.search(tex):  # accents nest: \^{\d{e}}
        tex = _ACCENT.sub(r"\1", tex)
    return set(_TOKENS.sub("", tex)) & SPECIALS


@given(st.text(max_size=200))
@settings(max_examples=500, deadline=None)
def test_escaped_text_is_inert_ascii_on_one_line(text: str) -> None:
    tex = latex_escape(text)
    assert tex.isascii() and "\n" not in tex and "\r" not in tex
    assert not unescaped_specials(tex), tex
    assert "--" not in tex and "``" not in tex  # no dash or quote ligatures
    assert "[" not in tex.replace("{[}", "") and "]" not in tex.replace("{]}", "")


@given(st.text(alphabet="abcXYZ019 ,.;:!?()/+=*@'", max_size=100))
def test_plain_text_is_kept_as_it_is(text: str) -> None:
    assert latex_escape(text) == re.sub(r"\s+", " ", text)


def test_escapes_by_example() -> None:
    assert latex_escape("a_b & c%") == r"a\_b \& c\%"
    assert latex_escape("100$ #1 ^~\\") == (
        r"100\$ \#1 \textasciicircum{}\textasciitilde{}\textbackslash{}"
    )
    assert latex_escape("x -- y") == "x -{}- y"
    assert latex_escape("Müller façade ï") == r"M\"{u}ller fa\c{c}ade \"{\i{}}"
    assert latex_escape("λ ≥ 2 ± 0.1") == (
        r"\ensuremath{\lambda} \ensuremath{\geq} 2 \ensuremath{\pm} 0.1"
    )
    assert latex_escape("日本 🎉") == "?? ?"
    assert latex_escape("ﬁne\u202e\x00") == "fine"
    assert latex_code("run `python train.py --seed 1` now") == (
        r"run \texttt{python train.py -{}-seed 1} now"
    )
    assert latex_code("odd ` tick") == r"odd \`{} tick"


def test_canonical_answers_declarations_and_waivers() -> None:
    tex = render_latex(canonical_report(), CHECKLIST)
    assert tex.count(r"\section*{NAS best-practices checklist}") == 1
    assert "\\documentclass" not in tex and "\\usepackage" not in tex  # a fragment
    item = {
        m.group(1): m.group(2)
        for m in re.finditer(r"\\item\[\{(\w+)\}\] (.*?)(?=\\item|\\end)", tex, re.S)
    }
    assert len(item) == 16
    # R4: declared yes, found fail -> the declared answer, the contradiction next to it
    assert r"\textbf{[Yes]} the search space is in search\_space.py." in item["R4"]
    assert r"\textbf{nas-audit found fail; declared answer: contradicted}" in item["R4"]
    assert r"\textbf{[Partial]}" in item["R3"] and r"\textbf{[N/A]}" in item["C6"]
    assert r"\textbf{[Needs review]}" in item["C4"] and r"\textbf{[No]}" in item["C5"]
    assert r"\textbf{[Yes]}" in item["R5"] and "declared answer: unverified" in item["R5"]
    assert r"\emph{Evidence:} \texttt{train.py:42}, \texttt{scripts/run\_final.sh:3}." in item["R1"]
    assert "none found (no search-time curves)" in item["C5"]
    assert (
        r"\emph{Waived} (accepted): defaults from the DARTS paper \textbar{} untuned." in item["D1"]
    )
    head = tex.split(r"\subsection*", 1)[0]
    assert head.index(r"\textbf{R4}") < head.index(r"\textbf{C2}")  # contradictions headlined


def test_without_declarations_or_rerun_the_answers_are_the_audit_s() -> None:
    report = canonical_report(rerun=False)
    items = tuple(v.model_copy(update={"declaration": None}) for v in report.items)
    tex = render_latex(report.model_copy(update={"items": items}), CHECKLIST)
    assert r"\emph{Audit:}" not in tex and "Re-run" not in tex and r"\paragraph" not in tex
    assert r"\item[{R4}] Is the code of the NAS method (the search) released? \textbf{[No]}" in tex


def _with_texts(report: AuditReport, texts: list[str]) -> AuditReport:
    items = tuple(
        v.model_copy(update={"summary": texts[i % len(texts)], "title": texts[-1 - i % len(texts)]})
        for i, v in enumerate(report.items)
    )
    return report.model_copy(update={"items": items, "rerun": None})


def test_fragments_compile_with_plain_pdflatex(tmp_path: Path) -> None:
    rng = random.Random(7)
    randoms = ["".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(120)) for _ in range(60)]
    tricky = [
        NASTY,
        "\\end{document} \\input{/etc/passwd} \\write18{ls} \\def\\x{y} \\csname relax\\endcsname",
        "}}}{{{ $$ \\[ ]] [[ # ## %% && ^^41 ~~ __",
        "\n\n\n paragraph \n\n break \\\\ \\par",
        "x" * 5_000,
        "Æsop Øre œuvre Łódź ı ß ệ ǖ ḉ ẞ ﬀ ½ ² ™ ® © £ € ¿¡ «» ‹› „“",
    ]
    fragments = {
        "canonical": render_latex(canonical_report(), CHECKLIST),
        "hostile": render_latex(hostile_report(), CHECKLIST),
        "texts": render_latex(_with_texts(canonical_report(), tricky + randoms), CHECKLIST),
    }
    log = compile_latex(tmp_path, fragments)
    assert "mktexpk" not in log and "TS1/cmr/m/n' undefined" not in log  # no bitmap fonts
