"""The kubectl-style connection flags shared by apply, submit, watch and diff --live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def kube_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(
        [
            click.option(
                "--kubeconfig", metavar="PATH", help="Kubeconfig file (default: $KUBECONFIG, ~/.kube/config)."
            ),
            click.option("--context", metavar="NAME", help="Kubeconfig context to use."),
            click.option("-n", "--namespace", metavar="NS", help="Namespace (default: the context's, else 'default')."),
            click.option(
                "--request-timeout",
                type=float,
                default=30.0,
                show_default=True,
                metavar="SECONDS",
                help="Timeout of each API request.",
            ),
        ]
    ):
        f = decorator(f)
    return f
