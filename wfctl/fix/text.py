"""Edits at node positions: rename a key, wrap a value in a list, append to a list, delete an entry,
quote a scalar. Every edit touches only the node it names; indentation, comments, quoting and line
endings elsewhere stay byte for byte. Layouts these cannot handle safely raise `Unfixable`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from wfctl.dedupe.rewrite import last_content_line, line_starts
from wfctl.fix.model import TextEdit
from wfctl.loader.nodes import MappingNode, Node, ScalarNode, SequenceNode
from wfctl.loader.yaml import TAG_STR

_MERGE = "tag:yaml.org,2002:merge"
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class Unfixable(Exception):
    """This occurrence cannot be rewritten safely (flow layout, aliases, unusual indentation...)."""


@dataclass
class Source:
    """A file's text and where its lines start (as the YAML parser counts them)."""

    text: str
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.starts:
            self.starts = line_starts(self.text)

    def at(self, mark: Any) -> int:
        return self.starts[mark.line] + mark.column

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def edit(self, start: int, end: int, text: str) -> TextEdit:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return TextEdit(start, end, text, line, column, end_line, end_column)

    def line_end(self, line: int) -> int:
        """Offset just after line `line` (0-based), its line break included."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line] : self.line_end(line)]

    def newline(self, line: int) -> str:
        """The line break that ends `line` (LF when the file has none there)."""
        m = _BREAK.search(self.line_text(line))
        return m.group(0) if m else "\n"


def entry(mapping: Node | None, key: str) -> tuple[ScalarNode, Node] | None:
    """The (key node, value node) written directly in `mapping` for `key` (not via `<<` merges)."""
    if not isinstance(mapping, MappingNode):
        return None
    found = None
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.ctag is TAG_STR and k.value == key:
            found = (k, v)
    return found


def walk(root: Node | None, path: tuple[Any, ...]) -> Node | None:
    """The node at `path`, following only entries written in place (None if it is reached otherwise)."""
    node = root
    for part in path:
        if isinstance(node, MappingNode):
            hit = entry(node, str(part))
            if hit is None:
                return None
            node = hit[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def has_alias_or_anchor(node: Node) -> bool:
    """Whether `node` (or anything in it) is anchored: editing it would also change its aliases."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            return True  # the same node twice: an alias
        seen.add(id(n))
        if getattr(n, "anchor", None):
            return True
        if isinstance(n, MappingNode):
            for k, v in n.value:
                if isinstance(k, ScalarNode) and str(k.tag) == _MERGE:
                    return True
                stack += [k, v]
        elif isinstance(n, SequenceNode):
            stack += n.value
    return False


def rename_key(src: Source, key: ScalarNode, new: str) -> TextEdit:
    """`old:` -> `new:` keeping the key's quoting style."""
    if key.style in ("|", ">"):
        raise Unfixable("a key written as a block scalar")
    quote = key.style if key.style in ("'", '"') else ""
    return src.edit(src.at(key.start_mark), src.at(key.end_mark), f"{quote}{new}{quote}")


def node_text(src: Source, node: Node) -> str:
    return src.text[src.at(node.start_mark) : src.at(node.end_mark)]


def _is_block(node: Node) -> bool:
    return isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style


def _inline(src: Source, node: Node) -> str:
    """The text of a flow or plain node written on one line (else Unfixable)."""
    if _is_block(node) or (isinstance(node, ScalarNode) and node.style in ("|", ">")):
        raise Unfixable("a block value")
    text = node_text(src, node)
    if _BREAK.search(text):
        raise Unfixable("a value written over several lines")
    return text


_FLOW_INDICATORS = frozenset(",[]{}#:")


def _needs_quotes_in_flow(node: Node) -> bool:
    """A plain scalar that would read differently inside `[...]` (`0 0 * * 1,5` is two items there)."""
    return isinstance(node, ScalarNode) and node.style is None and bool(_FLOW_INDICATORS & set(node.value))


def flow_text(src: Source, node: Node) -> str:
    """`node` written for a flow collection: its own text, or a plain string double-quoted when needed."""
    if _needs_quotes_in_flow(node):
        return double_quoted(node.value)
    return _inline(src, node)


