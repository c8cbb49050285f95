"""WF205 unbounded-fanout: wide loops run under a parallelism limit."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_list, iter_invocations, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class UnboundedFanout(Rule):
    """A `withParam` loop (size unknown until run time) or a `withItems` loop with many items starts
    all its pods at once unless the steps/DAG template or the workflow sets `parallelism`. Option
    `max-items` (default 10): the largest withItems list allowed without a limit.
    """

    code = "WF205"
    name = "unbounded-fanout"
    severity = Severity.WARNING
    summary = "withParam or wide withItems without parallelism"
    options = {"max-items": {"type": "integer", "minimum": 0, "default": 10}}

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        _, spec = workflow_spec(ctx.doc)
        if spec.get("parallelism") is not None:
            return
        limit = int(self.config.get("max-items") or 10)
        for path, call, tpl, what in iter_invocations(ctx.doc):
            if tpl.get("parallelism") is not None:
                continue
            if call.get("withParam") is not None:
                yield self.finding(
                    ctx,
                    (*path, "withParam"),
                    f"{what} {call.get('name')!r} fans out over withParam with no parallelism limit"
                    " on its template or the workflow",
                    at_key=True,
                )
            elif len(as_list(call.get("withItems"))) > limit:
                n = len(as_list(call.get("withItems")))
                yield self.finding(
                    ctx,
                    (*path, "withItems"),
                    f"{what} {call.get('name')!r} starts {n} pods at once (no parallelism limit)",
                    at_key=True,
                )
