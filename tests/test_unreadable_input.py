"""Input that cannot be read prints the same line in every command (wfctl.loader.report): a table of bad
inputs run through each command's CLI, the formatter's own units, and the small behaviours around it
(dedupe/fix print no report for a file they could not read, `graph -` says <stdin>, fix's manual items)."""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, run
from wfctl.loader.discovery import Source
from wfctl.loader.report import (
    UNREADABLE,
    UnreadableInput,
    error_line,
    file_error_line,
    finding_line,
    problem_line,
    problem_text,
    unreadable,
)
from wfctl.loader.yaml import Problem

GOOD = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: a\nspec:\n  entrypoint: main\n"
    "  templates:\n  - name: main\n    container:\n      image: alpine:3.20\n"
)
BOMB = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: a\nx0: &a0 [" + ",".join(["lol"] * 9) + "]\n"
)
BOMB += "".join(f"x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9))

# kind: (bytes of bad.yaml, rule, line, column); rule None: the file is not there at all
BAD: dict[str, tuple[bytes | None, str | None, int, int]] = {
    "missing": (None, None, 0, 0),
    "binary": (b"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\x00\n", "WF013", 1, 1),
    "utf16-no-bom": (GOOD.encode("utf-16-le"), "WF013", 1, 1),
    "bad-utf16-bom": (codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", "WF012", 1, 1),
    "too-large": ((GOOD + "#" + "x" * 2000 + "\n").encode(), "WF014", 1, 1),
    "syntax": (b"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: [a\n", "WF010", 4, 11),
    "duplicate-key": (GOOD.replace("  name: a\n", "  name: a\n  name: b\n").encode(), "WF011", 5, 3),
    "alias-bomb": (BOMB.encode(), "WF015", 10, 10),
}

# command: (arguments before the bad file's name, exit code when a finding is reported)
COMMANDS: dict[str, tuple[tuple[str, ...], int]] = {
    "validate": (("validate", "--no-cache"), 1),
    "lint": (("lint", "--no-cache"), 1),
    "graph": (("graph",), 2),
    "diff": (("diff", "good.yaml"), 2),
    "dedupe": (("dedupe",), 2),
    "dedupe --write": (("dedupe", "--write"), 2),
    "fix": (("fix",), 2),
    "fix --write": (("fix", "--write"), 2),
    "apply": (("apply", "--dry-run=client", "-f"), 2),
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with good.yaml and a configuration whose size limit (1KB) every command reads."""
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / ".wfctl.yaml").write_text("max-file-size: 1KB\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


@pytest.mark.parametrize("kind", list(BAD))
def test_every_command_prints_the_same_line_for_bad_input(workdir: Path, kind: str) -> None:
    content, rule, line, column = BAD[kind]
    if content is not None:
        (workdir / "bad.yaml").write_bytes(content)
    before = (workdir / "bad.yaml").read_bytes() if content is not None else None
    if rule is None:
        expected = "wfctl: error: bad.yaml: no such file or directory"
    else:  # validate's report is the reference: the finding at its place, with its rule and severity
        report = run("validate", "--no-cache", "bad.yaml")
        found = [x for x in report.stdout.splitlines() if x.startswith("bad.yaml:")]
        assert len(found) == 1 and found[0].startswith(f"bad.yaml:{line}:{column}: error {rule} "), report.stdout
        expected = found[0]
    for name, (args, finding_exit) in COMMANDS.items():
        result = run(*args, "bad.yaml")
        code = finding_exit if rule is not None else 2
        assert result.exit_code == code, (name, result.stdout, result.stderr)
        where = result.stdout if name in ("validate", "lint") and rule is not None else result.stderr
        assert expected in _lines(where), (name, where)
        if name not in ("validate", "lint"):  # no report, no partial output before an input error
            assert result.stdout == "", (name, result.stdout)
            assert "0 -> 0" not in result.stderr and "0 of 1 files" not in result.stderr, name
            assert "Traceback" not in result.stderr
    if before is not None:
        assert (workdir / "bad.yaml").read_bytes() == before  # nothing was rewritten


@pytest.mark.parametrize("kind", ["binary", "syntax", "duplicate-key"])
def test_stdin_is_named_the_same_in_every_command(workdir: Path, kind: str) -> None:
    content, rule, line, column = BAD[kind]
    assert content is not None
    prefix = f"<stdin>:{line}:{column}: error {rule} "
    report = run("validate", "--no-cache", "-", input=content)
    expected = next(x for x in report.stdout.splitlines() if x.startswith(prefix))
    for args in (("graph", "-"), ("fix", "-"), ("dedupe", "-"), ("apply", "--dry-run=client", "-f", "-")):
        result = run(*args, input=content)
        assert result.exit_code == 2 and expected in _lines(result.stderr), (args, result.stderr)


def test_graph_names_stdin_like_the_other_commands(workdir: Path) -> None:
    result = run("graph", "-", input="kind: ConfigMap\napiVersion: v1\n")
    assert result.exit_code == 2 and result.stderr == "wfctl: error: <stdin>: no Argo workflow\n"
    named = run("graph", "--name", "zz", "-", input=GOOD)
    assert named.exit_code == 2 and named.stderr == "wfctl: error: <stdin>: no Argo workflow named 'zz'\n"


def test_graph_and_diff_take_the_size_limit_as_a_flag(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(GOOD + "#" + "x" * 200 + "\n")
    size = big.stat().st_size
    line = f"{big}:1:1: error WF014 file is {size:,} bytes, over the 100-byte limit (--max-file-size); not read"
    graph = run("graph", "--max-file-size", "100", str(big))
    assert graph.exit_code == 2 and graph.stderr == line + "\n"
    diff = run("diff", "--max-file-size", "100", str(big), str(big))
    assert diff.exit_code == 2 and diff.stderr == f"{line}\n{line}\n"  # every unreadable file is named
    assert run("graph", str(big)).exit_code == 0


def test_every_unreadable_file_of_a_diff_is_named(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "a.yaml").write_bytes(BAD["syntax"][0] or b"")
    (tmp_path / "new" / "a.yaml").write_bytes(BAD["duplicate-key"][0] or b"")
    result = run("diff", str(tmp_path / "old"), str(tmp_path / "new"))
    assert result.exit_code == 2 and result.stdout == ""
    assert [x.split(": error ")[1][:5] for x in result.stderr.splitlines()] == ["WF010", "WF011"]


DROP_CAPS = ("setpriv", "--bounding-set=-dac_override,-dac_read_search")


def _unprivileged() -> tuple[str, ...] | None:
    """How to run wfctl so that file permissions apply (None: they cannot be made to apply here)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return ()
    return DROP_CAPS if shutil.which("setpriv") else None


@pytest.mark.skipif(_unprivileged() is None, reason="root without setpriv: permissions do not apply")
@pytest.mark.parametrize(("what", "reason"), [("file", "permission denied"), ("dir", "cannot read directory")])
def test_a_path_without_permission_is_the_same_error_everywhere(tmp_path: Path, what: str, reason: str) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    locked = tmp_path / "locked"
    if what == "dir":
        locked.mkdir()
        (locked / "wf.yaml").write_text(GOOD)
    else:
        locked.write_text(GOOD)
    locked.chmod(0)
    prefix = _unprivileged() or ()
    expected = f"wfctl: error: locked: {reason}"
    try:
        for args, _ in COMMANDS.values():
            args = tuple("locked" if a == "good.yaml" else a for a in args)  # diff: two directories, or two files
            proc = subprocess.run(
                [*prefix, sys.executable, "-m", "wfctl", *args, "locked"],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=tmp_path,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            assert proc.returncode == 2, (args, proc.stderr)
            assert any(x.startswith(expected) for x in _lines(proc.stderr)), (args, proc.stderr)
    finally:
        locked.chmod(0o755)


# --- fix: what is left for a person is not "clean" ----------------------------------------------------


def test_fix_exits_1_while_a_manual_finding_remains(tmp_path: Path) -> None:
    target = tmp_path / "p.yaml"
    shutil.copy(FIXTURES / "rules" / "WF132" / "fail.yaml", target)
    first = run("fix", "--write", str(target))
    assert first.exit_code == 1 and "to fix by hand" in first.stderr
    manual = [x for x in first.stderr.splitlines() if " WF132 " in x]
    assert manual and all(x.startswith(f"{target}:") and ": error WF132 " in x for x in manual), first.stderr
    again = run("fix", "--check", str(target))  # nothing left to rewrite, but podPriority still needs a person
    assert again.exit_code == 1 and again.stdout == "" and "PriorityClass" in again.stderr
    assert run("fix", "--check", str(FIXTURES / "rules" / "WF132" / "pass.yaml")).exit_code == 0


# --- units: the formatter -----------------------------------------------------------------------------


def test_finding_line_is_the_text_reporters_line() -> None:
    assert finding_line("a.yaml", 3, 7, "error", "WF010", "bad") == "a.yaml:3:7: error WF010 bad"
    coloured = finding_line("a.yaml", 3, 7, "warning", "WF018", "x", color=True)
    assert coloured == "\x1b[1ma.yaml:3:7:\x1b[0m \x1b[33mwarning\x1b[0m \x1b[2mWF018\x1b[0m x"
    assert finding_line("a\nb.yaml", 1, 1, "error", "WF013", "m\udcff") == "a\\x0ab.yaml:1:1: error WF013 m\\xff"


def test_problem_line_takes_the_severity_from_the_rule_entry() -> None:
    from wfctl import rules

    registry = rules.load(("input",))
    for code in sorted(UNREADABLE | {"WF018"}):
        line = problem_line("f.yaml", Problem(code, "msg", 2, 4))
        assert line == f"f.yaml:2:4: {registry[code].severity} {code} msg"
    assert problem_line("f.yaml", Problem("WF018", "m")).startswith("f.yaml:1:1: warning WF018 ")


def test_error_lines_and_problem_text() -> None:
    assert error_line("x.yaml: no such file or directory") == "wfctl: error: x.yaml: no such file or directory"
    problem = Problem("WF011", "duplicate key 'a'", 5, 3)
    assert file_error_line("x.yaml", "ignored", problem) == "x.yaml:5:3: error WF011 duplicate key 'a'"
    assert file_error_line("x.yaml", "read-only file") == "wfctl: error: x.yaml: read-only file"
    assert problem_text(problem) == "line 5, column 3: duplicate key 'a' (WF011)"


def test_unreadable_keeps_only_what_leaves_the_content_unknown_in_file_order() -> None:
    problems = [Problem("WF016", "a list", 1, 1), Problem("WF011", "dup", 9, 1), Problem("WF010", "syntax", 3, 2)]
    assert [p.rule for p in unreadable(problems)] == ["WF010", "WF011"]
    assert unreadable([Problem("WF017", "api")]) == []


def test_unreadable_input_prints_its_lines_alone_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    error = UnreadableInput(["a.yaml:1:1: error WF013 binary", "wfctl: error: b.yaml: permission denied"])
    assert error.exit_code == 2
    error.show()
    assert capsys.readouterr().err == "a.yaml:1:1: error WF013 binary\nwfctl: error: b.yaml: permission denied\n"


def test_render_reads_its_output_back_through_the_same_formatter() -> None:
    from wfctl.cli.render import _data

    assert _data(Source("r.yaml", content=GOOD.encode()))["metadata"] == {"name": "a"}
    with pytest.raises(UnreadableInput) as caught:
        _data(Source("r.yaml", content=BAD["duplicate-key"][0]))
    assert caught.value.lines == [problem_line("r.yaml", Problem("WF011", _dup_message(), 5, 3))]
    with pytest.raises(UnreadableInput) as empty:
        _data(Source("r.yaml", content=b"kind: ConfigMap\n"))
    assert empty.value.lines == ["wfctl: error: r.yaml: the rendered manifest holds no Argo document"]


def _dup_message() -> str:
    from wfctl.loader.yaml import parse

    text = (BAD["duplicate-key"][0] or b"").decode()
    return parse(text).documents[0].problems[0].message


def test_dedupe_json_still_reports_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(BAD["binary"][0] or b"")
    result = run("dedupe", "-o", "json", str(bad))
    assert result.exit_code == 2
    assert '"error": "line 1, column 1: binary file' in result.stdout
    assert result.stderr == f"{bad}:1:1: error WF013 binary file (contains NUL bytes): not a YAML or JSON manifest\n"
