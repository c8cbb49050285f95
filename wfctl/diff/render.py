"""Diff output: text (grouped by resource and template), markdown (PR comments), json.

Every resource says which file(s) it was read from. Added and removed objects are shown whole, as
YAML (markdown: in a collapsible `<details>` block when long); long or multi-line strings changed in
place are shown as a line diff.
"""

from __future__ import annotations

import difflib
import json
from typing import IO, Any

from wfctl.diff.compare import Change, DiffResult
from wfctl.term import style
from wfctl.yamlout import to_review_yaml

_OPS = {
    "added": ("+", "green"),
    "removed": ("-", "red"),
    "changed": ("~", "yellow"),
    "renamed": (">", "cyan"),
    "reordered": ("~", "yellow"),
}
LONG = 80
FOLD_LINES = 12  # markdown: YAML longer than this goes into a collapsible block

Key = tuple[str, str | None, str | None]  # resource label, old file, new file


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _inline(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, default=str)


def _is_long(value: Any) -> bool:
    return isinstance(value, str) and ("\n" in value or len(value) > LONG)


def _is_block(value: Any) -> bool:
    """Shown as a YAML block rather than inline: mappings, lists, long or multi-line strings."""
    return (isinstance(value, (dict, list)) and bool(value)) or _is_long(value)


def line_diff(before: str, after: str) -> list[str]:
    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2))[2:]


def files_of(key: Key) -> str:
    """`old → new`, or the one path when both sides read the same one (or only one side has it)."""
    _, old, new = key
    if old and new:
        return old if old == new else f"{old} → {new}"
    return old or new or ""


def _grouped(changes: list[Change]) -> dict[Key, dict[str, list[Change]]]:
    out: dict[Key, dict[str, list[Change]]] = {}
    for c in changes:
        out.setdefault((c.resource, c.old_file, c.new_file), {}).setdefault(c.template or "", []).append(c)
    return out


def summary(result: DiffResult) -> str:
    n = len(result.skipped)
    skipped = f"; {plural(n, 'file')} skipped (no Argo workflow in {'it' if n == 1 else 'them'})" if n else ""
    if not result.changes:
        return f"no differences ({plural(result.resources_compared, 'resource')} compared){skipped}"
    counts: dict[str, int] = {}
    for c in result.changes:
        counts[c.op] = counts.get(c.op, 0) + 1
    resources = len({(c.resource, c.old_file, c.new_file) for c in result.changes})
    parts = ", ".join(f"{n} {op}" for op, n in sorted(counts.items()))
    return f"{plural(len(result.changes), 'change')} in {plural(resources, 'resource')} ({parts}){skipped}"


def _value_of(c: Change) -> Any:
    return c.after if c.op == "added" else c.before


def text(result: DiffResult, stream: IO[str], color: bool, verbose: bool = False) -> None:
    for key, by_template in _grouped(result.changes).items():
        stream.write(style(key[0], "bold", color) + style(f"  ({files_of(key)})", "dim", color) + "\n")
        for template, changes in by_template.items():
            indent = "  "
            if template:
                stream.write(f"  template {style(template, 'bold', color)}\n")
                indent = "    "
            for c in changes:
                _text_change(c, indent, stream, color)
    if verbose:
        for file, why in result.skipped:
            stream.write(style(f"skipped {file}: {why}", "dim", color) + "\n")
    stream.write(summary(result) + "\n")


