"""Entry point: runs the click group and maps every outcome onto the exit-code contract."""

from __future__ import annotations

import os
import sys

import click

from wfctl.errors import EXIT_INPUT, EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> None:
    from wfctl import interrupt  # noqa: PLC0415

    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or bool(os.environ.get("WFCTL_DEBUG"))
    try:
        interrupt.raise_on_interrupt()  # the command may clean up on Ctrl-C
        from wfctl.cli.root import cli  # noqa: PLC0415

        code = cli.main(args=argv, prog_name="wfctl", standalone_mode=False)
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
    except Exception as exc:  # the last guard: never a traceback unless asked for
        if debug:
            raise
        click.echo(f"wfctl: internal error: {exc!r} (run with --debug for a traceback)", err=True)
        code = EXIT_INPUT
    interrupt.exit_on_interrupt()  # done: a late Ctrl-C must not turn into a traceback at exit
    if code == EXIT_INTERRUPTED and interrupt.is_cli():
        interrupt.exit_interrupted()
    sys.exit(code if isinstance(code, int) else 0)
