"""`wfctl graph`: the DAG/steps shape of a workflow as mermaid, dot or text."""

from __future__ import annotations

import sys

import click

from wfctl.errors import InputError


@click.command()
@click.argument("file")
@click.option("--template", "template", metavar="NAME", help="Template to draw (default: the entrypoint).")
@click.option("--name", "resource", metavar="NAME", help="Which object of a multi-document file (default: the first).")
@click.option("-o", "--output", type=click.Choice(["mermaid", "dot", "text"]), default="text", show_default=True)
@click.option("--diff", "diff_rev", metavar="REV", help="Mark tasks added, removed or changed since git revision REV.")
@click.option("--hera", "hera", is_flag=True, help="FILE is a Hera module or .py file (runs its code).")
def graph(file: str, template: str | None, resource: str | None, output: str, diff_rev: str | None, hera: bool) -> None:
    """Draw the DAG/steps structure of a workflow (tasks as nodes, dependencies as edges, parallel step
    groups visible, templates expanded one level), e.g. for a PR comment (`-o mermaid`)."""
    from wfctl.argo.spec import templates_by_name, workflow_spec  # noqa: PLC0415
    from wfctl.diff import graph as g  # noqa: PLC0415
    from wfctl.diff import sources  # noqa: PLC0415

    if hera:
        from wfctl.python.inputs import python_sources  # noqa: PLC0415

        docs = sources.load_sources([ps.source for ps in python_sources((file,))], "file")
    else:
        docs = sources.load_paths((file,), "file")
    docs = [d for d in docs if d.kind in ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")]
    if resource:
        docs = [d for d in docs if d.name == resource]
    if not docs:
        raise InputError(f"{file}: no Argo workflow" + (f" named {resource!r}" if resource else ""))
    res = docs[0]
    from wfctl.loader.documents import Document  # noqa: PLC0415

    doc = Document(file, 0, res.kind, res.data, None)
    tpls = {k: v[1] for k, v in templates_by_name(doc).items()}
    root = template or workflow_spec(doc)[1].get("entrypoint")
    if not isinstance(root, str) or root not in tpls:
        raise InputError(f"template {root!r} not found in {res.label} (use --template)")
    marks: dict[str, str] = {}
    if diff_rev:
        old = [d for d in sources.load_git(diff_rev, (file,), "old") if d.kind == res.kind and d.name == res.name]
        if old:
            old_doc = Document(file, 0, old[0].kind, old[0].data, None)
            marks = _marks({k: v[1] for k, v in templates_by_name(old_doc).items()}, tpls, root, g)
        else:
            marks = {n.id: "added" for n in g.build(tpls, root).nodes}
    built = g.build(tpls, root, marks)
    sys.stdout.write({"mermaid": g.mermaid, "dot": g.dot, "text": g.text}[output](built))


def _marks(old_tpls: dict, new_tpls: dict, root: str, g) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from wfctl.argo.canonical import fingerprint  # noqa: PLC0415

    def calls(graph_mod_tpls: dict) -> dict[str, str]:
        graph_ = g.build(graph_mod_tpls, root)
        out = {}
        for n in graph_.nodes:
            out[n.id] = n.label
        return out

    old_nodes, new_nodes = calls(old_tpls), calls(new_tpls)
    old_built, new_built = g.build(old_tpls, root), g.build(new_tpls, root)
    old_edges = {b: sorted(a for a, bb in old_built.edges if bb == b) for b in old_nodes}
    new_edges = {b: sorted(a for a, bb in new_built.edges if bb == b) for b in new_nodes}
    marks = {}
    for nid in new_nodes:
        if nid not in old_nodes:
            marks[nid] = "added"
        elif old_nodes[nid] != new_nodes[nid] or old_edges.get(nid) != new_edges.get(nid):
            marks[nid] = "changed"
        else:
            # same call: has the called template changed?
            name = new_nodes[nid].split(": ", 1)[-1]
            if name in new_tpls and name in old_tpls and fingerprint(new_tpls[name]) != fingerprint(old_tpls[name]):
                marks[nid] = "changed"
    for nid in old_nodes:
        if nid not in new_nodes:
            marks[nid] = "removed"
    return marks
