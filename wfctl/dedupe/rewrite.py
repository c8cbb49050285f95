"""Text edits computed from node positions, spliced into the original text.

Nothing is re-dumped: untouched bytes (comments, quoting, indentation, key order) stay as they were.
A removed template loses exactly its own lines; a reference keeps its quoting style. Lines end where
the YAML parser's do (LF, CRLF, CR alone, NEL, U+2028/U+2029), so each line keeps its own ending.
Writing the result to disk is `wfctl.writer`'s job.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from wfctl.loader.nodes import MappingNode, Node, ScalarNode, SequenceNode


class RewriteError(Exception):
    """The file's layout does not allow a safe rewrite (flow style, aliases...)."""


@dataclass(frozen=True)
class Edit:
    start: int  # character offsets in the text
    end: int
    text: str


# The line breaks libyaml counts in its marks: CRLF is one break, CR alone is one too.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def line_starts(text: str) -> list[int]:
    """Offset of the first character of each line, as the parser numbers lines."""
    return [0, *(m.end() for m in _BREAK.finditer(text))]


def offset(starts: list[int], line: int, column: int) -> int:
    return starts[line] + column


def last_content_line(node: Node) -> int:
    """0-based line of the last character that belongs to `node` (not the comments after it)."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        end = node.end_mark
        return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
    children: list[Node] = []
    if isinstance(node, MappingNode):
        for k, v in node.value:
            children += [k, v]
    elif isinstance(node, SequenceNode):
        children = list(node.value)
    if not children:
        return node.start_mark.line
    return max(last_content_line(c) for c in children)


def delete_item(text: str, starts: list[int], seq: SequenceNode, index: int) -> Edit:
    """Remove one block-sequence item (`- name: ...` and its lines)."""
    if getattr(seq, "flow_style", False):
        raise RewriteError("templates are written in flow style ([...]); cannot remove one safely")
    item = seq.value[index]
    first = item.start_mark.line
    line_text = text[starts[first] : starts[first + 1] if first + 1 < len(starts) else len(text)]
    if not line_text[: item.start_mark.column].rstrip().endswith("-"):
        raise RewriteError(f"template at line {first + 1} is not a plain `- ` item; cannot remove it safely")
    last = last_content_line(item)
    end = starts[last + 1] if last + 1 < len(starts) else len(text)
    return Edit(starts[first], end, "")


def replace_scalar(starts: list[int], node: ScalarNode, value: str) -> Edit:
    style = node.style
    quoted = f"'{value}'" if style == "'" else f'"{value}"' if style == '"' else value
    if style in ("|", ">"):
        raise RewriteError("a template reference written as a block scalar cannot be rewritten safely")
    return Edit(
        offset(starts, node.start_mark.line, node.start_mark.column),
        offset(starts, node.end_mark.line, node.end_mark.column),
        quoted,
    )


def splice(text: str, edits: list[Edit]) -> str:
    ordered = sorted(set(edits), key=lambda e: (e.start, e.end))
    for a, b in itertools.pairwise(ordered):
        if b.start < a.end:
            raise RewriteError("overlapping edits (the same text is reached twice, e.g. through an alias)")
    out = text
    for e in reversed(ordered):
        out = out[: e.start] + e.text + out[e.end :]
    return out


def find_child(node: Node | None, key: Any) -> Node | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == str(key):
                return v
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None
