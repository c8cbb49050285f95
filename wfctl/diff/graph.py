"""The shape of a workflow: steps and DAG structure as nodes and edges, rendered as mermaid, dot, text.

The chosen template (default: the entrypoint) is drawn with its tasks or steps as nodes; a task or
step that calls a local steps/DAG template is expanded one level, as a subgraph of its own nodes.
Step groups are shown as parallel groups: every step of a group follows every step of the group
before. With marks from `--diff`, nodes are flagged added, removed or changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wfctl.argo.dag import task_dependencies
from wfctl.argo.spec import as_dict, as_list, template_type


@dataclass
class Node:
    id: str
    label: str
    group: str = ""  # subgraph title ("" = top level)
    mark: str = ""  # added / removed / changed


@dataclass
class Graph:
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # id -> title


def _calls(call: dict[str, Any]) -> str:
    ref = as_dict(call.get("templateRef"))
    if ref:
        return f"{ref.get('name')}/{ref.get('template')}"
    return str(call.get("template") or ("inline" if call.get("inline") else "?"))


def _structure(
    tpl: dict[str, Any], prefix: str
) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str]], list[list[str]]]:
    """(node id, call) list, edges, and step groups for one steps/DAG template."""
    nodes: list[tuple[str, dict[str, Any]]] = []
    edges: list[tuple[str, str]] = []
    groups: list[list[str]] = []
    kind = template_type(tpl)
    if kind == "dag":
        tasks = [t for t in as_list(as_dict(tpl.get("dag")).get("tasks")) if isinstance(t, dict)]
        names = {str(t.get("name")) for t in tasks}
        for t in tasks:
            nid = f"{prefix}{t.get('name')}"
            nodes.append((nid, t))
            for dep in task_dependencies(t):
                if dep in names:
                    edges.append((f"{prefix}{dep}", nid))
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
                groups.append(ids)
                previous = ids
    return nodes, edges, groups


def build(doc_templates: dict[str, dict[str, Any]], root: str, marks: dict[str, str] | None = None) -> Graph:
    marks = marks or {}
    graph = Graph(root)
    tpl = doc_templates.get(root)
    if tpl is None:
        return graph
    nodes, edges, _ = _structure(tpl, "")
    graph.edges.extend(edges)
    for nid, call in nodes:
        target = doc_templates.get(str(call.get("template"))) if call.get("template") else None
        label = f"{call.get('name')}: {_calls(call)}"
        if target is not None and template_type(target) in ("steps", "dag"):
            # expand one level: the call becomes a group of the called template's nodes
            sub_nodes, sub_edges, _ = _structure(target, f"{nid}/")
            graph.groups[nid] = label
            for sid, scall in sub_nodes:
                graph.nodes.append(Node(sid, f"{scall.get('name')}: {_calls(scall)}", nid, marks.get(sid, "")))
            graph.edges.extend(sub_edges)
            continue
        graph.nodes.append(Node(nid, label, "", marks.get(nid, "")))
    for nid, mark in marks.items():
        if mark == "removed" and all(n.id != nid for n in graph.nodes):
            graph.nodes.append(Node(nid, nid.rsplit("/", 1)[-1], nid.rsplit("/", 1)[0] if "/" in nid else "", mark))
    return graph


def _safe(nid: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in nid)


def mermaid(graph: Graph) -> str:
    lines = ["flowchart TD"]
    styles = {
        "added": "fill:#d4f8d4,stroke:#2a2",
        "removed": "fill:#fbd4d4,stroke:#c22,stroke-dasharray: 5 5",
        "changed": "fill:#fff3c4,stroke:#b90",
    }
    by_group: dict[str, list[Node]] = {}
    for n in graph.nodes:
        by_group.setdefault(n.group, []).append(n)
    for n in by_group.get("", []):
        lines.append(f'  {_safe(n.id)}["{n.label}"]')
    for gid, title in graph.groups.items():
        lines.append(f'  subgraph {_safe(gid)}["{title}"]')
        for n in by_group.get(gid, []):
            lines.append(f'    {_safe(n.id)}["{n.label}"]')
        lines.append("  end")
    for a, b in graph.edges:
        lines.append(f"  {_safe(a)} --> {_safe(b)}")
    for n in graph.nodes:
        if n.mark:
            lines.append(f"  style {_safe(n.id)} {styles[n.mark]}")
    return "\n".join(lines) + "\n"


def dot(graph: Graph) -> str:
    colors = {"added": "palegreen", "removed": "mistyrose", "changed": "lightyellow"}
    lines = [f'digraph "{graph.title}" {{', "  rankdir=TB; compound=true;", "  node [shape=box, style=rounded];"]
    by_group: dict[str, list[Node]] = {}
    for n in graph.nodes:
        by_group.setdefault(n.group, []).append(n)

    def node_line(n: Node) -> str:
        extra = (
            f', style="rounded,filled{",dashed" if n.mark == "removed" else ""}", fillcolor={colors[n.mark]}'
            if n.mark
            else ""
        )
        return f'"{n.id}" [label="{n.label}"{extra}];'

    for n in by_group.get("", []):
        lines.append("  " + node_line(n))
    for gid, title in graph.groups.items():
        lines.append(f'  subgraph "cluster_{gid}" {{ label="{title}";')
        for n in by_group.get(gid, []):
            lines.append("    " + node_line(n))
        lines.append("  }")
    members = {gid: [n.id for n in by_group.get(gid, [])] for gid in graph.groups}
    for a, b in graph.edges:
        attrs = []
        if members.get(a):
            attrs.append(f'ltail="cluster_{a}"')
            a = members[a][-1]
        if members.get(b):
            attrs.append(f'lhead="cluster_{b}"')
            b = members[b][0]
        extra = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f'  "{a}" -> "{b}"{extra};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def text(graph: Graph) -> str:
    marks = {"added": "+ ", "removed": "- ", "changed": "~ ", "": "  "}
    deps: dict[str, list[str]] = {}
    for a, b in graph.edges:
        deps.setdefault(b, []).append(a)
    lines = [f"{graph.title}"]
    shown: set[str] = set()
    for n in graph.nodes:
        if n.group and n.group not in shown:
            shown.add(n.group)
            after = f"  <- {', '.join(deps[n.group])}" if deps.get(n.group) else ""
            lines.append(f"  {graph.groups[n.group]}{after}")
        indent = "    " if n.group else "  "
        after = f"  <- {', '.join(d.rsplit('/', 1)[-1] for d in deps.get(n.id, []))}" if deps.get(n.id) else ""
        lines.append(f"{marks[n.mark]}{indent}{n.label}{after}")
    return "\n".join(lines) + "\n"
