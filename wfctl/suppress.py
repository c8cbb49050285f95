"""Inline suppression: `# wfctl: disable=ID[,ID] [reason]`, `# wfctl: disable-file=ID`, and the
`wfctl.io/disable` object annotation (for generated manifests that carry no comments).

A trailing comment covers the line it is on and the block that starts there; a comment on a line
of its own covers the next line and the block that starts there. IDs are rule codes or names;
`all` covers every rule.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

from wfctl.records import dataclass, field

_DIRECTIVE = re.compile(r"#\s*wfctl:\s*(disable-file|disable)(?:\s*=\s*([A-Za-z0-9_,\- ]+?))?(?:\s+--\s+.*|\s+\S.*)?$")
ANNOTATION = "wfctl.io/disable"


@dataclass
class Suppressions:
    """Which rule codes are silenced where, for one file."""

    whole_file: set[str] = field(default_factory=set)
    ranges: list[tuple[int, int, set[str]]] = field(default_factory=list)  # (first line, last line, codes)
    unknown: list[tuple[int, str]] = field(default_factory=list)

    def covers(self, code: str, line: int) -> bool:
        if code in self.whole_file or "ALL" in self.whole_file:
            return True
        return any(first <= line <= last and (code in codes or "ALL" in codes) for first, last, codes in self.ranges)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" -")) if line.lstrip().startswith("-") else len(line) - len(line.lstrip())


def _block_end(lines: list[str], start: int) -> int:
    """Last line (1-based) of the YAML block that starts on line `start`."""
    head = lines[start - 1]
    base = len(head) - len(head.lstrip())
    last = start
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "---" or len(text) - len(text.lstrip()) <= base:
            break
        last = number
    return last


def parse(text: str, resolve: Callable[[str], list[str]]) -> Suppressions:
    result = Suppressions()
    if "wfctl:" not in text:
        return result
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if "wfctl:" not in line:
            continue
        hash_at = line.find("#")
        match = _DIRECTIVE.search(line, hash_at if hash_at >= 0 else 0)
        if match is None:
            continue
        kind, ids = match.group(1), match.group(2)
        codes: set[str] = set()
        for ident in re.split(r"[,\s]+", ids or "all"):
            if not ident:
                continue
            if ident.lower() == "all":
                codes.add("ALL")
                continue
            try:
                codes.update(resolve(ident))
            except KeyError:
                result.unknown.append((number, ident))
        if kind == "disable-file":
            result.whole_file |= codes
            continue
        own_line = line[: match.start()].strip() == ""
        target = number
        if own_line:
            target = next(
                (
                    n
                    for n in range(number + 1, len(lines) + 1)
                    if lines[n - 1].strip() and not lines[n - 1].strip().startswith("#")
                ),
                number,
            )
        result.ranges.append((min(number, target), _block_end(lines, target), codes))
    return result


def annotation_codes(metadata: dict[str, Any], resolve: Callable[[str], list[str]]) -> set[str]:
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict) or ANNOTATION not in annotations:
        return set()
    value = str(annotations[ANNOTATION]).split("--", 1)[0]
    codes: set[str] = set()
    for ident in re.split(r"[,\s]+", value):
        if not ident:
            continue
        if ident.lower() == "all":
            codes.add("ALL")
            continue
        with contextlib.suppress(KeyError):
            codes.update(resolve(ident))
    return codes
