"""What a fix is: text replacements at node positions, plus the data change they must amount to.

`TextEdit` carries both a character range (to apply it) and 1-based line/column positions (for JSON
and SARIF). `ops` describe the same change on the parsed document; `wfctl.fix.run` applies them to
the old data and insists that the rewritten file parses to exactly that, or nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace text[start:end] with `text`; positions are 1-based, end exclusive."""

    start: int
    end: int
    text: str
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True, slots=True)
class Fix:
    """One rule's fix for one finding."""

    rule: str
    description: str
    safe: bool
    edits: tuple[TextEdit, ...]
    # data-level operations, in order, relative to the document root: see `wfctl.fix.ops`
    ops: tuple[tuple[Any, ...], ...] = ()
    document: int = 0  # YAML document index in the file
    item: int | None = None  # `items` index when the document is a `kind: List` entry

    def to_row(self) -> list[Any]:
        """A JSON-able form (the results cache stores findings with their fixes)."""
        edits = [[e.start, e.end, e.text, e.line, e.column, e.end_line, e.end_column] for e in self.edits]
        ops = [[op[0], list(op[1]), *op[2:]] for op in self.ops]
        return [self.rule, self.description, self.safe, edits, ops, self.document, self.item]

    @classmethod
    def from_row(cls, row: list[Any]) -> Fix:
        rule, description, safe, edits, ops, document, item = row
        return cls(
            str(rule),
            str(description),
            bool(safe),
            tuple(TextEdit(int(a), int(b), str(t), int(c), int(d), int(e), int(f)) for a, b, t, c, d, e, f in edits),
            tuple((op[0], tuple(op[1]), *op[2:]) for op in ops),
            int(document),
            None if item is None else int(item),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "applicability": "safe" if self.safe else "unsafe",
            "edits": [
                {
                    "line": e.line,
                    "column": e.column,
                    "end_line": e.end_line,
                    "end_column": e.end_column,
                    "replacement": e.text,
                }
                for e in self.edits
            ],
        }
