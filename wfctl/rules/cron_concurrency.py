"""WF207 cron-concurrency: CronWorkflows choose a concurrencyPolicy."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class CronConcurrency(Rule):
    """The default `concurrencyPolicy: Allow` starts a new run even while the previous one is still
    running; slow runs then overlap and pile up. Say `Forbid` or `Replace` (or `Allow` on purpose).
    """

    code = "WF207"
    name = "cron-concurrency"
    severity = Severity.INFO
    summary = "CronWorkflow without an explicit concurrencyPolicy"
    kinds = (CRON_WORKFLOW,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.spec.get("concurrencyPolicy") is None:
            yield self.finding(ctx, ("spec",), "no concurrencyPolicy: runs may overlap (default Allow)", at_key=True)
