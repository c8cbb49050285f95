"""The start-up fast path (wfctl.cli.fast) answers exactly as click would, or leaves the answer to click.

Its option table is checked against click's definitions of `validate` and `lint`; the options it
parses are compared with click's for a table of invocations; each invocation runs both ways in a
subprocess, comparing stdout, stderr and the exit code; and the fast path never imports click.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from tests.conftest import FIXTURES, ROOT
from wfctl.cli import fast, main, say
from wfctl.cli.check import lint as lint_command
from wfctl.cli.check import validate as validate_command

COMMANDS = {"validate": validate_command, "lint": lint_command}
HELLO = str(FIXTURES / "examples" / "hello-world.yaml")
DAG = str(FIXTURES / "examples" / "dag.yaml")
TYPOS = str(FIXTURES / "invalid" / "typos.yaml")
SYNTAX = str(FIXTURES / "invalid" / "syntax-error.yaml")
EXAMPLES = str(FIXTURES / "examples")
CLEAN_ENV = ("WFCTL_OUTPUT_FORMAT", "WFCTL_CACHE_DIR", "WFCTL_CONFIG", fast.COMPLETION_VAR)


def _kind(param: click.Option) -> str:
    """The fast path's kind for a click option (fails for a kind the fast path cannot parse)."""
    if param.count:
        return fast.COUNT
    if param.is_flag:
        return fast.FLAG
    if param.multiple:
        assert param.type is click.STRING, f"{param.name}: a repeatable option of another type than text"
        return fast.MULTIPLE
    if isinstance(param.type, click.Choice):
        assert list(param.type.choices) == fast.choices()[param.name], f"{param.name}: other choices"
        return fast.CHOICE
    if isinstance(param.type, click.IntRange):
        assert (param.type.min, param.type.max, param.type.min_open) == (0, None, False), param.name
        return fast.JOBS
    assert param.type is click.STRING, f"{param.name}: an option type the fast path does not parse"
    return fast.VALUE


@pytest.mark.parametrize("name", COMMANDS)
def test_the_fast_table_is_the_click_definition(name: str, clean_env: pytest.MonkeyPatch) -> None:
    """Every option of the click command is in the fast table with the same spelling, kind, default and
    environment variable, or explicitly left to click; the table has nothing click does not define."""
    command = COMMANDS[name]
    table = {**fast.OPTIONS, **(fast.LINT_OPTIONS if name == "lint" else {})}
    defaults = {**fast.DEFAULTS, **(fast.LINT_DEFAULTS if name == "lint" else {})}
    ctx = command.make_context(name, [HELLO])
    spellings: set[str] = set()
    for param in command.params:
        if isinstance(param, click.Argument):
            assert (param.name, param.nargs) == ("paths", -1)
            path = param.type
            assert isinstance(path, click.Path)
            settings = (path.exists, path.file_okay, path.dir_okay, path.allow_dash, path.resolve_path)
            assert settings == (False, True, True, True, False)
            assert (path.readable, path.writable, path.executable) == (fast.PATH_READABLE, False, False)
            continue
        assert isinstance(param, click.Option)
        assert not param.secondary_opts and not param.prompt and param.callback is None, param.name
        spellings.update(param.opts)
        assert param.name in defaults, f"{param.name}: no default in wfctl.cli.fast.DEFAULTS"
        assert defaults[param.name] == ctx.params[param.name], param.name  # nothing given: the default
        assert fast.ENVVARS.get(param.name) == param.envvar, param.name
        for opt in param.opts:
            if opt in fast.LEFT_TO_CLICK:
                assert opt not in table
                continue
            assert table.get(opt) == (param.name, _kind(param)), f"{opt}: the fast table says {table.get(opt)}"
    assert set(table) | set(fast.LEFT_TO_CLICK) == spellings
    assert set(defaults) == {p.name for p in command.params if isinstance(p, click.Option)}
    help_names = {"-h", "--help"}  # the group's help_option_names: never parsed by the fast path
    assert not help_names & set(table)


