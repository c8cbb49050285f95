"""The files dedupe works on: read through the loader (size limit, encodings, the same errors as every
command), remembered with their encoding so that a rewrite is saved the way the file was."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wfctl import writer
from wfctl.loader import discovery
from wfctl.loader.yaml import BOMS as _BOMS  # BOM -> codec, longest first
from wfctl.loader.yaml import decode


@dataclass
class Input:
    """One file: its text, or why it has none; for `--write`, what was read (to detect later edits)."""

    display: str
    path: Path | None
    text: str = ""
    error: str | None = None
    bom: bytes = b""
    encoding: str = "utf-8"
    snapshot: writer.Snapshot | None = None

    def encode(self, text: str) -> bytes:
        """`text` in this file's encoding, with its BOM."""
        return self.bom + text.encode(self.encoding)


def _text(item: Input, raw: bytes) -> Input:
    text, problem = decode(raw)
    if problem is not None or text is None:
        assert problem is not None
        where = f"line {problem.line}, column {problem.column}: " if problem.line > 1 or problem.column > 1 else ""
        item.error = f"cannot read: {where}{problem.message} ({problem.rule})"
        return item
    item.text = text
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            item.bom, item.encoding = bom, encoding
            break
    if item.encode(text) != raw:  # never write back something that would not round-trip
        item.error = "cannot read: the file's encoding does not round-trip; not rewritten"
    return item


def read_input(source: discovery.Source, max_bytes: int, *, for_write: bool) -> Input:
    """Read one source. With `for_write`, only a regular file is accepted and a snapshot is taken."""
    item = Input(source.display, source.path)
    if for_write:
        if source.path is None:
            item.error = "standard input cannot be rewritten; pass a file"
            return item
        try:
            raw, item.snapshot = writer.read_snapshot(source.path, max_bytes)
        except writer.WriteError as exc:
            item.error = exc.message
            return item
        return _text(item, raw)
    result = discovery.read(source, max_bytes)
    if result.error is not None:
        item.error = result.error.removeprefix(f"{source.display}: ")
    elif result.too_large is not None or result.raw is None:
        item.error = f"file is {result.size_text}, over the {max_bytes:,}-byte limit (--max-file-size); not read"
    else:
        _text(item, result.raw)
    return item
