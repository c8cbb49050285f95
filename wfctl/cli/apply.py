"""`wfctl apply` and `wfctl submit`: the CI/CD commands (kubernetes imported here only); `--watch`
and `wfctl watch` live in watchcmd.py."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from wfctl.errors import EXIT_OK

from .kubeopts import kube_options
from .options import color_option
from .watchcmd import connect, watch_options, watch_workflows


def _selector(text: str | None, prune: bool) -> Any:
    """`-l` parsed before anything else; for --prune, only selectors that require their labels."""
    from wfctl.kube.selector import SelectorError, parse, prune_selector  # noqa: PLC0415

    if text is None:
        return None
    try:
        return prune_selector(text) if prune else parse(text)
    except SelectorError as exc:
        raise click.BadParameter(f"{text!r}: {exc}", param_hint="-l/--selector") from None


@click.command()
@click.option(
    "-f",
    "--filename",
    "paths",
    multiple=True,
    metavar="PATH",
    help="Files or directories to apply, or - for stdin (repeatable).",
)
@click.option(
    "--hera", multiple=True, metavar="MODULE[:FUNC]", help="Apply what a Hera module defines (runs its code)."
)
@click.option(
    "--dry-run",
    type=click.Choice(["none", "client", "server"]),
    default="none",
    show_default=True,
    help="client: nothing is sent; server: the API checks everything (dryRun=All) and stores nothing.",
)
@click.option("--force-conflicts", is_flag=True, help="Take over fields other managers own (server-side apply).")
@click.option("--replace", is_flag=True, help="Delete and re-create a Workflow with a fixed name that exists.")
@click.option(
    "--prune",
    is_flag=True,
    help="Delete templates/CronWorkflows applied by wfctl with -l's labels that are no longer in the files.",
)
@click.option("-l", "--selector", metavar="SELECTOR", help="Label selector for --prune, e.g. app=etl.")
@click.option("--no-validate", is_flag=True, help="Do not validate before applying.")
@click.option(
    "--watch",
    is_flag=True,
    help="Follow every created Workflow at once to the end; the worst outcome is the exit code.",
)
@click.option("-o", "--output", type=click.Choice(["text", "json", "yaml", "name"]), default="text", show_default=True)
@click.option("--argo-version", type=click.Choice(["4", "4.0", "4.1", "3.7"]), default="4", show_default=True)
@watch_options
@color_option
@kube_options
def apply(
    paths: tuple[str, ...],
    hera: tuple[str, ...],
    dry_run: str,
    force_conflicts: bool,
    replace: bool,
    prune: bool,
    selector: str | None,
    no_validate: bool,
    watch: bool,
    output: str,
    argo_version: str,
    **opts: Any,
) -> None:
    """Put manifests on the cluster: server-side apply (field manager `wfctl`) for WorkflowTemplates,
    ClusterWorkflowTemplates and CronWorkflows; create for Workflows (a run).

    Validates first: any error stops before anything reaches the cluster (exit 2).
    Exit 0: applied (and, with --watch, every workflow Succeeded); 1: a watched workflow Failed or
    Errored; 2: usage or validation error; 3: cluster/API error; 4: --timeout reached.
    """
    from wfctl.kube import applyrun  # noqa: PLC0415
    from wfctl.reporters.text import TextReporter  # noqa: PLC0415

    if prune and not selector:
        raise click.UsageError("--prune needs -l/--selector: wfctl only prunes objects that carry those labels")
    if watch and dry_run != "none":
        raise click.UsageError("--watch cannot be combined with --dry-run")
    if not paths and not hera:
        raise click.UsageError("give -f PATH or --hera MODULE")
    parsed_selector = _selector(selector, prune)
    report = TextReporter(sys.stderr).write
    docs = applyrun.read_inputs(paths, hera, argo_version=argo_version, validate=not no_validate, report=report)
    if not docs:
        pruned = "; --prune deletes nothing when there is nothing to apply" if prune else ""
        click.echo(f"wfctl: nothing to apply (no Argo documents){pruned}", err=True)
        sys.exit(EXIT_OK)
    kube = None if dry_run == "client" else connect(opts)  # a client dry run sends no request at all
    if prune and kube is None:
        click.echo(
            "wfctl: note: --dry-run=client sends no request, so what --prune would delete is not"
            " known; use --dry-run=server to see it",
            err=True,
        )
    outcomes = applyrun.apply_documents(
        kube,
        docs,
        namespace=opts.get("namespace"),
        dry_run=dry_run,
        force_conflicts=force_conflicts,
        replace=replace,
        prune_selector=parsed_selector if prune else None,
    )
    applyrun.write_outcomes(outcomes, output, dry_run, sys.stdout)
    if watch and kube is not None:
        created = [(o.name, o.namespace or kube.namespace) for o in outcomes if o.kind == "Workflow"]
        sys.exit(watch_workflows(kube, created, opts, sys.stdout if output in ("text", "name") else sys.stderr))
    sys.exit(EXIT_OK)


@click.command()
@click.option(
    "--from",
    "source",
    required=True,
    metavar="KIND/NAME",
    help="workflowtemplate/NAME, clusterworkflowtemplate/NAME or cronworkflow/NAME on the cluster"
    " (also wftmpl, cwftmpl, cwft, cronwf, cwf).",
)
@click.option("-p", "--parameter", "parameters", multiple=True, metavar="NAME=VALUE", help="Argument (repeatable).")
@click.option("--entrypoint", metavar="TEMPLATE", help="Override the entrypoint.")
@click.option("--generate-name", metavar="PREFIX", help="generateName of the new Workflow (default NAME-).")
@click.option("--dry-run", type=click.Choice(["none", "server"]), default="none", show_default=True)
@click.option("--watch", is_flag=True, help="Follow the new Workflow to the end.")
@click.option("-o", "--output", type=click.Choice(["text", "json", "yaml", "name"]), default="text", show_default=True)
@watch_options
@color_option
@kube_options
def submit(
    source: str,
    parameters: tuple[str, ...],
    entrypoint: str | None,
    generate_name: str | None,
    dry_run: str,
    watch: bool,
    output: str,
    **opts: Any,
) -> None:
    """Create a Workflow from a WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow on the
    cluster, like `argo submit --from`."""
    from wfctl.kube.client import resource_name  # noqa: PLC0415
    from wfctl.kube.submit import flag_problems, parse_source, submit_from  # noqa: PLC0415

    try:
        kind, name = parse_source(source)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--from") from None
    params, problems = flag_problems(parameters, entrypoint, generate_name)
    if problems:  # every name is checked before the first request: exit 2, never the API's 422
        raise click.BadParameter(problems[0][1], param_hint=problems[0][0])
    kube = connect(opts, uses_namespace=True)
    created = submit_from(
        kube,
        kind,
        name,
        parameters=params,
        entrypoint=entrypoint,
        generate_name=generate_name,
        server_dry_run=dry_run == "server",
    )
    new_name = created.get("metadata", {}).get("name") or generate_name or f"{name}-"
    stream = sys.stdout
    if output == "json":
        json.dump(created, stream, indent=2)
        stream.write("\n")
    elif output == "yaml":
        from wfctl.yamlout import dump  # noqa: PLC0415

        dump(created, stream)
    elif output == "name":
        stream.write(resource_name("Workflow", new_name) + "\n")
    else:
        stream.write(
            f"{resource_name('Workflow', new_name)} created{' (server dry run)' if dry_run == 'server' else ''}\n"
        )
    stream.flush()
    if watch and dry_run == "none":
        sys.exit(watch_workflows(kube, [(new_name, kube.namespace)], opts, sys.stdout))
    sys.exit(EXIT_OK)
