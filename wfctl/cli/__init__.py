"""Entry point: runs the click group and maps every outcome onto the exit-code contract."""

from __future__ import annotations

import errno
import os
import sys

import click

from wfctl.errors import EXIT_INPUT, EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> None:
    from wfctl import interrupt  # noqa: PLC0415

    if sys.stdout is None:  # started with stdout closed (`>&-`): nowhere to report to
        if sys.stderr is not None:
            sys.stderr.write("wfctl: error: standard output is closed\n")
        sys.exit(EXIT_INPUT)
    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or bool(os.environ.get("WFCTL_DEBUG"))
    try:
        interrupt.raise_on_interrupt()  # the command may clean up on Ctrl-C
        from wfctl.cli.root import cli  # noqa: PLC0415

        code = cli.main(args=argv, prog_name="wfctl", standalone_mode=False)
        sys.stdout.flush()  # a full disk or a closed stdout is reported here, not at interpreter exit
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.Abort:
        click.echo("wfctl: interrupted", err=True)
        code = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("wfctl: interrupted", err=True)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        code = 0
        sys.stdout = None  # type: ignore[assignment]  # the reader went away: print nothing more
    except OSError as exc:  # an output that cannot be written (`> /dev/full`, `>&-`), or any other OS error
        if debug:
            raise
        output = exc.errno in (errno.ENOSPC, errno.EBADF, errno.EIO, errno.EFBIG, errno.EDQUOT)
        where = f"{exc.filename}: " if exc.filename else "writing the output: " if output else ""
        click.echo(f"wfctl: error: {where}{exc.strerror or exc}", err=True)
        code = EXIT_INPUT
        sys.stdout = None  # type: ignore[assignment]  # nothing more to flush at exit
    except Exception as exc:  # the last guard: never a traceback unless asked for
        if interrupt.was_interrupted():  # a Ctrl-C that hit an import comes out as ImportError & co
            click.echo("wfctl: interrupted", err=True)
            interrupt.exit_interrupted()
        if debug:
            raise
        click.echo(f"wfctl: internal error: {exc!r} (run with --debug for a traceback)", err=True)
        code = EXIT_INPUT
    interrupt.exit_on_interrupt()  # done: a late Ctrl-C must not turn into a traceback at exit
    if code not in (0, EXIT_INTERRUPTED) and interrupt.was_interrupted():
        click.echo("wfctl: interrupted", err=True)  # the error above was the interrupt's doing
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED and interrupt.is_cli():
        interrupt.exit_interrupted()
    sys.exit(code if isinstance(code, int) else 0)
