"""WF406 prefer-depends: DAGs use `depends` rather than `dependencies`."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import iter_invocations
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class PreferDepends(Rule):
    """`dependencies: [A]` is the older form; `depends: A` says the same and can also express
    `A.Failed`, `A || B`, and so replaces `continueOn`. Argo's documentation recommends `depends`.
    """

    code = "WF406"
    name = "prefer-depends"
    severity = Severity.INFO
    summary = "DAG task uses dependencies instead of depends"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, task, _, what in iter_invocations(ctx.doc):
            if what == "task" and task.get("dependencies") is not None:
                yield self.finding(
                    ctx,
                    (*path, "dependencies"),
                    f"task {task.get('name')!r}: use depends instead of dependencies",
                    at_key=True,
                )