# Invocations the fast path parses: click's options mapping for them must be the fast path's.
PARSED = [
    ["validate", HELLO],
    ["lint", HELLO, DAG],
    ["validate", "-q", HELLO],
    ["validate", HELLO, "-q", "-v", "--verbose"],
    ["validate", "-qv", "-vv", HELLO],
    ["validate", "-ojson", HELLO],
    ["validate", "-o", "sarif", "--output=github", HELLO],
    ["validate", "-qojson", HELLO],
    ["validate", "--select", "WF001,WF002", "--select=WF003", "--ignore", "WF004", HELLO],
    ["lint", "--fail-on", "warning", "--exit-zero", "--strict-refs", "--isolated", HELLO],
    ["lint", "--fix", "--unsafe-fixes", HELLO],
    ["validate", "--config", "-q", HELLO],  # click takes `-q` as the value of --config
    ["validate", "--config=", HELLO],
    ["validate", "--max-file-size", "10", "--stdin-filename", "x.yaml", "-"],
    ["validate", "-j", "0", "-j2", "--jobs=007", HELLO],
    ["validate", "--no-cache", "--cache-dir", "/tmp/somewhere", HELLO],
    ["validate", "--argo-version", "3.7", "--color", "always", HELLO],
    ["validate", "--exclude", "*.json", "--exclude=b/*", "--templates", EXAMPLES, "--no-default-excludes", EXAMPLES],
    ["validate", "--", "-q", HELLO],
    ["validate", "-q", "--", "--", "-"],
    ["validate", "/no/such/file.yaml"],
    ["validate", ""],
]

# Invocations the fast path leaves to click (help, errors, rarer options).
LEFT = [
    [],
    ["--version"],
    ["--debug", "validate", HELLO],
    ["graph", HELLO],
    ["validate"],
    ["validate", "-q"],
    ["validate", "-h", HELLO],
    ["validate", "--help", HELLO],
    ["validate", "--bogus", HELLO],
    ["validate", "-x", HELLO],
    ["validate", "-qx", HELLO],
    ["validate", "--quiet=1", HELLO],
    ["validate", "--qui", HELLO],
    ["validate", HELLO, "-o"],
    ["validate", "-o=json", HELLO],
    ["validate", "--output", "bogus", HELLO],
    ["validate", "--fail-on", "Error", HELLO],
    ["validate", "-j", "x", HELLO],
    ["validate", "-j", "-1", HELLO],
    ["validate", "-j", " 2", HELLO],
    ["validate", "--hera", "flows.py"],
    ["validate", "--metaflow", "flow.py", HELLO],
    ["validate", "--metaflow-timeout", "3", HELLO],
    ["validate", "--fix", HELLO],  # lint's option, not validate's
    ["validate", "a\x00b"],
]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in CLEAN_ENV:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def _clicks(args: list[str]) -> dict[str, Any]:
    return COMMANDS[args[0]].make_context(args[0], args[1:]).params


@pytest.mark.parametrize("args", PARSED, ids=lambda a: " ".join(a).replace(str(FIXTURES), "F"))
def test_parsed_like_click(args: list[str], clean_env: pytest.MonkeyPatch) -> None:
    check = fast.parse(args)
    assert check is not None
    assert {**check.opts, "paths": check.paths} == _clicks(args)
    assert check.stages == (("input", "argo", "practice") if args[0] == "lint" else ("input", "argo"))


@pytest.mark.parametrize("args", LEFT, ids=lambda a: " ".join(a).replace(str(FIXTURES), "F"))
def test_left_to_click(args: list[str], clean_env: pytest.MonkeyPatch) -> None:
    assert fast.parse(args) is None


def test_environment_variables_like_click(clean_env: pytest.MonkeyPatch) -> None:
    args = ["validate", HELLO]
    for var, value in (("WFCTL_OUTPUT_FORMAT", "json"), ("WFCTL_CACHE_DIR", "/tmp/c"), ("WFCTL_CACHE_DIR", "")):
        clean_env.setenv(var, value)
        check = fast.parse(args)
        assert check is not None
        assert {**check.opts, "paths": check.paths} == _clicks(args)
    assert fast.parse(["validate", "--cache-dir", "/x", "-o", "text", HELLO]).opts["output"] == "text"  # type: ignore[union-attr]
    clean_env.setenv("WFCTL_OUTPUT_FORMAT", "bogus")  # click rejects it: click says so
    assert fast.parse(args) is None
    clean_env.delenv("WFCTL_OUTPUT_FORMAT")
    clean_env.setenv(fast.COMPLETION_VAR, "bash_complete")
    assert fast.parse(args) is None


