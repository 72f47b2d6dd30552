"""The tolerant shell reader: commands, loops, cd, variables, invocations; never raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.probes.shelltext import doc_blocks, dockerfile_lines, makefile_blocks
from auditor.shell import SCRIPT_DIR, parse_script
from auditor.shellcmd import parse_flags, parse_invocation
from auditor.shelllex import tokenize


def invocation_of(line: str) -> tuple[str, bool, dict[str, str]] | None:
    (command,) = parse_script(line).commands
    inv = parse_invocation(command.words)
    return None if inv is None else (inv.script, inv.module, inv.flags)


def test_tokenize_splits_on_operators_and_drops_quotes_comments_redirections() -> None:
    line = """cd cnn && python train.py --note "a b" 'x;y' > out.log 2>&1 # comment"""
    assert tokenize(line) == [["cd", "cnn"], ["python", "train.py", "--note", "a b", "x;y"]]
    assert tokenize("a | b; c || d & e") == [["a"], ["b"], ["c"], ["d"], ["e"]]
    assert tokenize('echo "$(dirname "$0")/.."') == [["echo", '$(dirname "$0")/..']]


def test_plain_lines_and_runs_of_word_characters_split_as_the_character_loop_does() -> None:
    # no quoting or operators: the words at once; `#` in a word and a lone `$` are plain
    assert tokenize("python\ttrain.py  --lr 0.1\r") == [["python", "train.py", "--lr", "0.1"]]
    assert tokenize("echo a#b $HOME/x ${Y}z $(pwd)") == [
        ["echo", "a#b", "$HOME/x", "${Y}z", "$(pwd)"]
    ]
    assert tokenize("x=$ y=a$ # c") == [["x=$", "y=a$"]]
    assert tokenize(r'arr=(a b) "q $(echo \"x\") ${v}" w') == [
        ["arr=(a b)", 'q $(echo "x") ${v}', "w"]
    ]
    assert tokenize('a="$(f "a b")"x') == [['a=$(f "a b")x']]
    assert tokenize(" \t ") == [] and tokenize("  # only a comment") == []


# NOTE: no quotes, backslashes or `${`: a trailing comment then cannot change the words, and
# it sends the line through the character loop instead of the plain-line path
_PLAIN = st.text(alphabet=st.sampled_from(list("ab1_-./=$}@#:,+ \t")), max_size=60)


@given(_PLAIN)
def test_a_line_splits_the_same_with_or_without_a_trailing_comment(line: str) -> None:
    assert tokenize(line) == tokenize(line + " # comment")


def test_interpreters_launchers_shells_and_wrappers() -> None:
    assert invocation_of("python -u train.py --seed 1 --cutout") == (
        "train.py",
        False,
        {"--seed": "1", "--cutout": ""},
    )
    assert invocation_of("python3 -m pkg.mod --lr=0.1") == ("pkg.mod", True, {"--lr": "0.1"})
    assert invocation_of("CUDA_VISIBLE_DEVICES=0 nohup python x.py") == ("x.py", False, {})
    assert invocation_of("srun -p gpu --gres=gpu:1 python x.py -s 3") == (
        "x.py",
        False,
        {"-s": "3"},
    )
    assert invocation_of("torchrun --nproc_per_node=2 train.py --epochs 5") == (
        "train.py",
        False,
        {"--epochs": "5"},
    )
    assert invocation_of("python -m torch.distributed.launch --nproc_per_node 2 t.py") == (
        "t.py",
        False,
        {},
    )
    assert invocation_of("accelerate launch --num_processes 2 run.py") == ("run.py", False, {})
    assert invocation_of("bash scripts/run.sh 0") == ("scripts/run.sh", False, {})
    assert invocation_of("sbatch --array=0-4 -p gpu job.slurm") == ("job.slurm", False, {})
    assert invocation_of("./run.sh") == ("./run.sh", False, {})
    assert invocation_of("conda run -n env python x.py --lr -0.5") == (
        "x.py",
        False,
        {"--lr": "-0.5"},
    )
    assert invocation_of("python -c 'print(1)'") is None
    assert invocation_of("echo python train.py") is None
    assert invocation_of("pip install -r requirements.txt") is None


