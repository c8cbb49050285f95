"""Fixes for WF132 removed-field (safe): the Argo 4 migration, done in place.

`schedule` -> `schedules`, `synchronization.mutex`/`semaphore` -> `mutexes`/`semaphores` (wrapped in a
list, or appended to the list already there unless the same item is in it), `memoize.cache.configMap`
`key`/`optional` dropped. `podPriority` has no fix (it needs a PriorityClass).
"""

from __future__ import annotations

from typing import Any

from wfctl.fix.model import Fix, TextEdit
from wfctl.fix.text import (
    Source,
    Unfixable,
    append_item,
    delete_entry,
    entry,
    has_alias_or_anchor,
    leading_comments,
    rename_key,
    walk,
    wrap_in_list,
)
from wfctl.loader.documents import Document
from wfctl.loader.nodes import MappingNode, ScalarNode
from wfctl.model import Finding

RULE = "WF132"
PLURAL = {"schedule": "schedules", "mutex": "mutexes", "semaphore": "semaphores"}


def _data(doc: Document, path: tuple[Any, ...]) -> Any:
    node: Any = doc.data
    for part in path:
        node = node[part]
    return node


def _fix(doc: Document, description: str, edits: list[TextEdit], ops: list[tuple[Any, ...]]) -> Fix:
    return Fix(RULE, description, True, tuple(edits), tuple(ops), doc.index, doc.item)


def build(finding: Finding, doc: Document, src: Source, argo_version: str) -> Fix | None:
    if not argo_version.startswith("4") or not finding.path:
        return None
    *parent_path, old = finding.path
    parent_path_t = tuple(parent_path)
    parent = walk(doc.node, parent_path_t)
    hit = entry(parent, str(old))
    if not isinstance(parent, MappingNode) or hit is None:
        raise Unfixable("it comes from a `<<` merge; edit it where it is written")
    if has_alias_or_anchor(parent):
        raise Unfixable("anchors or aliases in the edited mapping")
    key, value = hit
    if old in ("key", "optional") and parent_path_t[-3:] == ("memoize", "cache", "configMap"):
        return _fix(
            doc,
            f"drop memoize.cache.configMap.{old}",
            [delete_entry(src, parent, key)],
            [("drop", parent_path_t, old)],
        )
    new = PLURAL.get(str(old))
    if new is None:
        return None
    op = ("plural", parent_path_t, old, new)
    parent_data = _data(doc, parent_path_t)
    item = parent_data.get(old)
    existing = entry(parent, new)
    if item is None:
        if existing is None:
            raise Unfixable(f"{old} is empty and there is no {new}")
        return _fix(doc, f"drop the empty {old}", [delete_entry(src, parent, key)], [op])
    if existing is None:
        edits = [rename_key(src, key, new), *wrap_in_list(src, key, value)]
        return _fix(doc, f"{old} -> {new}", edits, [op])
    items = parent_data.get(new)
    if not isinstance(items, list):
        raise Unfixable(f"{new} is not a list")
    if item in items:
        return _fix(doc, f"drop {old} (already in {new})", [delete_entry(src, parent, key)], [op])
    moved = None if getattr(existing[1], "flow_style", False) else value  # its comments move with it
    start = leading_comments(src, key, value) if moved is not None and not isinstance(value, ScalarNode) else None
    edits = [
        append_item(src, existing[1], value, start),
        delete_entry(src, parent, key, moved=moved, moved_from=start),
    ]
    return _fix(doc, f"move {old} into {new}", edits, [op])
