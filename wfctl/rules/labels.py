"""WF105 labels: label and annotation keys and label values that Kubernetes accepts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.argo.names import label_key_problem, label_value_problem
from wfctl.argo.spec import as_dict, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class Labels(Rule):
    """Label keys are `[prefix/]name` (prefix a DNS subdomain, name at most 63 alphanumerics, '-', '_',
    '.'); label values at most 63 such characters. Annotation keys follow the same rule. The API server
    rejects the object otherwise (checked in metadata, workflowMetadata, podMetadata and templates'
    metadata).
    """

    code = "WF105"
    name = "labels"
    severity = Severity.ERROR
    summary = "Label or annotation key, or label value, that Kubernetes rejects"
    stage = "argo"

    def _check(self, ctx: RuleContext, path: tuple[Any, ...], meta: Any) -> Iterator[Finding]:
        meta = as_dict(meta)
        for kind in ("labels", "annotations"):
            for key, value in as_dict(meta.get(kind)).items():
                key = str(key)
                if "{{" in key:
                    continue
                problem = label_key_problem(key)
                if problem:
                    yield self.finding(ctx, (*path, kind, key), f"{kind[:-1]} key {key!r}: {problem}", at_key=True)
                if kind == "labels" and isinstance(value, str) and "{{" not in value:
                    problem = label_value_problem(value)
                    if problem:
                        yield self.finding(ctx, (*path, kind, key), f"label value {value!r}: {problem}")
                elif kind == "labels" and value is not None and not isinstance(value, str):
                    yield self.finding(ctx, (*path, kind, key), f"label value {value!r} must be a string (quote it)")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        yield from self._check(ctx, ("metadata",), ctx.doc.metadata)
        prefix, spec = workflow_spec(ctx.doc)
        yield from self._check(ctx, (*prefix, "workflowMetadata"), spec.get("workflowMetadata"))
        yield from self._check(ctx, (*prefix, "podMetadata"), spec.get("podMetadata"))
        if ctx.doc.kind == CRON_WORKFLOW:
            yield from self._check(ctx, ("spec", "workflowMetadata"), ctx.spec.get("workflowMetadata"))
        for path, tpl in ctx.templates():
            meta = tpl.get("metadata")
            if isinstance(meta, dict):  # most templates have none
                yield from self._check(ctx, (*path, "metadata"), meta)
