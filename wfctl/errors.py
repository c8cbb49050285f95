"""Errors that end a command, each with its place in the exit-code contract.

0 clean, 1 findings / differences / workflow failed, 2 usage or input error,
3 cluster or API error, 4 timeout reached (apply/watch), 130 interrupted, 141 reader of the output gone.
"""

from __future__ import annotations

import click

from wfctl.exitcodes import (  # noqa: F401 - re-exported: the numbers live where click is not imported
    EXIT_CLUSTER,
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TIMEOUT,
)


class WfctlError(click.ClickException):
    """An error wfctl reports in one line, without a traceback (exit 2 unless said otherwise)."""

    exit_code = EXIT_INPUT

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(f"wfctl: error: {self.format_message()}", err=True)


class InputError(WfctlError):
    """A path that cannot be read, or input wfctl cannot work with."""


class ConfigError(WfctlError):
    """An invalid configuration file or option value."""


class ClusterError(WfctlError):
    """The Kubernetes API could not be reached or refused a request."""

    exit_code = EXIT_CLUSTER
