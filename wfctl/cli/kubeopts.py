"""The kubectl-style connection flags shared by apply, submit, watch and diff --live, and the
duration syntax they use (`90`, `30s`, `5m`, `1h30m`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

_DURATION = re.compile(r"^\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+(?:\.\d+)?)s?)?\s*$")
DEFAULT_REQUEST_TIMEOUT = 30.0


def duration_seconds(text: str, option: str) -> float:
    """Seconds in a duration written like kubectl's: 90 (seconds), 30s, 5m, 1h30m, 1.5s."""
    m = _DURATION.match(text)
    if not m or not any(m.groups()):
        raise click.BadParameter(f"{text!r} is not a duration (e.g. 90, 30s, 5m, 1h30m)", param_hint=option)
    h, mnt, s = m.groups()
    return int(h or 0) * 3600 + int(mnt or 0) * 60 + float(s or 0)


def _request_timeout(_ctx: click.Context, _param: click.Parameter, value: Any) -> float | None:
    if value is None:
        return DEFAULT_REQUEST_TIMEOUT
    seconds = duration_seconds(str(value), "--request-timeout")
    return seconds or None  # 0: no limit, as in kubectl


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
