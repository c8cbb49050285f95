"""The kubectl-style connection flags shared by apply, submit, watch and diff --live, and the
duration syntax they use (`90`, `30s`, `5m`, `1h30m`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from wfctl.argo.duration import flag_seconds

DEFAULT_REQUEST_TIMEOUT = 30.0


def duration_seconds(text: str, option: str) -> float:
    """Seconds in a duration: a number of seconds (90, 1.5) or a Go duration (30s, 5m, 1h30m, 300ms),
    the grammar of `wfctl.argo.duration`, shared with the manifests' own durations."""
    seconds = flag_seconds(text)
    if seconds is None:
        raise click.BadParameter(f"{text!r} is not a duration (e.g. 90, 30s, 5m, 1h30m)", param_hint=option)
    return seconds


def _request_timeout(_ctx: click.Context, _param: click.Parameter, value: Any) -> float | None:
    if value is None:
        return DEFAULT_REQUEST_TIMEOUT
    seconds = duration_seconds(str(value), "--request-timeout")
    return seconds or None  # 0: no limit, as in kubectl


def _namespace(_ctx: click.Context, _param: click.Parameter, value: Any) -> str | None:
    """`-n` checked before any request (an empty value means the kubeconfig's, as in kubectl)."""
    if not value:
        return None
    from wfctl.kube.names import namespace_problem  # noqa: PLC0415

    problem = namespace_problem(value, "")
    if problem:
        raise click.BadParameter(problem, param_hint="-n/--namespace")
    return str(value)


def kube_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(
        [
            click.option(
                "--kubeconfig", metavar="PATH", help="Kubeconfig file (default: $KUBECONFIG, ~/.kube/config)."
            ),
            click.option("--context", metavar="NAME", help="Kubeconfig context to use."),
            click.option(
                "-n",
                "--namespace",
                metavar="NS",
                callback=_namespace,
                help="Namespace (default: the context's, else 'default').",
            ),
            click.option(
                "--request-timeout",
                default="30s",
                show_default=True,
                metavar="DURATION",
                callback=_request_timeout,
                help="Longest time one API call may take, retries included (5s, 1m; 0: no limit).",
            ),
        ]
    ):
        f = decorator(f)
    return f
