"""WF112 dag-cycle: DAG dependencies form no cycle (the cycle is printed)."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.dag import dependency_graph, find_cycle
from wfctl.argo.spec import iter_tasks
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class DagCycle(Rule):
    """The tasks of a DAG may not depend on each other in a circle; Argo fails with `sorting failed:
    graph with cycle`. wfctl prints the cycle, e.g. `a -> b -> c -> a`, at the task that closes it.
    """

    code = "WF112"
    name = "dag-cycle"
    severity = Severity.ERROR
    summary = "Dependency cycle between DAG tasks"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for tpl_path, tpl in ctx.templates():
            tasks = list(iter_tasks(tpl_path, tpl))
            if not tasks:
                continue
            graph = dependency_graph(tpl)
            cycle = find_cycle(graph)
            if cycle:
                paths = {t.get("name"): p for p, t in tasks}
                where = paths.get(cycle[0], tpl_path)
                yield self.finding(
                    ctx, (*where, "name"), f"DAG {tpl.get('name')!r} has a dependency cycle: {' -> '.join(cycle)}"
                )
