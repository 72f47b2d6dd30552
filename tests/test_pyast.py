"""One parse per file: alias resolution, scopes, Python 2 repair, token fallback, never raising."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.facts import ReadMode
from auditor.pyast import parse_module, repair_python2


def parse(source: str):  # type: ignore[no-untyped-def]
    return parse_module("m.py", textwrap.dedent(source).lstrip("\n"))


def test_aliases_resolve_qualified_names() -> None:
    m = parse("""
        import numpy as np
        import torch.backends.cudnn as cudnn
        from torch import manual_seed as ms
        from .utils import set_seed
        np.random.seed(1)
        ms(2)
        set_seed(3)
        cudnn.benchmark = True
    """)
    assert [(c.name, c.line) for c in m.calls] == [
        ("numpy.random.seed", 5),
        ("torch.manual_seed", 6),
        (".utils.set_seed", 7),
    ]
    assert m.assigns[0].target == "torch.backends.cudnn.benchmark"


def test_scopes_docstrings_dead_code_and_main_guard() -> None:
    m = parse('''
        """Module doc: torch.manual_seed(0)"""
        class Trainer:
            def fit(self):
                """Doc."""
                step()
        def main():
            if False:
                random.seed(1)
        if __name__ == "__main__":
            main()
    ''')
    assert {c.name: c.scope for c in m.calls} == {
        "step": "Trainer.fit",
        "random.seed": "main",
        "main": None,
    }
    assert 1 in m.docstring_lines and 4 in m.docstring_lines
    assert not m.is_live(8) and m.is_live(5)
    assert m.main_guard_lines == (9, 10)
    assert set(m.functions) == {"Trainer.fit", "main"}


def test_python2_is_repaired_with_lines_kept() -> None:
    m = parse("""
        import torch
        print "epoch", 1
        x = y.cuda(async=True)
        try:
            pass
        except Exception, e:
            raise ValueError, "bad"
        torch.manual_seed(2)
    """)
    assert m.mode is ReadMode.REPAIRED
    assert ("torch.manual_seed", 8) in [(c.name, c.line) for c in m.calls]


def test_token_fallback_finds_calls_not_comments() -> None:
    m = parse("""
        import numpy as np
        def broken(:
            np.random.seed(7)  # torch.manual_seed(1)
        s = "random.seed(3)"
    """)
    assert m.mode is ReadMode.TOKENS and m.tree is None
    names = [(c.name, c.line) for c in m.calls]
    assert ("numpy.random.seed", 3) in names, names
    assert not any(n.startswith(("torch", "random")) for n, _ in names)
    assert not any(n == "broken" for n, _ in names)


def test_deeply_nested_code_does_not_crash() -> None:
    source = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    m = parse_module("deep.py", source)
    assert m.error is not None


def test_deep_but_parseable_nesting_indexes_without_recursion() -> None:
    source = "".join("    " * i + "if x:\n" for i in range(90)) + "    " * 90 + "f()\n"
    m = parse_module("deep.py", source)
    assert [c.line for c in m.calls] == [91]


def test_a_print_statement_over_several_lines_is_repaired() -> None:
    """ENAS: `print "...".format(` with its arguments on the next line (read token by token
    before, so none of the file's structure was seen)."""
    source = textwrap.dedent(
        """
        def eval_once(sess, name, total):
            print "{}_accuracy: {:<6.4f}".format(
              name, float(total) / 2)  # per set
            print "-" * 80
            return sess.run(total)
        """
    )
    m = parse_module("models.py", source)
    assert m.mode is ReadMode.REPAIRED
    assert [(c.name, c.line) for c in m.calls] == [
        ("print", 3),
        ("float", 4),
        ("print", 5),
        ("sess.run", 6),
    ]
    assert m.source.split("\n")[3].strip() == "name, float(total) / 2))  # per set"


def test_repair_keeps_line_count() -> None:
    src = 'print "a"\nexec "x"\nprint >>f, "b"\nx = 0777L\n'
    assert repair_python2(src).count("\n") == src.count("\n")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ['print "a"', "    print x, y  ", "print", 'print >>f, "b"', 'exec "x"',
             "raise E, 'm'", "x.cuda(async=True)", "", "   ", "\t", "y = 1",
             'print "{}: {}".format(', "    a, (b))  # c", "  ]"]
        ),
        max_size=12,
    )
)  # fmt: skip
def test_repair_keeps_every_line_in_place(lines: list[str]) -> None:
    """Blank lines after a repaired statement are kept (a pattern must not span lines)."""
    src = "\n".join(lines) + "\n"
    repaired = repair_python2(src).split("\n")
    assert len(repaired) == len(src.split("\n"))
    assert [bool(line.strip()) for line in repaired] == [bool(x.strip()) for x in src.split("\n")]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_never_raises(source: str) -> None:
    m = parse_module("fuzz.py", source)
    assert m.mode in set(ReadMode)