def wrap_in_list(src: Source, key: ScalarNode, value: Node) -> list[TextEdit]:
    """Make `value` the single item of a list, in place."""
    if not _is_block(value):
        if isinstance(value, ScalarNode) and value.style in ("|", ">"):
            raise Unfixable("a block scalar")
        start, end = src.at(value.start_mark), src.at(value.end_mark)
        if _needs_quotes_in_flow(value):
            return [src.edit(start, end, "[" + flow_text(src, value) + "]")]
        return [src.edit(start, start, "["), src.edit(end, end, "]")]
    if isinstance(value, SequenceNode):
        raise Unfixable("a list where one object was expected")
    first = value.start_mark.line
    if first <= key.start_mark.line:
        raise Unfixable("a block mapping that starts on its key's line")
    k, j = key.start_mark.column, value.start_mark.column
    line_start = src.starts[first]
    if src.text[line_start : line_start + j].strip(" "):
        raise Unfixable("a mapping that does not start its line")
    if j - 2 >= k:  # `  name: x` -> `- name: x`: the list sits where the mapping's indentation was
        return [src.edit(line_start + j - 2, line_start + j, "- ")]
    # the mapping is indented by one: a lone `-` line at the key's column, the mapping unchanged below it
    return [src.edit(line_start, line_start, " " * k + "-" + src.newline(key.start_mark.line))]


def leading_comments(src: Source, key: Node, value: Node) -> int:
    """The first line of the comment lines between `key` and its block value (the value's own line if none)."""
    first = value.start_mark.line
    while first - 1 > key.start_mark.line and src.line_text(first - 1).strip().startswith("#"):
        first -= 1
    return first


def _reindent(src: Source, node: Node, dash_column: int, from_line: int) -> str:
    """A block mapping's lines (and the comment lines from `from_line`) as a new `- ` item whose dash is
    at `dash_column`."""
    first, last = node.start_mark.line, last_content_line(node)
    j = node.start_mark.column
    delta = dash_column + 2 - j
    lines = []
    for n in range(min(from_line, first), last + 1):
        line = src.line_text(n)
        body = line.rstrip("\r\n\x85\u2028\u2029")
        ending = line[len(body) :] or src.newline(n)
        if n < first:  # a comment line before the mapping: at the item's indentation
            lines.append(" " * dash_column + body.strip() + ending)
        elif n == first:
            if body[:j].strip(" "):
                raise Unfixable("a mapping that does not start its line")
            lines.append(" " * dash_column + "- " + body[j:] + ending)
        elif not body.strip():
            lines.append(ending)
        elif delta >= 0:
            lines.append(" " * delta + body + ending)
        else:
            if body[:-delta].strip(" "):
                raise Unfixable("a mapping whose lines cannot be moved left")
            lines.append(body[-delta:] + ending)
    return "".join(lines)


def _has_explicit_indent(src: Source, node: Node) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ScalarNode) and n.style in ("|", ">"):
            header = src.text[src.at(n.start_mark) : src.line_end(n.start_mark.line)]
            if any(c.isdigit() for c in header.split("#")[0]):
                return True
        elif isinstance(n, MappingNode):
            for k, v in n.value:
                stack += [k, v]
        elif isinstance(n, SequenceNode):
            stack += n.value
    return False


def append_item(src: Source, seq: Node, item: Node, from_line: int | None = None) -> TextEdit:
    """Add a copy of `item`'s text as the last item of the list `seq` (a block item with the comment
    lines from `from_line`)."""
    if not isinstance(seq, SequenceNode):
        raise Unfixable("the list to merge into is not a list")
    if seq.flow_style:
        text = flow_text(src, item)
        if seq.value:
            at = src.at(seq.value[-1].end_mark)
            return src.edit(at, at, ", " + text)
        at = src.at(seq.start_mark) + 1  # just after `[`
        return src.edit(at, at, text)
    if not seq.value:
        raise Unfixable("an empty block list")
    dash = seq.start_mark.column
    last = last_content_line(seq)
    at = src.line_end(last)
    unterminated = at == len(src.text) and not _BREAK.search(src.line_text(last))
    prefix = src.newline(last) if unterminated else ""  # the list ends the file without a line break
    if _is_block(item):
        if _has_explicit_indent(src, item):
            raise Unfixable("a block scalar with an explicit indentation indicator")
        body = _reindent(src, item, dash, item.start_mark.line if from_line is None else from_line)
        if prefix:
            body = body.rstrip("\r\n\x85\u2028\u2029")
    else:
        note = trailing_comment(src, item)
        body = " " * dash + "- " + _inline(src, item) + note
        body += "" if prefix else src.newline(last)
    return src.edit(at, at, prefix + body)


