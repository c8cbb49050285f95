"""Fix for WF002 wrong-type (safe): a plain scalar YAML reads as a number or boolean where the API wants a
string (label and annotation values, env values, generateName...) is quoted exactly as written:
`version: 1.10` becomes `version: "1.10"`, never the parsed `1.1`."""

from __future__ import annotations

from wfctl.fix.model import Fix
from wfctl.fix.text import Source, double_quoted, has_alias_or_anchor, replace_node, walk
from wfctl.loader.documents import Document
from wfctl.loader.nodes import ScalarNode
from wfctl.loader.yaml import TAG_BOOL, TAG_FLOAT, TAG_INT
from wfctl.model import Finding

RULE = "WF002"


def build(finding: Finding, doc: Document, src: Source, argo_version: str) -> Fix | None:
    if not finding.path or not finding.message.startswith("expected string, got "):
        return None
    node = walk(doc.node, finding.path)
    if not isinstance(node, ScalarNode) or node.style is not None or has_alias_or_anchor(node):
        return None
    if not (node.ctag is TAG_INT or node.ctag is TAG_FLOAT or node.ctag is TAG_BOOL):
        return None  # an explicit tag (`!!int 5`) says the number is meant
    raw = src.text[src.at(node.start_mark) : src.at(node.end_mark)]
    if raw != node.value:
        return None  # not written on one line exactly as read
    return Fix(
        RULE,
        f"quote {raw} as a string",
        True,
        (replace_node(src, node, double_quoted(raw)),),
        (("set", finding.path, raw),),
        doc.index,
        doc.item,
    )
