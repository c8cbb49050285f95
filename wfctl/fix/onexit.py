"""Fix for WF209 deprecated-field (unsafe, applied with `--unsafe-fixes`): a step's or task's
`onExit: name` becomes `hooks: {exit: {template: name}}`. Unsafe because a lifecycle hook is not the
same mechanism as the deprecated field (Argo runs it as a hook node, visible as such in the UI and in
`argo get`), although it runs the same template at the same moment."""

from __future__ import annotations

from wfctl.fix.model import Fix
from wfctl.fix.text import Source, entry, flow_text, has_alias_or_anchor, rename_key, replace_node, walk
from wfctl.loader.documents import Document
from wfctl.loader.nodes import MappingNode, ScalarNode
from wfctl.model import Finding

RULE = "WF209"


def build(finding: Finding, doc: Document, src: Source, argo_version: str) -> Fix | None:
    if not finding.path or finding.path[-1] != "onExit":
        return None
    call_path = tuple(finding.path[:-1])
    call = walk(doc.node, call_path)
    hit = entry(call, "onExit")
    if not isinstance(call, MappingNode) or hit is None or entry(call, "hooks") is not None:
        return None
    key, value = hit
    if not isinstance(value, ScalarNode) or value.style in ("|", ">") or has_alias_or_anchor(call):
        return None
    if value.start_mark.line != value.end_mark.line:
        return None
    text = flow_text(src, value)  # its own quoting, or quoted where `{...}` would read it differently
    return Fix(
        RULE,
        "onExit -> hooks.exit",
        False,
        (rename_key(src, key, "hooks"), replace_node(src, value, f"{{exit: {{template: {text}}}}}")),
        (("hook", call_path, "onExit"),),
        doc.index,
        doc.item,
    )
