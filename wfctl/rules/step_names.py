"""WF111 step-names: step and DAG task names are present, valid and unique."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.expr import blank_tags
from wfctl.argo.names import template_name_problem
from wfctl.argo.spec import iter_steps, iter_tasks
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class StepNames(Rule):
    """Steps (across all groups of a template) and DAG tasks need unique names of alphanumerics and
    '-', starting with an alphanumeric, at most 128 characters. A task name may not start with a digit
    when the DAG uses `depends` or `dependencies`.
    """

    code = "WF111"
    name = "step-names"
    severity = Severity.ERROR
    summary = "Step or task name missing, invalid or not unique"
    stage = "argo"

    def _names(
        self, ctx: RuleContext, calls: list[tuple[tuple[Any, ...], dict[str, Any]]], what: str, with_deps: bool
    ) -> Iterator[Finding]:
        seen: set[str] = set()
        for path, call in calls:
            name = call.get("name")
            if not isinstance(name, str) or not name:
                yield self.finding(ctx, path, f"{what} has no name", at_key=True)
                continue
            skeleton = blank_tags(name)
            problem = template_name_problem(skeleton)
            if problem:
                yield self.finding(ctx, (*path, "name"), f"{what} name {name!r} {problem}")
            if name in seen:
                yield self.finding(ctx, (*path, "name"), f"{what} name {name!r} is not unique in this template")
            seen.add(name)
            if with_deps and name[:1].isdigit():
                yield self.finding(
                    ctx,
                    (*path, "name"),
                    f"task name {name!r} cannot begin with a digit when the DAG uses depends/dependencies",
                )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for tpl_path, tpl in ctx.templates():
            if tpl.get("steps") is None and tpl.get("dag") is None:
                continue  # a leaf template (most of them): no steps, no tasks
            steps = [(p, s) for p, _, s in iter_steps(tpl_path, tpl)]
            yield from self._names(ctx, steps, "step", False)
            tasks = list(iter_tasks(tpl_path, tpl))
            deps = any(t.get("depends") is not None or t.get("dependencies") is not None for _, t in tasks)
            yield from self._names(ctx, tasks, "task", deps)
