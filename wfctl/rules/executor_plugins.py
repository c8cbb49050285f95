"""WF127 executor-plugins: workflow-level executor plugins are complete."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_dict, as_list, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class ExecutorPlugins(Rule):
    """Each `spec.executorPlugins` entry needs `metadata.name`, and its sidecar container at least one
    port, resource requests and limits, and a securityContext (Argo's plugin spec validation).
    """

    code = "WF127"
    name = "executor-plugins"
    severity = Severity.ERROR
    summary = "Incomplete executor plugin declaration"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        for i, plugin in enumerate(as_list(spec.get("executorPlugins"))):
            path = (*prefix, "executorPlugins", i)
            plugin = as_dict(plugin)
            if not as_dict(plugin.get("metadata")).get("name"):
                yield self.finding(ctx, path, "executor plugin needs metadata.name", at_key=True)
            container = as_dict(as_dict(as_dict(plugin.get("spec")).get("sidecar")).get("container"))
            cpath = (*path, "spec", "sidecar", "container")
            if not container.get("ports"):
                yield self.finding(ctx, cpath, "executor plugin sidecar needs at least one port", at_key=True)
            resources = as_dict(container.get("resources"))
            for key in ("requests", "limits"):
                if not resources.get(key):
                    yield self.finding(ctx, cpath, f"executor plugin sidecar needs resources.{key}", at_key=True)
            if not container.get("securityContext"):
                yield self.finding(ctx, cpath, "executor plugin sidecar needs a securityContext", at_key=True)