def _subtree(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(n)
        if isinstance(n, MappingNode):
            for k, v in n.value:
                stack += [k, v]
        elif isinstance(n, SequenceNode):
            stack += n.value
    return out


def comments(src: Source, nodes: list[Node], first: int, last: int) -> list[str]:
    """The comments written on lines `first`..`last` (0-based) around `nodes` (what they span is content)."""
    ends: dict[int, int] = {}
    inside: set[int] = set()
    for n in nodes:
        ends[n.end_mark.line] = max(ends.get(n.end_mark.line, 0), n.end_mark.column)
        ends.setdefault(n.start_mark.line, 0)
        if n.end_mark.line > n.start_mark.line and isinstance(n, ScalarNode):
            inside.update(range(n.start_mark.line + 1, n.end_mark.line))
            if n.end_mark.column == 0:
                inside.add(n.end_mark.line)
    found = []
    for line in range(first, last + 1):
        if line in inside:
            continue
        body = src.line_text(line).rstrip("\r\n\x85\u2028\u2029")
        rest = body[ends.get(line, 0) :].strip()
        if rest.startswith("#"):
            found.append(rest)
    return found


def trailing_comment(src: Source, node: Node) -> str:
    """The comment after a one-line node on its line, with the spaces before it ("" when there is none)."""
    body = src.line_text(node.end_mark.line).rstrip("\r\n\x85\u2028\u2029")
    rest = body[node.end_mark.column :]
    return rest.rstrip() if rest.strip().startswith("#") else ""


def delete_entry(
    src: Source, mapping: MappingNode, key: ScalarNode, *, moved: Node | None = None, moved_from: int | None = None
) -> TextEdit:
    """Remove `key: value` from `mapping` (its lines in block style; the entry and a comma in flow style).

    In block style the comments on those lines stay, as comment lines at the key's indentation, except
    on the lines of `moved` (a value copied elsewhere with its comments by `append_item`)."""
    pairs = mapping.value
    index = next((i for i, (k, _) in enumerate(pairs) if k is key), None)
    if index is None:
        raise Unfixable("the key is not in this mapping")
    value = pairs[index][1]
    if len(pairs) == 1:
        raise Unfixable("the only entry of its mapping")
    if mapping.flow_style:
        if index > 0:
            start, end = src.at(pairs[index - 1][1].end_mark), src.at(value.end_mark)
        else:
            start, end = src.at(key.start_mark), src.at(pairs[1][0].start_mark)
        if "#" in src.text[start:end].replace(node_text(src, value), "") or _BREAK.search(node_text(src, value)):
            raise Unfixable("a comment or line break inside the flow mapping")
        return src.edit(start, end, "")
    first = key.start_mark.line
    line_start = src.starts[first]
    if src.text[line_start : src.at(key.start_mark)].strip(" "):
        raise Unfixable("the entry shares its line with a `- ` or another key")
    last = last_content_line(value) if not isinstance(value, ScalarNode) or value.value else first
    last = max(last, first)
    if index + 1 < len(pairs) and pairs[index + 1][0].start_mark.line <= last:
        raise Unfixable("the next entry is on the same line")
    if moved is not None:
        skip = range(moved.start_mark.line if moved_from is None else moved_from, last_content_line(moved) + 1)
    else:
        skip = range(0)
    kept = [
        " " * key.start_mark.column + c + src.newline(n)
        for n in range(first, last + 1)
        if n not in skip
        for c in comments(src, [*_subtree(value), key], n, n)
    ]
    text = "".join(kept)
    return src.edit(line_start, src.line_end(last), text)


def replace_node(src: Source, node: Node, text: str) -> TextEdit:
    return src.edit(src.at(node.start_mark), src.at(node.end_mark), text)


def double_quoted(raw: str) -> str:
    """`raw` as a double-quoted YAML scalar with the same characters."""
    escaped = raw.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