def test_an_unreadable_path_as_click_takes_it(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("a: 1\n")
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running as a user who can read anything")
        args = ["validate", str(secret)]
        check = fast.parse(args)
        if fast.PATH_READABLE:
            assert check is None
            with pytest.raises(click.BadParameter, match="is not readable"):
                _clicks(args)
        else:
            assert check is not None
            assert {**check.opts, "paths": check.paths} == _clicks(args)
    finally:
        secret.chmod(0o644)


# --- both ways, in subprocesses: same stdout, stderr and exit code

DRIVER = """
import os, sys
import wfctl.cli.fast as fast
taken = []
real = fast.invoke
fast.invoke = lambda check: taken.append(1) or real(check)
from wfctl.cli import main
try:
    main(sys.argv[2:], fast=sys.argv[1] == "fast")
finally:
    with open(os.environ["WFCTL_TEST_PATH_TAKEN"], "w") as fh:
        fh.write(("fast" if taken else "click") + (" click-loaded" if "click" in sys.modules else ""))
"""


def _both_ways(
    args: list[str], tmp_path: Path, *, env: dict[str, str] | None = None, stdin: bytes = b"", cwd: Path | None = None
) -> tuple[str, str]:
    """Run `args` through the fast path and through click; assert the same output; return how each went."""
    outcomes = []
    taken = []
    for way in ("fast", "click"):
        mark = tmp_path / f"taken-{way}"
        run_env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
        run_env.update(env or {}, WFCTL_TEST_PATH_TAKEN=str(mark), PYTHONPATH=str(ROOT))
        where = cwd / way if cwd is not None else ROOT
        proc = subprocess.run(
            [sys.executable, "-c", DRIVER, way, *args], input=stdin, capture_output=True, env=run_env, cwd=where
        )
        outcomes.append((proc.returncode, proc.stdout, proc.stderr))
        taken.append(mark.read_text())
    assert outcomes[0] == outcomes[1], f"fast path: {outcomes[0]!r}\nclick: {outcomes[1]!r}"
    assert b"Traceback" not in outcomes[0][2]
    return taken[0], taken[1]


BOTH_WAYS_FAST = [
    ["validate", HELLO],
    ["validate", TYPOS],
    ["lint", TYPOS, SYNTAX, "-o", "json"],
    ["lint", EXAMPLES, "-qv"],
    ["validate", "-ojson", TYPOS, "--select", "WF001"],
    ["lint", "--ignore=WF2", "--fail-on", "warning", "--exit-zero", TYPOS],
    ["validate", "-o", "sarif", "--strict-refs", "--isolated", "-j1", TYPOS],
    ["lint", "-o", "github", "--argo-version", "3.7", "--color", "always", TYPOS],
    ["validate", "--no-cache", "/no/such/file.yaml", HELLO],
    ["validate", "--max-file-size", "junk", HELLO],  # an error from the configuration layer (click's exception)
    ["validate", "--select", "WF999x", HELLO],
    ["validate", "--config", "/no/such/config.yaml", HELLO],
    ["validate", "--exclude", "dag*", "--templates", EXAMPLES, EXAMPLES, "-v"],
    ["validate", "-q", "--", HELLO],
]


@pytest.mark.parametrize("args", BOTH_WAYS_FAST, ids=lambda a: " ".join(a).replace(str(FIXTURES), "F"))
def test_same_output_both_ways(args: list[str], tmp_path: Path) -> None:
    fast_way, click_way = _both_ways(args, tmp_path)
    assert fast_way.startswith("fast") and click_way.startswith("click")


def test_same_output_both_ways_for_stdin_and_the_environment(tmp_path: Path) -> None:
    stdin = Path(TYPOS).read_bytes()
    taken = _both_ways(["validate", "--stdin-filename", "piped.yaml", "-"], tmp_path, stdin=stdin)
    assert taken[0] == "fast"
    taken = _both_ways(["lint", TYPOS], tmp_path, env={"WFCTL_OUTPUT_FORMAT": "json"})
    assert taken[0] == "fast"
    taken = _both_ways(["validate", HELLO], tmp_path, env={"WFCTL_OUTPUT_FORMAT": "bogus"})
    assert taken[0].startswith("click")  # click's usage error, from click


def test_same_output_both_ways_for_lint_fix(tmp_path: Path) -> None:
    """`lint --fix` rewrites the file the same way (each way on its own copy, named the same)."""
    for way in ("fast", "click"):
        (tmp_path / way).mkdir()
        shutil.copy(FIXTURES / "fix" / "convert-sync.yaml", tmp_path / way / "wf.yaml")
    taken = _both_ways(["lint", "--fix", "--no-cache", "wf.yaml"], tmp_path, cwd=tmp_path)
    assert taken[0].startswith("fast")
    assert (tmp_path / "fast" / "wf.yaml").read_bytes() == (tmp_path / "click" / "wf.yaml").read_bytes()
    assert (tmp_path / "fast" / "wf.yaml").read_bytes() != (FIXTURES / "fix" / "convert-sync.yaml").read_bytes()


@pytest.mark.parametrize(
    "args",
    [["validate", "-h"], ["validate", "--bogus", HELLO], ["validate"], ["lint", "-o", "nope", HELLO]],
    ids=["help", "unknown option", "no path", "bad choice"],
)
def test_left_to_click_both_ways(args: list[str], tmp_path: Path) -> None:
    assert _both_ways(args, tmp_path) == ("click click-loaded", "click click-loaded")


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_the_fast_path_does_not_import_click(command: str, tmp_path: Path) -> None:
    """Through the real entry point (`python -m wfctl`), clean and with findings."""
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['wfctl', {command!r}, '-q', '--no-cache', {HELLO!r}, {TYPOS!r}]\n"
        "try:\n"
        "    runpy.run_module('wfctl', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    print(exc.code, 'click' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr.splitlines()[-1] == "1 False", proc.stderr
    assert "typos.yaml" in proc.stdout


# --- a usage error on a stderr nobody reads still exits 2


class _GoneStream(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize(
    "args",
    [["validate", "--bogus", HELLO], ["validate"], ["nosuch"], ["validate", "--fail-on", "x", HELLO]],
    ids=["unknown option", "no path", "no such command", "bad choice"],
)
def test_a_usage_error_exits_2_when_stderr_is_gone(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _GoneStream())
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert sys.stderr is None  # given up: the interpreter's flush at exit cannot fail either


def test_say_gives_up_a_stderr_that_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _GoneStream())
    say("wfctl: error: something")
    assert sys.stderr is None
    say("wfctl: error: again")  # nothing to write to: silently nothing


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--bogus", HELLO],
        ["validate"],
        ["nosuch"],
        ["lint", "-o", "nope", HELLO],
        ["validate", "/no/such/file.yaml"],
        ["validate", "--max-file-size", "junk", HELLO],
    ],
    ids=["unknown option", "no path", "no such command", "bad choice", "missing file", "bad size"],
)
def test_exit_2_on_a_closed_stderr_pipe(args: list[str]) -> None:
    """The console entry point with stderr a pipe whose reader is gone: exit 2, not 1 (nor 120)."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "wfctl", *args], stdout=subprocess.DEVNULL, stderr=write, cwd=ROOT, timeout=60
        )
    finally:
        os.close(write)
    assert proc.returncode == 2


def test_reporter_names_are_the_package_modules() -> None:
    """`-o` choices come from a directory listing (no pkgutil at start-up): the same list pkgutil gives."""
    import pkgutil

    from wfctl import reporters

    assert reporters.names() == sorted(m.name for m in pkgutil.iter_modules(reporters.__path__) if m.name != "base")
