"""YAML nodes: what the loader composes from parser events and what every layer that needs a position or
the written shape of the source reads (locate, fix, dedupe).

A node has its resolved tag (`ctag`, a shared `Tag`), its value (text for a scalar; child nodes for a
sequence; (key, value) node pairs for a mapping), the marks where it starts and ends, its anchor, and
how it was written (`style` of a scalar: None for plain, `'`, `"`, `|` or `>`; `flow_style` of a
collection). Slotted and built in one call: a manifest has thousands of them.
"""

from __future__ import annotations

from typing import Any


class Tag:
    """A resolved YAML tag (`tag:yaml.org,2002:str`, `!custom`...); compares equal to its text."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"Tag({self.value!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Tag):
            return self.value == other.value
        if isinstance(other, str):
            return self.value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)


class Node:
    """The part every node has."""

    __slots__ = ("anchor", "ctag", "end_mark", "start_mark", "value")

    ctag: Tag
    value: Any
    start_mark: Any
    end_mark: Any
    anchor: str | None

    @property
    def tag(self) -> str:
        return self.ctag.value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tag={self.ctag.value!r}, value={self.value!r})"


class ScalarNode(Node):
    __slots__ = ("style",)

    def __init__(
        self, ctag: Tag, value: str, start_mark: Any, end_mark: Any, style: str | None = None, anchor: str | None = None
    ) -> None:
        self.ctag = ctag
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.style = style
        self.anchor = anchor


class CollectionNode(Node):
    __slots__ = ("flow_style",)

    def __init__(
        self, ctag: Tag, value: list[Any], start_mark: Any, end_mark: Any, flow_style: bool, anchor: str | None = None
    ) -> None:
        self.ctag = ctag
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.flow_style = flow_style
        self.anchor = anchor


class SequenceNode(CollectionNode):
    __slots__ = ()


class MappingNode(CollectionNode):
    __slots__ = ()
