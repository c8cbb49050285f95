"""WF122 template-fields: fields only valid on some templates, and their value rules."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.names import is_duration
from wfctl.argo.spec import as_dict, template_type, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

RETRY_POLICIES = ("Always", "OnError", "OnFailure", "OnTransientError", "")
POD_GC = ("", "OnPodCompletion", "OnPodSuccess", "OnWorkflowCompletion", "OnWorkflowSuccess")


class TemplateFields(Rule):
    """Some fields only apply to some templates: `activeDeadlineSeconds`, `timeout` and
    `pendingTimeout` to leaf templates (not steps or DAG); `parallelism` to steps and DAG templates.
    `timeout` is a duration string (`30s`, `1h`), not a number; `activeDeadlineSeconds` not negative;
    `retryStrategy.retryPolicy` one of Always, OnError, OnFailure, OnTransientError; `podGC.strategy`
    one of OnPodCompletion, OnPodSuccess, OnWorkflowCompletion, OnWorkflowSuccess.
    """

    code = "WF122"
    name = "template-fields"
    severity = Severity.ERROR
    summary = "Field not valid for this template type, or out of its allowed values"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        strategy = as_dict(spec.get("podGC")).get("strategy")
        if isinstance(strategy, str) and strategy not in POD_GC:
            yield self.finding(
                ctx,
                (*prefix, "podGC", "strategy"),
                f"podGC.strategy {strategy!r} is not one of {', '.join(s for s in POD_GC if s)}",
            )
        policy = as_dict(spec.get("retryStrategy")).get("retryPolicy")
        if isinstance(policy, str) and policy not in RETRY_POLICIES:
            yield self.finding(ctx, (*prefix, "retryStrategy", "retryPolicy"), f"{policy!r} is not a valid retryPolicy")
        for path, tpl in ctx.templates():
            kind = template_type(tpl)
            name = tpl.get("name")
            if kind in ("steps", "dag"):
                for key in ("activeDeadlineSeconds", "timeout", "pendingTimeout"):
                    if tpl.get(key) is not None:
                        yield self.finding(
                            ctx,
                            (*path, key),
                            f"{key} is only valid for leaf templates, not the {kind} template {name!r}",
                            at_key=True,
                        )
            elif kind is not None and tpl.get("parallelism") is not None:
                yield self.finding(
                    ctx,
                    (*path, "parallelism"),
                    f"parallelism is only valid for steps and DAG templates, not {kind} {name!r}",
                    at_key=True,
                )
            timeout = tpl.get("timeout")
            if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
                yield self.finding(
                    ctx, (*path, "timeout"), f"timeout {timeout!r} needs a unit: write a duration such as '{timeout}s'"
                )
            elif isinstance(timeout, str) and "{{" not in timeout and not is_duration(timeout):
                yield self.finding(ctx, (*path, "timeout"), f"timeout {timeout!r} is not a duration (e.g. 30s, 5m, 1h)")
            deadline = tpl.get("activeDeadlineSeconds")
            if isinstance(deadline, int) and deadline < 0:
                yield self.finding(ctx, (*path, "activeDeadlineSeconds"), "activeDeadlineSeconds must not be negative")
            elif isinstance(deadline, str) and "{{" not in deadline and not deadline.lstrip("-").isdigit():
                yield self.finding(
                    ctx,
                    (*path, "activeDeadlineSeconds"),
                    f"activeDeadlineSeconds {deadline!r} must be an integer or an Argo variable",
                )
            policy = as_dict(tpl.get("retryStrategy")).get("retryPolicy")
            if isinstance(policy, str) and policy not in RETRY_POLICIES and "{{" not in policy:
                yield self.finding(
                    ctx,
                    (*path, "retryStrategy", "retryPolicy"),
                    f"{policy!r} is not a valid retryPolicy (Always, OnError, OnFailure, OnTransientError)",
                )
