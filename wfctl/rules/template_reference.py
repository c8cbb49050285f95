"""WF109 template-reference: what steps, tasks and onExit call can be found."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.refs import holder_templates, resolve_call, resolve_ref
from wfctl.argo.spec import iter_invocations
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext
from wfctl.text import suggest


class TemplateReference(Rule):
    """Every step and task calls one template: `template: NAME` (defined in this workflow), or
    `templateRef: {name, template, clusterScope}` (a template of a WorkflowTemplate or, with
    `clusterScope: true`, a ClusterWorkflowTemplate), or an `inline` template; never `template` and
    `templateRef` together. templateRefs are resolved against the templates among all files given and
    `--templates` paths; one that cannot be found there is reported as a warning (an error with
    `--strict-refs`), since it may exist on the cluster.
    """

    code = "WF109"
    name = "template-reference"
    severity = Severity.ERROR
    summary = "Step or task calling a template that does not exist"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        names = holder_templates(ctx.doc, ctx.index)
        for path, call, _, what in iter_invocations(ctx.doc):
            label = f"{what} {call.get('name')!r}"
            if call.get("template") is not None and call.get("templateRef") is not None:
                yield self.finding(
                    ctx, (*path, "templateRef"), f"{label} has both template and templateRef", at_key=True
                )
                continue
            ref = call.get("templateRef")
            if isinstance(ref, dict):
                for key in ("name", "template"):
                    if not ref.get(key):
                        yield self.finding(
                            ctx, (*path, "templateRef"), f"{label}: templateRef.{key} is required", at_key=True
                        )
                if not ref.get("name") or not ref.get("template"):
                    continue
                target = resolve_ref(ref, ctx.doc, ctx.index)
                if target.unresolved and not target.parameterised:
                    missing = target.unresolved.startswith("missing:")
                    message = f"{label}: {target.unresolved.removeprefix('missing:')}"
                    finding = self.finding(ctx, (*path, "templateRef"), message, at_key=True)
                    if not missing and not ctx.strict_refs:
                        finding.severity = Severity.WARNING
                        finding.message += " (cannot check it offline; --strict-refs makes this an error)"
                    yield finding
                continue
            if call.get("inline") is not None:
                continue
            target = resolve_call(call, ctx.doc, ctx.index)
            if target.how == "none":
                yield self.finding(
                    ctx, path, f"{label} calls no template (template, templateRef or inline)", at_key=True
                )
            elif target.template is None and not target.parameterised and names:
                name = call.get("template")
                hint = suggest(str(name), list(names))
                yield self.finding(
                    ctx,
                    (*path, "template"),
                    f"{label} calls template {name!r}, which does not exist"
                    + (f"; did you mean {hint!r}?" if hint else ""),
                )
            on_exit = call.get("onExit")
            if isinstance(on_exit, str) and names and on_exit not in names and "{{" not in on_exit:
                yield self.finding(ctx, (*path, "onExit"), f"{label}: onExit template {on_exit!r} does not exist")
