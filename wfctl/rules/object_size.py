"""WF208 object-size: manifests stay well below the Kubernetes object size limit."""

from __future__ import annotations

import json
from collections.abc import Iterator

from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class ObjectSize(Rule):
    """etcd refuses objects over about 1.5 MiB, and a Workflow's status grows on top of its spec while
    it runs. A manifest whose JSON is over `max-bytes` (default 1 MiB) is at risk: move templates into
    WorkflowTemplates, use loops instead of copies, or run `wfctl dedupe`.
    """

    code = "WF208"
    name = "object-size"
    severity = Severity.WARNING
    summary = "Manifest close to the Kubernetes object size limit"
    options = {"max-bytes": {"type": "integer", "minimum": 1, "default": 1024 * 1024}}

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        limit = int(self.config.get("max-bytes") or 1024 * 1024)
        if ctx.source_bytes and ctx.source_bytes < limit // 2:
            return  # the JSON of a YAML file is never more than about twice its size
        size = len(json.dumps(ctx.doc.data, separators=(",", ":"), default=str))
        if size > limit:
            yield self.finding(
                ctx,
                ("metadata",),
                f"object is {size:,} bytes as JSON (limit {limit:,}; etcd refuses about 1.5 MiB):"
                " split it or run `wfctl dedupe`",
                at_key=True,
            )
