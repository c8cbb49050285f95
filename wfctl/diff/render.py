"""Diff output: text (grouped by resource and template), markdown (PR comments), json."""

from __future__ import annotations

import difflib
import json
from typing import IO, Any

from wfctl.diff.compare import Change, DiffResult
from wfctl.term import style

_OPS = {"added": ("+", "green"), "removed": ("-", "red"), "changed": ("~", "yellow"), "renamed": (">", "cyan")}
LONG = 80


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= LONG else text[: LONG - 3] + "..."


def _is_long(value: Any) -> bool:
    return isinstance(value, str) and ("\n" in value or len(value) > LONG)


def line_diff(before: str, after: str) -> list[str]:
    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2))[2:]


def _grouped(changes: list[Change]) -> dict[str, dict[str, list[Change]]]:
    out: dict[str, dict[str, list[Change]]] = {}
    for c in changes:
        out.setdefault(c.resource, {}).setdefault(c.template or "", []).append(c)
    return out


def summary(result: DiffResult) -> str:
    counts: dict[str, int] = {}
    for c in result.changes:
        counts[c.op] = counts.get(c.op, 0) + 1
    if not result.changes:
        return f"no differences ({result.resources_compared} resources compared)"
    resources = len({c.resource for c in result.changes})
    parts = ", ".join(f"{n} {op}" for op, n in sorted(counts.items()))
    n = len(result.changes)
    return f"{n} change{'s' if n != 1 else ''} in {resources} resource{'s' if resources != 1 else ''} ({parts})"


def text(result: DiffResult, stream: IO[str], color: bool) -> None:
    for resource, by_template in _grouped(result.changes).items():
        stream.write(style(resource, "bold", color) + "\n")
        for template, changes in by_template.items():
            indent = "  "
            if template:
                stream.write(f"  template {style(template, 'bold', color)}\n")
                indent = "    "
            for c in changes:
                sign, col = _OPS[c.op]
                where = c.path or "(whole resource)"
                if c.op == "renamed":
                    line = f"{sign} {where}: renamed {c.before!r} -> {c.after!r}"
                elif c.op == "added":
                    line = f"{sign} {where}: {_short(c.after) if c.path else 'added'}"
                elif c.op == "removed":
                    line = f"{sign} {where}: {_short(c.before) if c.path else 'removed'}"
                elif _is_long(c.before) or _is_long(c.after):
                    line = f"{sign} {where}:"
                    stream.write(indent + style(line, col, color) + "\n")
                    for d in line_diff(str(c.before or ""), str(c.after or "")):
                        dcol = "green" if d.startswith("+") else "red" if d.startswith("-") else "dim"
                        stream.write(indent + "    " + style(d, dcol, color) + "\n")
                    continue
                else:
                    line = f"{sign} {where}: {_short(c.before)} -> {_short(c.after)}"
                stream.write(indent + style(line, col, color) + "\n")
    stream.write(summary(result) + "\n")


def markdown(result: DiffResult, stream: IO[str]) -> None:
    stream.write(f"**wfctl diff**: {summary(result)}\n")
    for resource, by_template in _grouped(result.changes).items():
        stream.write(f"\n### `{resource}`\n\n")
        for template, changes in by_template.items():
            if template:
                stream.write(f"**template `{template}`**\n\n")
            for c in changes:
                where = f"`{c.path}`" if c.path else "resource"
                if c.op == "renamed":
                    stream.write(f"- renamed {where}: `{c.before}` → `{c.after}`\n")
                elif c.op in ("added", "removed"):
                    value = c.after if c.op == "added" else c.before
                    shown = f": `{_short(value)}`" if c.path and not _is_long(value) else ""
                    stream.write(f"- {c.op} {where}{shown}\n")
                elif _is_long(c.before) or _is_long(c.after):
                    body = "\n".join(line_diff(str(c.before or ""), str(c.after or "")))
                    stream.write(f"- changed {where}\n\n  <details><summary>diff</summary>\n\n  ```diff\n")
                    stream.write("".join(f"  {line}\n" for line in body.splitlines()))
                    stream.write("  ```\n\n  </details>\n")
                else:
                    stream.write(f"- changed {where}: `{_short(c.before)}` → `{_short(c.after)}`\n")
            stream.write("\n")


def as_json(result: DiffResult, stream: IO[str]) -> None:
    json.dump(
        {"changes": [c.as_json() for c in result.changes], "summary": summary(result)}, stream, indent=2, default=str
    )
    stream.write("\n")
