"""`wfctl graph`: the DAG/steps shape of a workflow as mermaid, dot or text."""

from __future__ import annotations

import sys

import click

from wfctl.errors import InputError

from .fileopts import max_file_size_option


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--template", "template", metavar="NAME", help="Template to draw (default: the entrypoint).")
@click.option("--name", "resource", metavar="NAME", help="Which object to draw (default: the first one found).")
@click.option(
    "--templates",
    "template_paths",
    multiple=True,
    metavar="PATH",
    help="Files or directories with the WorkflowTemplates a workflowTemplateRef points to (repeatable).",
)
@click.option("-o", "--output", type=click.Choice(["mermaid", "dot", "text"]), default="text", show_default=True)
@click.option("--diff", "diff_rev", metavar="REV", help="Mark tasks added, removed or changed since git revision REV.")
@click.option("--hera", "hera", is_flag=True, help="PATHS are Hera modules or .py files (runs their code).")
@max_file_size_option
def graph(
    paths: tuple[str, ...],
    template: str | None,
    resource: str | None,
    template_paths: tuple[str, ...],
    output: str,
    diff_rev: str | None,
    hera: bool,
    max_file_size: str | None,
) -> None:
    """Draw the DAG/steps structure of a workflow (tasks as nodes, dependencies as edges, parallel step
    groups visible, templates expanded one level, loops and `when` conditions on the nodes), e.g. for a
    PR comment (`-o mermaid`). PATHS: files or directories, `-` for stdin; the first Argo object found is
    drawn (or --name), the others resolve a workflowTemplateRef. A dependency cycle is drawn, flagged,
    and warned about on stderr (exit 0: `wfctl validate` is the check)."""
    from wfctl.argo.canonical import fingerprint  # noqa: PLC0415
    from wfctl.argo.index import TemplateIndex  # noqa: PLC0415
    from wfctl.diff import sources  # noqa: PLC0415
    from wfctl.engine import settings_from  # noqa: PLC0415
    from wfctl.graph import build, draw, select  # noqa: PLC0415

    if diff_rev and "-" in paths:
        raise click.UsageError("--diff needs files in git, not stdin")
    if diff_rev and hera:  # the old side would be Python code to run at REV: never drawn as all "added"
        raise click.UsageError("--diff cannot be combined with --hera (as `diff --git` cannot)")
    settings, _ = settings_from(max_file_size=max_file_size)  # the size limit every command uses
    if hera:
        from wfctl.python.inputs import python_sources  # noqa: PLC0415

        docs = sources.load_sources([ps.source for ps in python_sources(paths)], settings=settings).documents
    else:
        docs = sources.load_paths(paths, settings=settings).documents
    extra = sources.load_paths(template_paths, settings=settings).documents if template_paths else []
    index = TemplateIndex()
    index.add(docs)
    index.add(extra)
    doc = select.pick(docs, resource, " ".join("<stdin>" if p == "-" else p for p in paths))
    target = select.resolve(doc, index, template)
    marks: dict[str, str] = {}
    if diff_rev:
        old_docs = sources.load_git(diff_rev, paths, settings=settings).documents
        old_doc = next((d for d in old_docs if d.kind == doc.kind and d.name == doc.name), None)
        new_graph = build.build(target.templates, target.root)
        old_target = None
        if old_doc is not None:
            old_index = TemplateIndex()
            old_index.add(old_docs)
            old_index.add(extra)
            try:
                old_target = select.resolve(old_doc, old_index, target.root)
            except InputError:
                old_target = None  # the root did not exist then: everything is new
        if old_target is None:
            marks = {n.id: "added" for n in [*new_graph.nodes, *new_graph.groups.values()]}
        else:
            changed = {
                name
                for name, tpl in target.templates.items()
                if name in old_target.templates and fingerprint(tpl) != fingerprint(old_target.templates[name])
            }
            marks = build.diff_marks(build.build(old_target.templates, target.root), new_graph, changed)
    drawn = build.build(target.templates, target.root, marks)
    drawn.title = target.title
    for cycle in draw.cycle_text(drawn):
        click.echo(
            f"wfctl: warning: {doc.file}: {doc.label()}: dependency cycle {cycle} (Argo rejects this DAG)", err=True
        )
    sys.stdout.write({"mermaid": draw.mermaid, "dot": draw.dot, "text": draw.text}[output](drawn))
