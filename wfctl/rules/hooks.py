"""WF102 hooks: lifecycle hooks have an expression (except `exit`) and call a template that exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.refs import resolve_call
from wfctl.argo.spec import as_dict, iter_invocations, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class Hooks(Rule):
    """Every lifecycle hook other than `exit` needs an `expression`, and every hook must call a template.

    Argo checks the expression only for workflow and step hooks (`hooks.<name> Expression required`);
    a DAG task hook without one fails at run time with `unable to evaluate expression ''`. Hook templates
    are not checked by Argo at all and fail when the hook fires.
    """

    code = "WF102"
    name = "hooks"
    severity = Severity.ERROR
    summary = "Lifecycle hook without expression or calling an unknown template"
    stage = "argo"

    def _hooks(self, ctx: RuleContext, path: tuple[Any, ...], hooks: Any) -> Iterator[Finding]:
        for name, hook in as_dict(hooks).items():
            if not isinstance(hook, dict):
                continue
            if name != "exit" and not hook.get("expression"):
                yield self.finding(
                    ctx, (*path, name), f"hook {name!r} needs an expression (only 'exit' has none)", at_key=True
                )
            if not hook.get("template") and not hook.get("templateRef"):
                yield self.finding(ctx, (*path, name), f"hook {name!r} calls no template", at_key=True)
                continue
            target = resolve_call(hook, ctx.doc, ctx.index)
            if target.how == "local" and target.template is None and not target.parameterised:
                yield self.finding(
                    ctx,
                    (*path, name, "template"),
                    f"hook {name!r} calls template {hook.get('template')!r}, which does not exist",
                )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        yield from self._hooks(ctx, (*prefix, "hooks"), spec.get("hooks"))
        for path, call, _, _ in iter_invocations(ctx.doc):
            hooks = call.get("hooks")
            if isinstance(hooks, dict):  # most steps and tasks have none
                yield from self._hooks(ctx, (*path, "hooks"), hooks)
