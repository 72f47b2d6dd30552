"""Text from an audited repository made safe for LaTeX: every special character escaped,
everything outside ASCII turned into a command that plain pdflatex (LaTeX 2020 or later, no
packages) typesets, or into `?` where there is none. The output is pure ASCII on one line.

Only the kernel's OT1, OML and OMS fonts are used: symbols of the TS1 and T1 encodings would
make TeX generate bitmap fonts on machines without cm-super."""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    # NOTE: in the default OT1 encoding these print as other glyphs (<, > as inverted
    # marks, | as a dash), and [ ] after \item would be read as its optional argument.
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "`": r"\`{}",
    '"': "''",
    "[": "{[}",
    "]": "{]}",
}
_SYMBOLS = {
    "\u2013": r"\textendash{}",
    "\u2014": r"\textemdash{}",
    "\u2018": r"\textquoteleft{}",
    "\u2019": r"\textquoteright{}",
    "\u201c": r"\textquotedblleft{}",
    "\u201d": r"\textquotedblright{}",
    "\u2026": r"\dots{}",
    "\u2022": r"\textbullet{}",
    "\u00b7": r"\ensuremath{\cdot}",
    "\u00b0": r"\ensuremath{^{\circ}}",
    "\u00a7": r"\S{}",
    "\u00b6": r"\P{}",
    "\u00a9": r"\copyright{}",
    "\u00ae": r"\textregistered{}",
    "\u2122": r"\texttrademark{}",
    "\u00a3": r"\pounds{}",
    "\u20ac": "EUR",
    "\u00a1": r"\textexclamdown{}",
    "\u00bf": r"\textquestiondown{}",
    "\u00df": r"\ss{}",
    "\u00e6": r"\ae{}",
    "\u00c6": r"\AE{}",
    "\u0153": r"\oe{}",
    "\u0152": r"\OE{}",
    "\u00f8": r"\o{}",
    "\u00d8": r"\O{}",
    "\u0142": r"\l{}",
    "\u0141": r"\L{}",
    "\u0131": r"\i{}",
    "\u00d7": r"\ensuremath{\times}",
    "\u00b1": r"\ensuremath{\pm}",
    "\u00f7": r"\ensuremath{\div}",
    "\u2264": r"\ensuremath{\leq}",
    "\u2265": r"\ensuremath{\geq}",
    "\u2260": r"\ensuremath{\neq}",
    "\u2248": r"\ensuremath{\approx}",
    "\u2192": r"\ensuremath{\rightarrow}",
    "\u2190": r"\ensuremath{\leftarrow}",
    "\u221e": r"\ensuremath{\infty}",
    "\u00b5": r"\ensuremath{\mu}",
}
# the Greek capitals LaTeX has; the others look like Latin letters
_GREEK_CAPITALS = frozenset(
    re.findall(r"\w+", "gamma delta theta lambda xi pi sigma upsilon phi psi omega")
)


def _greek() -> dict[str, str]:
    """α -> \\ensuremath{\\alpha}, Σ -> \\ensuremath{\\Sigma}."""
    symbols = {}
    for code in range(0x391, 0x3CA):
        match = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER (\w+)", unicodedata.name(chr(code), ""))
        if match is None:
            continue
        case, word = match.group(1), match.group(2).lower().replace("lamda", "lambda")
        if word == "omicron" or (case == "CAPITAL" and word not in _GREEK_CAPITALS):
            continue
        symbols[chr(code)] = f"\\ensuremath{{\\{word if case == 'SMALL' else word.capitalize()}}}"
    return symbols


_SYMBOLS.update(_greek())
# combining mark -> accent command of the LaTeX kernel (OT1)
_ACCENTS = {
    "\u0300": "\\`",
    "\u0301": "\\'",
    "\u0302": "\\^",
    "\u0303": "\\~",
    "\u0308": '\\"',
    "\u0304": "\\=",
    "\u0307": "\\.",
    "\u0306": "\\u",
    "\u030c": "\\v",
    "\u030b": "\\H",
    "\u0327": "\\c",
    "\u030a": "\\r",
    "\u0323": "\\d",
    "\u0331": "\\b",
}
_WHITESPACE = re.compile(r"\s+")
UNKNOWN = "?"


def _accented(char: str) -> str:
    """é -> \\'{e}; a letter whose marks LaTeX cannot set, or any other symbol -> ?."""
    parts = unicodedata.normalize("NFKD", char)
    if parts == char:
        return UNKNOWN
    base = "".join(c for c in parts if not unicodedata.combining(c))
    marks = [c for c in parts if unicodedata.combining(c)]
    if not base.isascii() or not base.isprintable():
        return UNKNOWN
    if not marks:
        return latex_escape(base)  # compatibility forms: ligatures, full-width, superscripts
    if len(base) != 1 or not base.isalpha() or any(m not in _ACCENTS for m in marks):
        return UNKNOWN
    above = marks[0] not in "\u0327\u0323\u0331"  # cedilla, dot and bar below keep the dot
    out = {"i": r"\i{}", "j": r"\j{}"}.get(base, base) if above else base
    for mark in marks:
        out = f"{_ACCENTS[mark]}{{{out}}}"
    return out


def latex_escape(text: object) -> str:
    """Plain text as LaTeX: specials escaped, non-ASCII as commands or `?`, one line."""
    source = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", str(text)))
    out: list[str] = []
    for index, char in enumerate(source):
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char == "-" and source[index + 1 : index + 2] == "-":
            out.append("-{}")  # `--` and `---` would become dashes
        elif " " <= char <= "~":
            out.append(char)
        elif char in _SYMBOLS:
            out.append(_SYMBOLS[char])
        elif unicodedata.category(char)[0] == "C":
            continue  # control, format, private-use and unassigned characters
        else:
            out.append(_accented(char))
    return "".join(out)


def latex_code(text: object) -> str:
    """Like latex_escape, with `backticked` spans set in \\texttt (when backticks pair up)."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:
        return latex_escape(text)
    return "".join(
        f"\\texttt{{{latex_escape(p)}}}" if i % 2 and p else latex_escape(p)
        for i, p in enumerate(parts)
    )
