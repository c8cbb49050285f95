"""`wfctl watch NAME... | -l SELECTOR`, and the watch options and helper that `apply --watch` and
`submit --watch` share: every workflow followed at once, over one watch per namespace."""

from __future__ import annotations

import sys
from typing import Any

import click

from .kubeopts import duration_seconds, kube_options
from .options import color_option


def parse_duration(text: str | None) -> float | None:
    return None if text is None else duration_seconds(text, "--timeout")


def connect(kube: dict[str, Any], *, uses_namespace: bool = False) -> Any:
    """The API session for the connection flags. `uses_namespace`: the command works in the namespace
    of `-n` or else the kubeconfig's, so an invalid kubeconfig namespace is an input error (exit 2)."""
    from wfctl.kube.client import Connection, Kube  # noqa: PLC0415

    session = Kube(
        Connection(
            kube.get("kubeconfig"), kube.get("context"), kube.get("namespace"), kube.get("request_timeout", 30.0)
        )
    )
    if uses_namespace and not kube.get("namespace"):
        from wfctl.errors import InputError  # noqa: PLC0415
        from wfctl.kube.names import namespace_problem  # noqa: PLC0415

        problem = namespace_problem(session.namespace, "the kubeconfig's namespace")
        if problem:
            raise InputError(f"{problem}; give -n NAMESPACE")
    return session


def watch_options(f: Any) -> Any:
    for decorator in reversed(
        [
            click.option(
                "--timeout",
                metavar="DURATION",
                help="Stop watching after DURATION (30s, 5m, 1h) for the whole set; exit 4 if any is unfinished.",
            ),
            click.option(
                "--stop-on-timeout", is_flag=True, help="On --timeout, also ask unfinished workflows to stop."
            ),
            click.option(
                "--fail-fast", is_flag=True, help="Stop watching at the first failed workflow (exit 1); others run on."
            ),
            click.option("--logs", is_flag=True, help="Stream the logs of the workflows' pods, prefixed by node name."),
        ]
    ):
        f = decorator(f)
    return f


def watch_workflows(
    kube: Any, names: list[tuple[str, str]], opts: dict[str, Any], stream: Any, selector: str | None = None
) -> int:
    """Follow `names` ((name, namespace) pairs) or the workflows `selector` matches; the exit code."""
    from wfctl.kube.watch import MultiWatcher  # noqa: PLC0415
    from wfctl.term import redraws, use_color  # noqa: PLC0415

    tty = redraws(stream)  # one line per workflow, updated in place; appended on change otherwise
    return MultiWatcher(
        kube,
        names,
        selector=selector,
        namespace=kube.namespace,
        out=stream,
        err=sys.stderr,
        tty=tty,
        color=use_color(opts.get("color", "auto"), stream),
        timeout=parse_duration(opts.get("timeout")),
        fail_fast=bool(opts.get("fail_fast")),
        logs=bool(opts.get("logs")),
        stop_on_timeout=bool(opts.get("stop_on_timeout")),
    ).run()


def _label_selector(text: str | None) -> str | None:
    from wfctl.kube.selector import SelectorError, parse  # noqa: PLC0415

    if text is None:
        return None
    try:
        parse(text)
    except SelectorError as exc:
        raise click.BadParameter(f"{text!r}: {exc}", param_hint="-l/--selector") from None
    return text


@click.command()
@click.argument("names", nargs=-1, metavar="NAME...")
@click.option("-l", "--selector", metavar="SELECTOR", help="Watch the Workflows this label selector matches.")
@watch_options
@color_option
@kube_options
def watch(names: tuple[str, ...], selector: str | None, **opts: Any) -> None:
    """Follow Workflows until each Succeeds, Fails or Errors: NAME... or those `-l SELECTOR`
    matches (when watching starts), all at once over one watch per namespace.

    Exit: the worst outcome; 0 all Succeeded, 1 one Failed/Errored/was deleted, 3 API error,
    4 --timeout reached. Ctrl-C stops watching, not the workflows."""
    if bool(names) == bool(selector):
        raise click.UsageError("give workflow NAMEs or -l SELECTOR (not both)")
    from wfctl.kube.names import name_problem  # noqa: PLC0415

    for name in names:  # checked before any request: a name the API cannot hold is a typo, exit 2
        problem = name_problem(name, "")
        if problem:
            raise click.BadParameter(problem, param_hint="NAME")
    parsed = _label_selector(selector)
    kube = connect(opts, uses_namespace=True)
    sys.exit(watch_workflows(kube, [(n, kube.namespace) for n in names], opts, sys.stdout, selector=parsed))
