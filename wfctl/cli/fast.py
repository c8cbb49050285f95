"""The start-up fast path: `wfctl validate|lint [flags] PATH...` parsed without importing click.

Importing click costs about a fifth of a one-file run, and a pre-commit hook runs one on every commit.
`parse` reads exactly the invocations it can answer exactly as click would (the flags in `OPTIONS`,
each option spelling click accepts: `--opt VALUE`, `--opt=VALUE`, `-oVALUE`, `-qv`, options after
paths, `--`) into the same options mapping click would build, and returns None for anything else
(help, completion, unknown or unusual flags, a value click would reject, no path at all, `--hera` and
`--metaflow`) so that click answers: its messages and exit codes stay the only ones.

click's command definitions (wfctl.cli.check) remain the one definition of the options and their help;
tests/test_fast_cli.py checks `OPTIONS`, `DEFAULTS` and `ENVVARS` against them, compares the mapping
with click's for a table of invocations, and runs each invocation both ways comparing output and exit code.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from wfctl.exitcodes import EXIT_READER_GONE
from wfctl.records import dataclass

FLAG, COUNT, VALUE, MULTIPLE, CHOICE, JOBS = "flag", "count", "value", "multiple", "choice", "jobs"

# option spelling -> (parameter name, kind) for `validate` and `lint`. Kinds: FLAG (True when given),
# COUNT (+1 each time), VALUE (a string; the last one given wins), MULTIPLE (every value, in order),
# CHOICE (one of `choices()[name]`), JOBS (a whole number >= 0).
OPTIONS: dict[str, tuple[str, str]] = {
    "-o": ("output", CHOICE),
    "--output": ("output", CHOICE),
    "--argo-version": ("argo_version", CHOICE),
    "--exclude": ("exclude", MULTIPLE),
    "--no-default-excludes": ("no_default_excludes", FLAG),
    "--templates": ("templates", MULTIPLE),
    "--strict-refs": ("strict_refs", FLAG),
    "--select": ("select", MULTIPLE),
    "--ignore": ("ignore", MULTIPLE),
    "--fail-on": ("fail_on", CHOICE),
    "--exit-zero": ("exit_zero", FLAG),
    "--max-file-size": ("max_file_size", VALUE),
    "--stdin-filename": ("stdin_filename", VALUE),
    "--config": ("config", VALUE),
    "--isolated": ("isolated", FLAG),
    "-j": ("jobs", JOBS),
    "--jobs": ("jobs", JOBS),
    "--no-cache": ("no_cache", FLAG),
    "--cache-dir": ("cache_dir", VALUE),
    "-v": ("verbose", COUNT),
    "--verbose": ("verbose", COUNT),
    "-q": ("quiet", FLAG),
    "--quiet": ("quiet", FLAG),
    "--color": ("color", CHOICE),
}
LINT_OPTIONS: dict[str, tuple[str, str]] = {"--fix": ("fix", FLAG), "--unsafe-fixes": ("unsafe_fixes", FLAG)}
# Options the fast path leaves to click (they run user code or show help): their defaults only.
LEFT_TO_CLICK = ("--hera", "--metaflow", "--metaflow-timeout")
DEFAULTS: dict[str, Any] = {
    "hera": (),
    "metaflow": (),
    "metaflow_timeout": 300.0,
    "output": "text",
    "argo_version": None,
    "exclude": (),
    "no_default_excludes": False,
    "templates": (),
    "strict_refs": False,
    "select": (),
    "ignore": (),
    "fail_on": "error",
    "exit_zero": False,
    "max_file_size": None,
    "stdin_filename": None,
    "config": None,
    "isolated": False,
    "jobs": None,
    "no_cache": False,
    "cache_dir": None,
    "verbose": 0,
    "quiet": False,
    "color": "auto",
}
LINT_DEFAULTS: dict[str, Any] = {"fix": False, "unsafe_fixes": False}
ENVVARS = {"output": "WFCTL_OUTPUT_FORMAT", "cache_dir": "WFCTL_CACHE_DIR"}  # used when the option is not given
COMPLETION_VAR = "_WFCTL_COMPLETE"  # click's shell completion: always click's
# The click.Path settings of PATHS (checked against wfctl.cli.check by the tests): with readable=False,
# a file that cannot be read is the check's own error ("wfctl: error: PATH: permission denied").
PATH_READABLE = False


def choices() -> dict[str, list[str]]:
    from wfctl.cli.options import ARGO_VERSIONS, COLOR_CHOICES, SEVERITIES  # noqa: PLC0415
    from wfctl.reporters import names  # noqa: PLC0415

    return {"output": names(), "argo_version": ARGO_VERSIONS, "fail_on": SEVERITIES, "color": COLOR_CHOICES}


@dataclass
class FastCheck:
    """A `validate` or `lint` invocation parsed as click would have parsed it."""

    stages: tuple[str, ...]
    paths: tuple[str, ...]
    opts: dict[str, Any]


def parse(args: list[str]) -> FastCheck | None:
    """The invocation `args` (without the program name), or None when click must handle it."""
    if not args or args[0] not in ("validate", "lint") or os.environ.get(COMPLETION_VAR):
        return None
    lint = args[0] == "lint"
    table = {**OPTIONS, **LINT_OPTIONS} if lint else OPTIONS
    given: dict[str, Any] = {}
    paths: list[str] = []
    rest = args[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        i += 1
        if arg == "--":
            paths.extend(rest[i:])
            break
        if arg[:1] != "-" or len(arg) == 1:  # `-` alone is stdin
            paths.append(arg)
            continue
        if arg[:2] == "--":
            name, eq, value = arg.partition("=")
            if name not in table:
                return None
            param, kind = table[name]
            if kind in (FLAG, COUNT):
                if eq:
                    return None  # click: "option does not take a value"
                _take(given, param, kind, None)
                continue
            if not eq:
                if i >= len(rest):
                    return None  # click: "option requires an argument"
                value = rest[i]
                i += 1
            if not _take(given, param, kind, value):
                return None
            continue
        for at in range(1, len(arg)):  # -q, -qv, -j2, -ojson, -qo json
            if "-" + arg[at] not in table:
                return None
            param, kind = table["-" + arg[at]]
            if kind in (FLAG, COUNT):
                _take(given, param, kind, None)
                continue
            value = arg[at + 1 :]
            if not value:
                if i >= len(rest):
                    return None
                value = rest[i]
                i += 1
            if not _take(given, param, kind, value):
                return None
            break
    if not paths or not all(_path_accepted(p) for p in paths):
        return None  # click's usage error, or one of click.Path's
    opts = {**DEFAULTS, **(LINT_DEFAULTS if lint else {})}
    for param, var in ENVVARS.items():
        if param not in given and os.environ.get(var):
            given[param] = os.environ[var]
    allowed = choices()
    for param, value in given.items():
        if param in allowed and value not in allowed[param]:
            return None  # click: "invalid choice"
        opts[param] = tuple(value) if isinstance(value, list) else value
    from wfctl.cli.checkrun import LINT_STAGES, VALIDATE_STAGES  # noqa: PLC0415

    return FastCheck(LINT_STAGES if lint else VALIDATE_STAGES, tuple(paths), opts)


def _take(given: dict[str, Any], param: str, kind: str, value: str | None) -> bool:
    """Record one occurrence of an option; False when click would reject its value."""
    if kind == FLAG:
        given[param] = True
    elif kind == COUNT:
        given[param] = given.get(param, 0) + 1
    elif kind == MULTIPLE:
        given.setdefault(param, []).append(value)
    elif kind == JOBS:
        if value is None or not (value.isascii() and value.isdigit()):
            return False  # click's int() takes more spellings (` 2`, `+2`, `1_0`): click decides those
        given[param] = int(value)
    else:
        given[param] = value
    return True


def _path_accepted(path: str) -> bool:
    """What click.Path(exists=False, readable=PATH_READABLE, allow_dash=True) accepts."""
    if path == "-":
        return True
    try:
        os.stat(path)
    except OSError:
        return True  # a missing file is reported by the check itself
    except ValueError:
        return False  # a NUL byte in the path: click decides
    return not PATH_READABLE or os.access(path, os.R_OK)


class _PipeGone:
    """A standard stream whose reader went away: flushing it no longer fails (as click does on EPIPE)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def invoke(check: FastCheck) -> int:
    """Run the parsed command with what click does around a command in `main(standalone_mode=False)`:
    Ctrl-C (and EOF) give a blank line and then the interrupt; when the reader of the output goes away
    the command stops quietly with 141, as wfctl.cli.main makes click's commands do."""
    from wfctl.cli import say  # noqa: PLC0415

    try:
        from wfctl.cli.checkrun import run_check  # noqa: PLC0415

        sys.exit(run_check(check.stages, check.paths, check.opts))
    except (EOFError, KeyboardInterrupt):
        say("")  # click closes the terminal's ^C echo with a blank line
        raise KeyboardInterrupt from None
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = _PipeGone(sys.stdout)
        sys.stderr = _PipeGone(sys.stderr)
        sys.exit(EXIT_READER_GONE)
