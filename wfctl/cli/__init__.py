"""Entry point: runs the click group and maps every outcome onto the exit-code contract."""

from __future__ import annotations

import os
import sys

import click

from wfctl.errors import EXIT_INPUT, EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> None:
    from wfctl.cli.root import cli  # noqa: PLC0415

    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or bool(os.environ.get("WFCTL_DEBUG"))
    try:
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
    sys.exit(code if isinstance(code, int) else 0)
