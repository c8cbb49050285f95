"""WF126 pod-resources: podResources and resourceClaims only where Argo allows them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.spec import POD_TYPES, as_dict, template_type, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class PodResources(Rule):
    """Pod-level `podResources` may only name cpu, memory and hugepages-*, has no `claims`, and is not
    supported on HTTP and plugin templates; `resourceClaims` only on templates that create a pod
    (container, containerSet, script, resource, data).
    """

    code = "WF126"
    name = "pod-resources"
    severity = Severity.ERROR
    summary = "podResources or resourceClaims where Argo does not allow them"
    stage = "argo"

    def _resources(self, ctx: RuleContext, path: tuple[Any, ...], value: Any) -> Iterator[Finding]:
        res = as_dict(value)
        if res.get("claims") is not None:
            yield self.finding(ctx, (*path, "claims"), "claims are not supported for pod-level resources", at_key=True)
        for kind in ("requests", "limits"):
            for name in as_dict(res.get(kind)):
                if name not in ("cpu", "memory") and not str(name).startswith("hugepages-"):
                    yield self.finding(
                        ctx,
                        (*path, kind, name),
                        f"{name!r} is not a pod-level resource (only cpu, memory and hugepages-*)",
                        at_key=True,
                    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        if spec.get("podResources") is not None:
            yield from self._resources(ctx, (*prefix, "podResources"), spec["podResources"])
        for path, tpl in ctx.templates():
            kind = template_type(tpl)
            if tpl.get("podResources") is not None:
                if kind in ("http", "plugin"):
                    yield self.finding(
                        ctx, (*path, "podResources"), f"podResources is not supported for {kind} templates", at_key=True
                    )
                yield from self._resources(ctx, (*path, "podResources"), tpl["podResources"])
            if tpl.get("resourceClaims") is not None and kind not in POD_TYPES and kind is not None:
                yield self.finding(
                    ctx,
                    (*path, "resourceClaims"),
                    f"resourceClaims is not supported for {kind} templates, which do not create a pod",
                    at_key=True,
                )