def _text_change(c: Change, indent: str, stream: IO[str], color: bool) -> None:
    sign, col = _OPS[c.op]
    where = c.path or "(whole resource)"

    def out(line: str, colour: str = col) -> None:
        stream.write(indent + style(line, colour, color) + "\n")

    if c.op == "renamed":
        out(f"{sign} {where}: renamed {c.before!r} -> {c.after!r}")
    elif c.op == "reordered":
        out(f"{sign} {where}: order changed (order matters here)")
        out(f"    - {', '.join(c.before)}", "red")
        out(f"    + {', '.join(c.after)}", "green")
    elif c.op in ("added", "removed"):
        value = _value_of(c)
        if not c.path or _is_block(value):
            out(f"{sign} {where}: {c.op}")
            for line in to_review_yaml(value).splitlines():
                out(f"    {sign} {line}")
        else:
            out(f"{sign} {where}: {_inline(value)}")
    elif _is_long(c.before) or _is_long(c.after):
        out(f"{sign} {where}:")
        for d in line_diff(str(c.before or ""), str(c.after or "")):
            out("    " + d, "green" if d.startswith("+") else "red" if d.startswith("-") else "dim")
    elif _is_block(c.before) or _is_block(c.after):
        out(f"{sign} {where}:")
        for d in line_diff(to_review_yaml(c.before), to_review_yaml(c.after)):
            out("    " + d, "green" if d.startswith("+") else "red" if d.startswith("-") else "dim")
    else:
        out(f"{sign} {where}: {_inline(c.before)} -> {_inline(c.after)}")


def _code(text: str) -> str:
    """Inline code that survives backticks in the text."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _md_block(lang: str, body: str, summary_text: str, fold: bool = False) -> str:
    """A fenced block indented under a list item; collapsible when long (or `fold`)."""
    fence = "````" if "```" in body else "```"
    block = f"  {fence}{lang}\n" + "".join(f"  {line}\n" for line in body.splitlines()) + f"  {fence}\n"
    if not fold and body.count("\n") + 1 <= FOLD_LINES:
        return "\n" + block
    return f"\n  <details><summary>{summary_text}</summary>\n\n" + block + "\n  </details>\n"


def markdown(result: DiffResult, stream: IO[str]) -> None:
    stream.write(f"**wfctl diff**: {summary(result)}\n")
    for key, by_template in _grouped(result.changes).items():
        _, old, new = key
        stream.write(f"\n### `{key[0]}`\n\n")
        if old and new and old != new:
            stream.write(f"`{old}` → `{new}`\n\n")
        else:
            stream.write(f"`{old or new}`\n\n")
        for template, changes in by_template.items():
            if template:
                stream.write(f"**template `{template}`**\n\n")
            for c in changes:
                stream.write(_md_change(c))
            stream.write("\n")
    if result.skipped:
        stream.write(f"<details><summary>{plural(len(result.skipped), 'file')} skipped</summary>\n\n")
        stream.write("".join(f"- `{file}`: {why}\n" for file, why in result.skipped))
        stream.write("\n</details>\n")


def _md_change(c: Change) -> str:
    where = f"`{c.path}`" if c.path else "resource"
    if c.op == "renamed":
        return f"- renamed {where}: {_code(str(c.before))} → {_code(str(c.after))}\n"
    if c.op == "reordered":
        return f"- reordered {where} (order matters here): `{', '.join(c.before)}` → `{', '.join(c.after)}`\n"
    if c.op in ("added", "removed"):
        value = _value_of(c)
        if c.path and not _is_block(value):
            return f"- {c.op} {where}: {_code(_inline(value))}\n"
        body = to_review_yaml(value)
        lines = body.count("\n") + 1
        return f"- {c.op} {where}\n" + _md_block(
            "yaml", body, f"{c.op} {c.path or 'resource'} ({plural(lines, 'line')})"
        )
    if _is_long(c.before) or _is_long(c.after) or _is_block(c.before) or _is_block(c.after):
        before = c.before if isinstance(c.before, str) else to_review_yaml(c.before)
        after = c.after if isinstance(c.after, str) else to_review_yaml(c.after)
        body = "\n".join(line_diff(before or "", after or ""))
        return f"- changed {where}\n" + _md_block("diff", body, "diff", fold=True)
    return f"- changed {where}: {_code(_inline(c.before))} → {_code(_inline(c.after))}\n"


def as_json(result: DiffResult, stream: IO[str]) -> None:
    payload = {
        "changes": [c.as_json() for c in result.changes],
        "skipped": [{"file": f, "reason": why} for f, why in result.skipped],
        "summary": summary(result),
    }
    json.dump(payload, stream, indent=2, default=str)
    stream.write("\n")
