"""WF101 entrypoint: the workflow's entrypoint and onExit name templates that exist."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import RUNNABLE_KINDS
from wfctl.argo.refs import holder_templates
from wfctl.argo.spec import as_dict, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext
from wfctl.text import suggest


class Entrypoint(Rule):
    """`spec.entrypoint` (and `spec.onExit`) must name a template of the workflow.

    A Workflow or CronWorkflow needs an entrypoint unless it runs a `workflowTemplateRef`; a
    WorkflowTemplate may leave it out (the Workflow that uses it chooses). Argo rejects the workflow
    with `spec.entrypoint is required` or `template name '<n>' undefined`.

    **Fails**: `entrypoint: mian` with a template `main`  **Passes**: `entrypoint: main`
    """

    code = "WF101"
    name = "entrypoint"
    severity = Severity.ERROR
    summary = "Entrypoint or onExit missing or naming no template"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        has_ref = bool(as_dict(spec.get("workflowTemplateRef")))
        names = holder_templates(ctx.doc, ctx.index)
        known = bool(names) or not has_ref
        entry = spec.get("entrypoint")
        if entry is None and ctx.doc.kind in RUNNABLE_KINDS and not has_ref:
            yield self.finding(
                ctx, prefix, "spec.entrypoint is required (the template the workflow starts with)", at_key=True
            )
        for key in ("entrypoint", "onExit"):
            value = spec.get(key)
            if not isinstance(value, str) or not value or "{{" in value or not known:
                continue
            if value not in names:
                hint = suggest(value, list(names))
                yield self.finding(
                    ctx,
                    (*prefix, key),
                    f"{key} {value!r} names no template of this workflow"
                    + (f"; did you mean {hint!r}?" if hint else ""),
                )
