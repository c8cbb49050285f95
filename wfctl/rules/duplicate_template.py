"""WF402 duplicate-template: structurally identical templates under different names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from wfctl.argo.canonical import canonical_text, template_body
from wfctl.argo.walk import templated_by_place
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
        named = [(path, tpl) for path, tpl in ctx.templates() if isinstance(tpl.get("name"), str)]
        # Identical templates have the same number of fields and the same `{{` strings (from the
        # document's one walk): only templates that share both are serialised and compared.
        _, by_template = templated_by_place(ctx.doc)
        signatures = [_signature(path, tpl, by_template.get(path[-1], ())) for path, tpl in named]
        shared = {sig for sig, n in Counter(signatures).items() if n > 1}
        first: dict[str, str] = {}
        for (path, tpl), sig in zip(named, signatures, strict=True):
            if sig not in shared:
                continue
            name = tpl["name"]
            key = canonical_text(template_body(tpl))  # the text itself: no need to hash it
            if key in first:
                yield self.finding(
                    ctx,
                    (*path, "name"),
                    f"template {name!r} is identical to {first[key]!r}: run `wfctl dedupe` to merge them",
                )
            else:
                first[key] = name


def _signature(path: tuple[Any, ...], tpl: dict[str, Any], templated: Any) -> tuple[int, tuple[str, ...]]:
    """What two templates identical apart from their name share: the number of fields besides `name`
    and the strings holding `{{` outside `name`."""
    depth = len(path)
    return len(tpl) - ("name" in tpl), tuple(sorted(text for p, text in templated if p[depth] != "name"))
