"""DAG structure: each task's dependencies (from `dependencies` or `depends`), ancestors, cycles."""

from __future__ import annotations

from typing import Any

from wfctl.argo.expr import ParseError, parse_depends
from wfctl.argo.spec import as_dict, as_list


def task_dependencies(task: dict[str, Any]) -> list[str]:
    """Names a task depends on; an unparsable `depends` yields what could be read."""
    dependencies = task.get("dependencies")
    deps = [str(d) for d in dependencies] if isinstance(dependencies, list) else []
    depends = task.get("depends")
    if isinstance(depends, str) and depends.strip():
        try:  # noqa: SIM105 - contextlib.suppress costs a context manager per task
            deps += [r.task for r in parse_depends(depends)]
        except ParseError:
            pass
    return list(dict.fromkeys(deps)) if len(deps) > 1 else deps


def dependency_graph(tpl: dict[str, Any]) -> dict[str, list[str]]:
    """task name -> names of the known tasks it depends on."""
    tasks = [t for t in as_list(as_dict(tpl.get("dag")).get("tasks")) if isinstance(t, dict)]
    names = {str(t.get("name")) for t in tasks}
    return {str(t.get("name")): [d for d in task_dependencies(t) if d in names] for t in tasks}


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One cycle as a closed path (`[a, b, c, a]`), or None. Iterative DFS, deterministic order."""
    state: dict[str, int] = {}
    for root in graph:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        state[root] = 1
        path.append(root)
        while stack:
            node, i = stack[-1]
            deps = graph.get(node, [])
            if i < len(deps):
                stack[-1] = (node, i + 1)
                nxt = deps[i]
                if state.get(nxt) == 1:
                    start = path.index(nxt)
                    cycle = [*path[start:], nxt]
                    return list(reversed(cycle))
                if not state.get(nxt):
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
                stack.pop()
    return None


def ancestors(graph: dict[str, list[str]], name: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(name, []))
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(graph.get(n, []))
    return seen