def test_variables_expand_including_defaults_and_interpreter_variables() -> None:
    script = parse_script("PY=${PYTHON:-python}\nDIR=cnn\n$PY $DIR/train.py --seed $SEED\n")
    (command,) = script.commands
    assert command.words == ("python", "cnn/train.py", "--seed", "$SEED")


def test_for_loops_cd_and_continuations_are_tracked() -> None:
    text = (
        'cd "$(dirname "$0")/.."\n'
        "for seed in 0 1 2; do\n"
        "  python train.py \\\n"
        "     --seed $seed\n"
        "done\n"
        "python after.py\n"
    )
    script = parse_script(text)
    first, after = script.commands
    assert first.line == 3 and first.words == ("python", "train.py", "--seed", "$seed")
    assert first.cwd == (SCRIPT_DIR + "/..",)
    assert [loop.var for loop in first.loops] == ["seed"] and first.loops[0].items == "0 1 2"
    assert after.loops == ()


def test_heredoc_bodies_are_not_commands_and_directives_are_kept() -> None:
    text = (
        "#!/bin/bash\n#SBATCH --array=0-4\ncat <<EOF > x.py\npython nope.py\nEOF\npython yes.py\n"
    )
    script = parse_script(text)
    assert [c.words[1] for c in script.commands if c.words[0] == "python"] == ["yes.py"]
    assert script.directives == [(2, "SBATCH --array=0-4")]


def test_user_functions_wrap_commands() -> None:
    text = 'timed() { "$@"; }\ntimed search python train_search.py --seed 0\n'
    script = parse_script(text)
    command = script.commands[-1]
    inv = parse_invocation(command.words, script.functions)
    assert inv is not None and inv.script == "train_search.py"


def test_flags_join_values_and_keep_valueless_flags() -> None:
    assert parse_flags(["pos", "--seeds", "0", "1", "--x=1", "-v"]) == {
        "--seeds": "0 1",
        "--x": "1",
        "-v": "",
    }


def test_markdown_blocks_fenced_console_indented_and_rst() -> None:
    text = (
        "Intro\n```bash\ncd cnn && python train.py\n```\n"
        "```python\nimport x\n```\n"
        "```console\n$ python a.py\noutput line\n```\n"
        "    $ python b.py\n"
        ".. code-block:: bash\n\n   python c.py\n\nText\n"
    )
    blocks = doc_blocks(text)
    assert blocks == [
        [(3, "cd cnn && python train.py")],
        [(9, "python a.py")],
        [(12, "python b.py")],
        [(14, ""), (15, "   python c.py"), (16, "")],
    ]


def test_makefile_recipes_and_dockerfile_lines() -> None:
    make = makefile_blocks(
        "Makefile",
        list(
            enumerate(
                ["PY = python3", "train:", "\t@$(PY) train.py --seed $$SEED", "other: x"], start=1
            )
        ),
    )
    assert [b.lines for b in make] == [[(3, "python3 train.py --seed $SEED")]]
    docker = dockerfile_lines(
        list(enumerate(["FROM x", "WORKDIR /app", 'CMD ["python", "train.py"]'], start=1))
    )
    assert docker == [(1, ""), (2, "cd /app"), (3, "'python' 'train.py'")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_parser_never_raises(text: str) -> None:
    script = parse_script(text)
    for command in script.commands:
        parse_invocation(command.words, script.functions)
    doc_blocks(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "python",
                "-m",
                "-c",
                "bash",
                "sbatch",
                "x.py",
                "--a",
                "1",
                "srun",
                "torchrun",
                "-",
                "=",
                "./r.sh",
                "accelerate",
                "launch",
                "env",
                "A=1",
                "source",
                ".",
            ]
        ),
        max_size=10,
    )
)
def test_invocation_reader_never_raises(words: list[str]) -> None:
    inv = parse_invocation(words, {"timed"})
    if inv is not None:
        assert inv.script
