"""WF402 duplicate-template: structurally identical templates under different names."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.canonical import fingerprint, template_body
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class DuplicateTemplate(Rule):
    """Two templates that differ only in their name (same image, args, env, resources, inputs...) are
    a copy-paste: a fix applied to one misses the other, and the manifest grows toward the object size
    limit. Keep one; `wfctl dedupe` merges them and rewrites the references, proving the result runs
    the same.
    """

    code = "WF402"
    name = "duplicate-template"
    severity = Severity.WARNING
    summary = "Templates identical apart from their name (run wfctl dedupe)"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        first: dict[str, str] = {}
        for path, tpl in ctx.templates():
            name = tpl.get("name")
            if not isinstance(name, str):
                continue
            key = fingerprint(template_body(tpl))
            if key in first:
                yield self.finding(
                    ctx,
                    (*path, "name"),
                    f"template {name!r} is identical to {first[key]!r}: run `wfctl dedupe` to merge them",
                )
            else:
                first[key] = name
