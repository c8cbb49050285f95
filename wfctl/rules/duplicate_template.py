"""WF402 duplicate-template: structurally identical templates under different names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.canonical import canonical_text, template_body
from wfctl.argo.spec import containers
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
        # Serialising every template costs more than the rest of the rule: only templates that share
        # cheap signatures (see _outline, _containers) are serialised and compared.
        _, by_template = templated_by_place(ctx.doc)
        signatures: list[Any] = [_outline(path, tpl, by_template.get(path[-1], ())) for path, tpl in named]
        shared = _shared(signatures)
        if not shared:
            return  # the common case: no two templates even look alike
        signatures = [
            (sig, _containers(tpl)) if sig in shared else None for sig, (_, tpl) in zip(signatures, named, strict=True)
        ]
        shared = _shared(signatures)
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


# Identical templates have the same canonical JSON, hence the same fields with the same scalars (as
# text) in the same places. So templates whose signatures differ cannot be identical; templates that
# share them are still compared whole.


def _shared(signatures: list[Any]) -> set[Any]:
    """The signatures (not None) that more than one template has."""
    seen: set[Any] = set()
    shared: set[Any] = set()
    for sig in signatures:
        if sig in seen:
            shared.add(sig)
        else:
            seen.add(sig)
    shared.discard(None)
    return shared


def _outline(path: tuple[Any, ...], tpl: dict[str, Any], templated: Any) -> tuple[frozenset[str], tuple[str, ...]]:
    """The template's field names, and the strings holding `{{` outside `name` (from the document's
    one walk)."""
    if not templated:
        return frozenset(tpl), ()
    depth = len(path)
    return frozenset(tpl), tuple(sorted(text for p, text in templated if p[depth] != "name"))


def _containers(tpl: dict[str, Any]) -> tuple[Any, ...]:
    """Each container's image, script source, arguments and environment values."""
    parts = []
    for sub, c in containers(tpl):
        env = c.get("env")
        values = tuple(_scalar(e.get("value")) for e in env if isinstance(e, dict)) if isinstance(env, list) else ()
        args = c.get("args")
        args = tuple(_scalar(a) for a in args) if isinstance(args, list) else _scalar(args)
        parts.append((sub, _scalar(c.get("image")), _scalar(c.get("source")), args, values))
    return tuple(parts)


def _scalar(value: Any) -> str:
    # a scalar as text (as the canonical JSON writes it, up to quoting); a list or mapping by its size
    if isinstance(value, (dict, list)):
        return f"<{type(value).__name__} of {len(value)}>"
    return str(value)
