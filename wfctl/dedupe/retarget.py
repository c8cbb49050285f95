"""Pointing a document's template references somewhere else and deleting the templates they named:
the one loop behind merging (`plan`: `template: b` becomes `template: a`) and extracting (`extract`:
`template: b` becomes `templateRef: {name: shared, template: b}`)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from wfctl.argo.calls import SelfRef, references
from wfctl.argo.paths import Path_
from wfctl.argo.spec import as_dict, as_list
from wfctl.dedupe.rewrite import Edit, RewriteError, delete_item
from wfctl.loader.documents import Document
from wfctl.loader.locate import find
from wfctl.loader.nodes import SequenceNode

Retarget = Callable[[Path_, str], Edit | None]  # (reference's path in the spec, template it names) -> its edit


def retarget(
    doc: Document,
    text: str,
    starts: list[int],
    removed: Collection[str],
    edit: Retarget,
    *,
    prefix: Path_,
    spec: dict[str, Any],
    self_ref: SelfRef | None = None,
) -> list[Edit]:
    """`edit`'s change for every reference to a template in `removed` (except the references inside
    those templates, which go with them), then the deletion of those templates from `spec.templates`.
    Raises RewriteError when the source cannot be edited in place."""
    templates = as_list(spec.get("templates"))
    edits: list[Edit] = []
    for path, name in references(spec, self_ref):
        if name not in removed or (path[0] == "templates" and as_dict(templates[path[1]]).get("name") in removed):
            continue
        change = edit(path, name)
        if change is not None:
            edits.append(change)
    _, seq = find(doc.node, (*prefix, "templates"))
    if not isinstance(seq, SequenceNode):
        raise RewriteError("spec.templates is not a list")
    for index, tpl in enumerate(templates):
        if isinstance(tpl, dict) and tpl.get("name") in removed:
            edits.append(delete_item(text, starts, seq, index))
    return edits
