"""WF120 missing-argument: every input a called template needs is supplied."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.kinds import RUNNABLE_KINDS
from wfctl.argo.refs import holder_templates, resolve_call
from wfctl.argo.spec import as_dict, as_list, input_artifacts, input_parameters, iter_invocations, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

LOCATIONS = ("s3", "git", "http", "artifactory", "hdfs", "raw", "oss", "gcs", "azure", "plugin")


def needed_inputs(tpl: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Input parameters and artifacts of `tpl` that have no value of their own."""
    params = [
        str(p.get("name"))
        for p in input_parameters(tpl)
        if p.get("value") is None and p.get("default") is None and p.get("valueFrom") is None
    ]
    arts = [
        str(a.get("name"))
        for a in input_artifacts(tpl)
        if not a.get("optional") and a.get("from") is None and not any(a.get(k) is not None for k in LOCATIONS)
    ]
    return params, arts


def supplied(args: Any) -> tuple[set[str], set[str]]:
    args = as_dict(args)
    params = {str(p.get("name")) for p in as_list(args.get("parameters")) if isinstance(p, dict)}
    arts = {str(a.get("name")) for a in as_list(args.get("artifacts")) if isinstance(a, dict)}
    return params, arts


class MissingArgument(Rule):
    """A template's input parameters without `value`, `default` or `valueFrom`, and its input artifacts
    without a source, must be passed by every caller: steps and tasks through `arguments`, the
    entrypoint and onExit of a Workflow through `spec.arguments`. Argo: `inputs.parameters.<P> was not
    supplied`. Callers through a templateRef are checked when the WorkflowTemplate is among the files.
    """

    code = "WF120"
    name = "missing-argument"
    severity = Severity.ERROR
    summary = "Called template needs an input the caller does not supply"
    stage = "argo"

    def _compare(
        self, ctx: RuleContext, path: tuple[Any, ...], tpl: dict[str, Any], args: Any, who: str
    ) -> Iterator[Finding]:
        need_params, need_arts = needed_inputs(tpl)
        got_params, got_arts = supplied(args)
        for name in need_params:
            if name not in got_params:
                yield self.finding(
                    ctx,
                    path,
                    f"{who} does not supply input parameter {name!r} of template"
                    f" {tpl.get('name')!r} (no value or default there)",
                    at_key=True,
                )
        for name in need_arts:
            if name not in got_arts:
                yield self.finding(
                    ctx,
                    path,
                    f"{who} does not supply input artifact {name!r} of template {tpl.get('name')!r}",
                    at_key=True,
                )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, call, _, what in iter_invocations(ctx.doc):
            target = resolve_call(call, ctx.doc, ctx.index)
            if target.template is None or target.how == "inline":
                continue
            yield from self._compare(ctx, path, target.template, call.get("arguments"), f"{what} {call.get('name')!r}")
        if ctx.doc.kind not in RUNNABLE_KINDS:
            return  # a WorkflowTemplate's entrypoint gets its arguments from the Workflow that runs it
        prefix, spec = workflow_spec(ctx.doc)
        names = holder_templates(ctx.doc, ctx.index)
        args: dict[str, Any] = {"parameters": [], "artifacts": []}
        ref = as_dict(spec.get("workflowTemplateRef"))
        if ref.get("name"):
            wft = ctx.index.lookup(
                str(ref["name"]), cluster_scope=bool(ref.get("clusterScope")), namespace=ctx.doc.namespace
            )
            if wft is None:
                return
            for k in args:
                args[k] += as_list(as_dict(wft.spec.get("arguments")).get(k))
            entry = spec.get("entrypoint") or wft.spec.get("entrypoint")
        else:
            entry = spec.get("entrypoint")
        for k in args:
            args[k] += as_list(as_dict(spec.get("arguments")).get(k))
        for key, name in (("entrypoint", entry), ("onExit", spec.get("onExit"))):
            if isinstance(name, str) and name in names:
                yield from self._compare(
                    ctx, (*prefix, key) if spec.get(key) else prefix, names[name][1], args, "spec.arguments"
                )
