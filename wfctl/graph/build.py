"""The shape of a workflow: steps and DAG structure as nodes and edges.

The chosen template (default: the entrypoint) is drawn with its tasks or steps as nodes; a task or
step that calls a local steps/DAG template is expanded one level, as a subgraph of its own nodes (a
call back to a template being drawn is marked recursive, not expanded). Step groups are parallel
groups: every step of a group follows every step of the group before. Each node carries its loop
(`withItems`/`withParam`/`withSequence`) and its `when` condition; a dependency cycle is kept as
drawn edges and listed in `Graph.cycles`. With marks from `--diff`, nodes are flagged added, removed
or changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wfctl.argo.dag import find_cycle, task_dependencies
from wfctl.argo.spec import as_dict, as_list, template_type

EXPANDABLE = ("steps", "dag")


@dataclass
class Node:
    id: str
    label: str  # "name: template"
    group: str = ""  # subgraph id ("" = top level)
    mark: str = ""  # added / removed / changed
    loop: str = ""  # "withItems (3 items)", "withParam {{...}}", "withSequence 1..5"
    when: str = ""
    recursive: bool = False

    @property
    def notes(self) -> list[str]:
        out = []
        if self.loop:
            out.append(f"loop: {self.loop}")
        if self.when:
            out.append(f"when: {self.when}")
        if self.recursive:
            out.append("recursive")
        return out

    @property
    def signature(self) -> str:
        """What `--diff` compares: the call, its loop and its condition."""
        return "|".join([self.label, *self.notes])


@dataclass
class Graph:
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    groups: dict[str, Node] = field(default_factory=dict)  # id -> the call drawn as a subgraph
    cycles: list[list[str]] = field(default_factory=list)  # node ids, closed: [a, b, a]

    def cycle_edges(self) -> set[tuple[str, str]]:
        return {(c[i], c[i + 1]) for c in self.cycles for i in range(len(c) - 1)}


def call_target(call: dict[str, Any]) -> str:
    ref = as_dict(call.get("templateRef"))
    if ref:
        return f"{ref.get('name')}/{ref.get('template')}"
    return str(call.get("template") or ("inline" if call.get("inline") else "?"))


def loop_of(call: dict[str, Any]) -> str:
    items = call.get("withItems")
    if items is not None:
        return (
            f"withItems ({len(items)} item{'' if len(items) == 1 else 's'})" if isinstance(items, list) else "withItems"
        )
    param = call.get("withParam")
    if param is not None:
        return f"withParam {param}"
    seq = call.get("withSequence")
    if seq is not None:
        seq = as_dict(seq)
        start = seq.get("start", 0)
        if seq.get("count") is not None:
            return f"withSequence count {seq['count']}" + (f" from {start}" if "start" in seq else "")
        return f"withSequence {start}..{seq.get('end', '?')}"
    return ""


def _node(nid: str, call: dict[str, Any], group: str, marks: dict[str, str]) -> Node:
    when = call.get("when")
    return Node(
        nid,
        f"{call.get('name')}: {call_target(call)}",
        group,
        marks.get(nid, ""),
        loop_of(call),
        str(when) if when is not None else "",
    )


def _structure(
    tpl: dict[str, Any], prefix: str
) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str]], list[list[str]]]:
    """(node id, call) list, edges, and dependency cycles for one steps/DAG template."""
    nodes: list[tuple[str, dict[str, Any]]] = []
    edges: list[tuple[str, str]] = []
    cycles: list[list[str]] = []
    kind = template_type(tpl)
    if kind == "dag":
        tasks = [t for t in as_list(as_dict(tpl.get("dag")).get("tasks")) if isinstance(t, dict)]
        names = {str(t.get("name")) for t in tasks}
        deps: dict[str, list[str]] = {}
        for t in tasks:
            nid = f"{prefix}{t.get('name')}"
            nodes.append((nid, t))
            deps[str(t.get("name"))] = [d for d in task_dependencies(t) if d in names]
            edges.extend((f"{prefix}{d}", nid) for d in deps[str(t.get("name"))])
        cycle = find_cycle(deps)
        if cycle:
            cycles.append([f"{prefix}{n}" for n in cycle])
    elif kind == "steps":
        previous: list[str] = []
        for group in as_list(tpl.get("steps")):
            ids = []
            for step in as_list(group):
                if isinstance(step, dict):
                    nid = f"{prefix}{step.get('name')}"
                    nodes.append((nid, step))
                    ids.append(nid)
                    edges.extend((p, nid) for p in previous)
            if ids:
                previous = ids
    return nodes, edges, cycles


def build(templates: dict[str, dict[str, Any]], root: str, marks: dict[str, str] | None = None) -> Graph:
    """The graph of template `root` (which must be in `templates`)."""
    marks = marks or {}
    graph = Graph(root)
    tpl = templates.get(root)
    if tpl is None:
        return graph
    if template_type(tpl) not in EXPANDABLE:  # a leaf template: one node, so the drawing is never empty
        graph.nodes.append(Node(root, f"{root}: {template_type(tpl) or 'template'}", "", marks.get(root, "")))
        return graph
    nodes, edges, cycles = _structure(tpl, "")
    graph.edges.extend(edges)
    graph.cycles.extend(cycles)
    for nid, call in nodes:
        node = _node(nid, call, "", marks)
        name = call.get("template") if not call.get("templateRef") else None
        target = templates.get(name) if isinstance(name, str) else None
        if name == root:
            node.recursive = True
        elif target is not None and template_type(target) in EXPANDABLE:
            # expand one level: the call becomes a group of the called template's nodes
            sub_nodes, sub_edges, sub_cycles = _structure(target, f"{nid}/")
            graph.groups[nid] = node
            for sid, scall in sub_nodes:
                sub = _node(sid, scall, nid, marks)
                sub.recursive = scall.get("template") in (root, name) and not scall.get("templateRef")
                graph.nodes.append(sub)
            graph.edges.extend(sub_edges)
            graph.cycles.extend(sub_cycles)
            continue
        graph.nodes.append(node)
    for nid, mark in marks.items():
        if mark == "removed" and all(n.id != nid for n in graph.nodes) and nid not in graph.groups:
            group = nid.rsplit("/", 1)[0] if "/" in nid else ""
            graph.nodes.append(Node(nid, nid.rsplit("/", 1)[-1], group if group in graph.groups else "", mark))
    return graph


def diff_marks(old: Graph, new: Graph, changed_templates: set[str]) -> dict[str, str]:
    """added / removed / changed per node id, comparing two graphs of the same template."""

    def index(g: Graph) -> dict[str, tuple[str, list[str]]]:
        out = {}
        for n in [*g.nodes, *g.groups.values()]:
            out[n.id] = (n.signature, sorted(a for a, b in g.edges if b == n.id))
        return out

    before, after = index(old), index(new)
    marks: dict[str, str] = {}
    for nid, (sig, deps) in after.items():
        if nid not in before:
            marks[nid] = "added"
        elif before[nid] != (sig, deps):
            marks[nid] = "changed"
        elif sig.split("|", 1)[0].split(": ", 1)[-1] in changed_templates:
            marks[nid] = "changed"  # same call, but the called template changed
    for nid in before:
        if nid not in after:
            marks[nid] = "removed"
    return marks
