"""WF209 deprecated-field: fields deprecated (or removed) in the selected Argo version."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.argo.spec import as_dict, iter_invocations, sync_places
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class DeprecatedField(Rule):
    """Fields on their way out: a step's or task's `onExit` (use `hooks: {exit: ...}`); in Argo 3.7, a
    CronWorkflow's `schedule` (use `schedules`) and `synchronization.mutex`/`semaphore` (use `mutexes`/
    `semaphores`; in the workflow spec, `templateDefaults` and templates), which Argo 4 removed (there
    WF132 reports them and `wfctl fix` rewrites them).

    `onExit` has an unsafe fix (`wfctl fix --unsafe-fixes`): `onExit: NAME` becomes
    `hooks: {exit: {template: NAME}}` when the step has no `hooks` yet. It is unsafe because Argo runs a
    hook as a hook node (shown differently in the UI and `argo get`), not because another template runs.
    """

    code = "WF209"
    name = "deprecated-field"
    severity = Severity.WARNING
    summary = "Field deprecated in the selected Argo version"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, call, _, what in iter_invocations(ctx.doc):
            if call.get("onExit") is not None:
                yield self.finding(
                    ctx, (*path, "onExit"), f"{what} onExit is deprecated: use hooks: {{exit: ...}}", at_key=True
                )
        if ctx.argo_version.startswith("3"):
            if ctx.doc.kind == CRON_WORKFLOW and ctx.spec.get("schedule") is not None:
                yield self.finding(
                    ctx, ("spec", "schedule"), "schedule is deprecated (removed in Argo 4): use schedules", at_key=True
                )
            places = [((*p, "synchronization"), obj.get("synchronization")) for p, obj in sync_places(ctx.doc)]
            for path, sync in places:
                for old, new in (("mutex", "mutexes"), ("semaphore", "semaphores")):
                    if as_dict(sync).get(old) is not None:
                        yield self.finding(
                            ctx,
                            (*path, old),
                            f"synchronization.{old} is deprecated (removed in Argo 4): use {new}",
                            at_key=True,
                        )
