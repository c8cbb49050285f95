"""Path (tuple of keys and indexes) to a position in the YAML node tree, 1-based."""

from __future__ import annotations

from typing import Any

from wfctl.loader.nodes import MappingNode, Node, ScalarNode, SequenceNode
from wfctl.loader.yaml import TAG_STR, key_text

_MERGE = "tag:yaml.org,2002:merge"
Position = tuple[int, int, int, int]


def _mapping_entry(node: MappingNode, key: Any) -> tuple[Node, Node] | None:
    want = key if type(key) is str else str(key)
    for k, v in reversed(node.value):  # the last of repeated keys counts, as in the data
        if k.ctag is TAG_STR:  # a plain string key (only scalars have this tag)
            if k.value == want:
                return k, v
        elif isinstance(k, ScalarNode) and key_text(k) == want:  # as Kubernetes reads it: `on:` is "true"
            return k, v
    for k, v in node.value:  # keys that came from a `<<` merge
        if k.tag == _MERGE:
            for source in v.value if isinstance(v, SequenceNode) else [v]:
                if isinstance(source, MappingNode):
                    entry = _mapping_entry(source, key)
                    if entry is not None:
                        return entry
    return None


def find(root: Node | None, path: tuple[Any, ...]) -> tuple[Node | None, Node | None]:
    """The deepest (key node, value node) that `path` reaches."""
    key_node: Node | None = None
    node = root
    for part in path:
        if isinstance(node, MappingNode):
            entry = _mapping_entry(node, part)
            if entry is None:
                break
            key_node, node = entry
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            break
    return key_node, node


def locate(root: Node | None, path: tuple[Any, ...], *, at_key: bool = False) -> Position:
    """Line, column, end line, end column (end exclusive) of the node `path` names."""
    key_node, node = find(root, path)
    target = key_node if (at_key and key_node is not None) else node
    if target is None:
        return (1, 1, 1, 1)
    start, end = target.start_mark, target.end_mark
    line, col = start.line + 1, start.column + 1
    end_line, end_col = end.line + 1, end.column + 1
    if end_col == 1 and end_line > line:  # block nodes end at the start of the next line
        end_line, end_col = line, col
    return line, col, end_line, end_col
