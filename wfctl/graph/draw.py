"""A workflow graph as mermaid, Graphviz dot or plain text.

Loops and `when` conditions are written on the node; edges that close a dependency cycle are labelled
`cycle` and coloured, and the cycle is stated in a comment (mermaid, dot) or a line (text).
"""

from __future__ import annotations

from wfctl.graph.build import Graph, Node

_MERMAID_STYLES = {
    "added": "fill:#d4f8d4,stroke:#2a2",
    "removed": "fill:#fbd4d4,stroke:#c22,stroke-dasharray: 5 5",
    "changed": "fill:#fff3c4,stroke:#b90",
}
_DOT_COLORS = {"added": "palegreen", "removed": "mistyrose", "changed": "lightyellow"}


def _by_group(graph: Graph) -> dict[str, list[Node]]:
    out: dict[str, list[Node]] = {}
    for n in graph.nodes:
        out.setdefault(n.group, []).append(n)
    return out


def _short(nid: str) -> str:
    return nid.rsplit("/", 1)[-1]


def cycle_text(graph: Graph) -> list[str]:
    return [" -> ".join(_short(n) for n in c) for c in graph.cycles]


def _safe(nid: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in nid)


def _mermaid_text(text: str) -> str:
    for raw, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(raw, entity)
    return text


def _mermaid_label(n: Node) -> str:
    return "<br/>".join(_mermaid_text(part) for part in [n.label, *n.notes])


def mermaid(graph: Graph) -> str:
    lines = ["flowchart TD"]
    lines += [f"  %% dependency cycle: {c} (Argo rejects this DAG)" for c in cycle_text(graph)]
    by_group = _by_group(graph)
    for n in by_group.get("", []):
        lines.append(f'  {_safe(n.id)}["{_mermaid_label(n)}"]')
    for gid, call in graph.groups.items():
        lines.append(f'  subgraph {_safe(gid)}["{_mermaid_label(call)}"]')
        for n in by_group.get(gid, []):
            lines.append(f'    {_safe(n.id)}["{_mermaid_label(n)}"]')
        lines.append("  end")
    in_cycle = graph.cycle_edges()
    cycle_links = []
    for i, (a, b) in enumerate(graph.edges):
        if (a, b) in in_cycle:
            lines.append(f"  {_safe(a)} -->|cycle| {_safe(b)}")
            cycle_links.append(str(i))
        else:
            lines.append(f"  {_safe(a)} --> {_safe(b)}")
    if cycle_links:
        lines.append(f"  linkStyle {','.join(cycle_links)} stroke:#c22,stroke-width:2px")
    for n in [*graph.nodes, *graph.groups.values()]:
        if n.mark:
            lines.append(f"  style {_safe(n.id)} {_MERMAID_STYLES[n.mark]}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_label(n: Node) -> str:
    return "\\n".join(_dot_text(part) for part in [n.label, *n.notes])


def dot(graph: Graph) -> str:
    lines = [
        f'digraph "{_dot_text(graph.title)}" {{',
        "  rankdir=TB; compound=true;",
        "  node [shape=box, style=rounded];",
    ]
    lines += [f"  // dependency cycle: {c} (Argo rejects this DAG)" for c in cycle_text(graph)]
    by_group = _by_group(graph)

    def node_line(n: Node) -> str:
        extra = ""
        if n.mark:
            dashed = ",dashed" if n.mark == "removed" else ""
            extra = f', style="rounded,filled{dashed}", fillcolor={_DOT_COLORS[n.mark]}'
        return f'"{_dot_text(n.id)}" [label="{_dot_label(n)}"{extra}];'

    for n in by_group.get("", []):
        lines.append("  " + node_line(n))
    for gid, call in graph.groups.items():
        lines.append(f'  subgraph "cluster_{_dot_text(gid)}" {{ label="{_dot_label(call)}";')
        for n in by_group.get(gid, []):
            lines.append("    " + node_line(n))
        lines.append("  }")
    members = {gid: [n.id for n in by_group.get(gid, [])] for gid in graph.groups}
    in_cycle = graph.cycle_edges()
    for a, b in graph.edges:
        attrs = []
        if (a, b) in in_cycle:
            attrs += ["color=red", "fontcolor=red", 'label="cycle"']
        if members.get(a):
            attrs.append(f'ltail="cluster_{_dot_text(a)}"')
            a = members[a][-1]
        if members.get(b):
            attrs.append(f'lhead="cluster_{_dot_text(b)}"')
            b = members[b][0]
        extra = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f'  "{_dot_text(a)}" -> "{_dot_text(b)}"{extra};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def text(graph: Graph) -> str:
    marks = {"added": "+ ", "removed": "- ", "changed": "~ ", "": "  "}
    deps: dict[str, list[str]] = {}
    for a, b in graph.edges:
        deps.setdefault(b, []).append(a)

    def line(n: Node, indent: str) -> str:
        after = f"  <- {', '.join(_short(d) for d in deps[n.id])}" if deps.get(n.id) else ""
        notes = "".join(f"  [{note}]" for note in n.notes)
        return f"{marks[n.mark]}{indent}{n.label}{after}{notes}"

    lines = [graph.title]
    shown: set[str] = set()
    for n in graph.nodes:
        if n.group and n.group not in shown:
            shown.add(n.group)
            lines.append(line(graph.groups[n.group], "  "))
        lines.append(line(n, "    " if n.group else "  "))
    for gid, call in graph.groups.items():  # an expanded template with no steps of its own
        if gid not in shown:
            lines.append(line(call, "  "))
    lines += [f"! dependency cycle: {c} (Argo rejects this DAG)" for c in cycle_text(graph)]
    return "\n".join(lines) + "\n"
