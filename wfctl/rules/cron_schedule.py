"""WF107 cron-schedule: CronWorkflow schedules, time zone, concurrency policy, deadlines."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.argo.names import cron_problem, timezone_problem
from wfctl.argo.spec import as_list
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class CronSchedule(Rule):
    """A CronWorkflow needs at least one schedule in `spec.schedules`, each a standard 5-field cron
    expression, a descriptor (`@daily`, `@every 1h`) or either with a `CRON_TZ=` prefix; `timezone` must
    be an IANA zone; `concurrencyPolicy` one of Allow, Forbid, Replace; `startingDeadlineSeconds` >= 0.
    """

    code = "WF107"
    name = "cron-schedule"
    severity = Severity.ERROR
    summary = "CronWorkflow schedule, timezone or policy that Argo rejects"
    stage = "argo"
    kinds = (CRON_WORKFLOW,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        spec = ctx.spec
        schedules = as_list(spec.get("schedules"))
        if not schedules and isinstance(spec.get("schedule"), str):  # Argo 3.7's deprecated singular form
            schedules = [spec["schedule"]]
        if not schedules:
            yield self.finding(
                ctx, ("spec",), "a CronWorkflow needs at least one schedule in spec.schedules", at_key=True
            )
        for i, schedule in enumerate(schedules):
            if isinstance(schedule, str):
                problem = cron_problem(schedule)
                if problem:
                    where = ("spec", "schedules", i) if spec.get("schedules") else ("spec", "schedule")
                    yield self.finding(ctx, where, f"schedule {schedule!r} is malformed: {problem}")
        tz = spec.get("timezone")
        if isinstance(tz, str):
            problem = timezone_problem(tz)
            if problem:
                yield self.finding(ctx, ("spec", "timezone"), problem)
        policy = spec.get("concurrencyPolicy")
        if isinstance(policy, str) and policy not in ("", "Allow", "Forbid", "Replace"):
            yield self.finding(
                ctx, ("spec", "concurrencyPolicy"), f"concurrencyPolicy {policy!r} is not one of Allow, Forbid, Replace"
            )
        deadline = spec.get("startingDeadlineSeconds")
        if isinstance(deadline, int) and deadline < 0:
            yield self.finding(ctx, ("spec", "startingDeadlineSeconds"), "startingDeadlineSeconds must not be negative")
