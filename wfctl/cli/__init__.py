"""Entry point: runs a command (the start-up fast path or the click group) and maps every outcome onto
the exit-code contract.

`wfctl validate|lint [common flags] PATH...`, what pre-commit runs on every commit, goes through
wfctl.cli.fast, which does not import click (a fifth of a one-file run); everything else, and anything
the fast path does not recognise, goes through click. click is imported here only when it is used, so
every check of a click exception below first asks whether click is loaded at all.
"""

from __future__ import annotations

import errno
import os
import sys

from wfctl.exitcodes import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_READER_GONE


def say(message: str) -> None:
    """Write one line on stderr as `click.echo(message, err=True)` does. A stderr that cannot be written
    to (a closed pipe, a full disk) is given up silently: the exit code still tells what happened."""
    try:
        if "click" in sys.modules or "\x1b" in message:  # click.echo strips ANSI codes off a non-terminal
            import click  # noqa: PLC0415

            click.echo(message, err=True)
        elif sys.stderr is not None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    except OSError:
        _drop_stderr()


def _drop_stderr() -> None:
    """Nothing more can be reported on stderr, not even by the interpreter's flush at exit (which would
    turn the exit code into 120)."""
    sys.stderr = None  # type: ignore[assignment]


def _show(exc: Exception) -> None:
    """A click exception's message (usage errors with their usage line) on stderr, if it can be written."""
    try:
        exc.show()  # type: ignore[attr-defined]
    except OSError:
        _drop_stderr()


def _reader_gone() -> bool:
    """Whether click stopped a command because the reader of stdout went away: click handles EPIPE
    itself (it exits 1 after wrapping the streams so that nothing more is flushed into the pipe)."""
    return type(sys.stdout).__name__ == "_PacifyFlushWrapper"


def main(argv: list[str] | None = None, *, fast: bool = True) -> None:
    """Run wfctl with `argv` (default: sys.argv[1:]) and exit. `fast=False` always goes through click
    (the tests compare both paths)."""
    from wfctl import interrupt  # noqa: PLC0415

    if sys.stdout is None:  # started with stdout closed (`>&-`): nowhere to report to
        if sys.stderr is not None:
            say("wfctl: error: standard output is closed")
        sys.exit(EXIT_INPUT)
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args or bool(os.environ.get("WFCTL_DEBUG"))
    try:
        interrupt.raise_on_interrupt()  # the command may clean up on Ctrl-C
        check = None
        if fast:
            from wfctl.cli import fast as fast_path  # noqa: PLC0415

            check = fast_path.parse(args)
        if check is not None:
            code = fast_path.invoke(check)
        else:
            from wfctl.cli.root import cli  # noqa: PLC0415

            try:
                code = cli.main(args=args, prog_name="wfctl", standalone_mode=False)
            except SystemExit:
                if not _reader_gone():
                    raise
                code = EXIT_READER_GONE
        sys.stdout.flush()  # a full disk or a closed stdout is reported here, not at interpreter exit
    except KeyboardInterrupt:
        say("wfctl: interrupted")
        code = EXIT_INTERRUPTED
    except Exception as exc:
        click = sys.modules.get("click")  # not loaded: the exception cannot be one of click's
        if click is not None and isinstance(exc, click.exceptions.Exit):
            code = exc.exit_code
        elif click is not None and isinstance(exc, click.ClickException):
            _show(exc)
            code = exc.exit_code
        elif click is not None and isinstance(exc, click.Abort):
            say("wfctl: interrupted")
            code = EXIT_INTERRUPTED
        elif isinstance(exc, BrokenPipeError):
            code = EXIT_READER_GONE
            sys.stdout = None  # type: ignore[assignment]  # the reader went away: print nothing more
        elif isinstance(exc, OSError):  # an output that cannot be written (`> /dev/full`, `>&-`), or any other
            if debug:
                raise
            output = exc.errno in (errno.ENOSPC, errno.EBADF, errno.EIO, errno.EFBIG, errno.EDQUOT)
            where = f"{exc.filename}: " if exc.filename else "writing the output: " if output else ""
            say(f"wfctl: error: {where}{exc.strerror or exc}")
            code = EXIT_INPUT
            sys.stdout = None  # type: ignore[assignment]  # nothing more to flush at exit
        else:  # the last guard: never a traceback unless asked for
            if interrupt.was_interrupted():  # a Ctrl-C that hit an import comes out as ImportError & co
                say("wfctl: interrupted")
                interrupt.exit_interrupted()
            if debug:
                raise
            say(f"wfctl: internal error: {exc!r} (run with --debug for a traceback)")
            code = EXIT_INPUT
    interrupt.exit_on_interrupt()  # done: a late Ctrl-C must not turn into a traceback at exit
    if code not in (0, EXIT_INTERRUPTED) and interrupt.was_interrupted():
        say("wfctl: interrupted")  # the error above was the interrupt's doing
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED and interrupt.is_cli():
        interrupt.exit_interrupted()
    sys.exit(code if isinstance(code, int) else 0)
