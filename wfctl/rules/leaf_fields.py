"""WF122 template-fields: fields only valid on some templates, and their value rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.duration import is_duration
from wfctl.argo.names import label_key_problem, label_value_problem
from wfctl.argo.spec import as_dict, as_list, template_type, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext
from wfctl.text import suggest

RETRY_POLICIES = ("Always", "OnError", "OnFailure", "OnTransientError", "")
POD_GC = ("", "OnPodCompletion", "OnPodSuccess", "OnWorkflowCompletion", "OnWorkflowSuccess")
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


class TemplateFields(Rule):
    """Some fields only apply to some templates: `activeDeadlineSeconds`, `timeout` and
    `pendingTimeout` to leaf templates (not steps or DAG); `parallelism` to steps and DAG templates.
    `timeout` is a duration string (`30s`, `1h`), not a number; `activeDeadlineSeconds` not negative;
    `retryStrategy.retryPolicy` one of Always, OnError, OnFailure, OnTransientError; `podGC.strategy`
    one of OnPodCompletion, OnPodSuccess, OnWorkflowCompletion, OnWorkflowSuccess; `podGC.labelSelector`
    a Kubernetes label selector (operators In, NotIn, Exists, DoesNotExist; In and NotIn need values,
    Exists and DoesNotExist take none; valid label keys).
    """

    code = "WF122"
    name = "template-fields"
    severity = Severity.ERROR
    summary = "Field not valid for this template type, or out of its allowed values"
    stage = "argo"

    def _selector(self, ctx: RuleContext, path: tuple[Any, ...], selector: Any) -> Iterator[Finding]:
        """What Kubernetes' LabelSelectorAsSelector rejects (Argo: `podGC.labelSelector invalid`)."""
        selector = as_dict(selector)
        for key, value in as_dict(selector.get("matchLabels")).items():
            problem = label_key_problem(str(key))
            if problem:
                yield self.finding(
                    ctx, (*path, "matchLabels", key), f"podGC.labelSelector key {key!r}: {problem}", at_key=True
                )
            elif isinstance(value, str) and "{{" not in value and label_value_problem(value):
                yield self.finding(
                    ctx,
                    (*path, "matchLabels", key),
                    f"podGC.labelSelector value {value!r}: {label_value_problem(value)}",
                )
        for i, expr in enumerate(as_list(selector.get("matchExpressions"))):
            expr = as_dict(expr)
            here = (*path, "matchExpressions", i)
            operator, values, name = expr.get("operator"), as_list(expr.get("values")), expr.get("key")
            problem = label_key_problem(name) if isinstance(name, str) and "{{" not in name else None
            if problem:
                yield self.finding(ctx, (*here, "key"), f"podGC.labelSelector key {name!r}: {problem}")
            if not isinstance(operator, str) or operator not in SELECTOR_OPERATORS:
                if operator is not None:
                    hint = suggest(str(operator), list(SELECTOR_OPERATORS))
                    yield self.finding(
                        ctx,
                        (*here, "operator"),
                        f"podGC.labelSelector operator {operator!r} is not one of {', '.join(SELECTOR_OPERATORS)}"
                        + (f" (did you mean {hint!r}?)" if hint else ""),
                    )
            elif operator in ("In", "NotIn") and not values:
                yield self.finding(
                    ctx, (*here, "operator"), f"podGC.labelSelector operator {operator} needs at least one value"
                )
            elif operator in ("Exists", "DoesNotExist") and values:
                yield self.finding(ctx, (*here, "values"), f"podGC.labelSelector operator {operator} takes no values")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        strategy = as_dict(spec.get("podGC")).get("strategy")
        if isinstance(strategy, str) and strategy not in POD_GC:
            yield self.finding(
                ctx,
                (*prefix, "podGC", "strategy"),
                f"podGC.strategy {strategy!r} is not one of {', '.join(s for s in POD_GC if s)}",
            )
        yield from self._selector(
            ctx, (*prefix, "podGC", "labelSelector"), as_dict(spec.get("podGC")).get("labelSelector")
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
