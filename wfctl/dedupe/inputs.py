"""The files dedupe and fix work on: read through the loader (size limit, encodings, the same problems
as every command, shown by wfctl.loader.report), remembered with their encoding so that a rewrite is
saved the way the file was."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wfctl import writer
from wfctl.loader import discovery
from wfctl.loader.report import problem_text, unreadable
from wfctl.loader.yaml import BOMS as _BOMS  # BOM -> codec, longest first
from wfctl.loader.yaml import Problem, decode, parse

_TOO_LARGE = "-byte limit (--max-file-size); not read"


@dataclass
class Input:
    """One file: its text, or why it has none; for `--write`, what was read (to detect later edits)."""

    display: str
    path: Path | None
    text: str = ""
    error: str | None = None
    problem: Problem | None = None  # the loader problem behind `error`, when there is one
    more: list[Problem] = field(default_factory=list)  # the file's other such problems, in file order
    bom: bytes = b""
    encoding: str = "utf-8"
    snapshot: writer.Snapshot | None = None

    def encode(self, text: str) -> bytes:
        """`text` in this file's encoding, with its BOM."""
        return self.bom + text.encode(self.encoding)


def _refuse(item: Input, problem: Problem) -> Input:
    item.problem, item.error = problem, problem_text(problem)
    return item


def parse_problems(text: str) -> list[Problem]:
    """The problems that leave the text's YAML unknown (syntax, duplicate key, alias bomb...), in file order:
    all of them, as `wfctl validate` lists them."""
    parsed = parse(text)
    return unreadable([*(p for d in parsed.documents for p in d.problems), *filter(None, [parsed.problem])])


def _text(item: Input, raw: bytes) -> Input:
    text, problem = decode(raw)
    if problem is not None or text is None:
        assert problem is not None
        return _refuse(item, problem)
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
            if exc.message.endswith(_TOO_LARGE):  # the loader's size limit: WF014, as every command says it
                return _refuse(item, Problem("WF014", exc.message))
            item.error = exc.message
            return item
        return _text(item, raw)
    result = discovery.read(source, max_bytes)
    if result.error is not None:
        item.error = result.error.removeprefix(f"{source.display}: ")
    elif result.too_large is not None or result.raw is None:
        message = f"file is {result.size_text}, over the {max_bytes:,}{_TOO_LARGE}"
        _refuse(item, Problem("WF014", message))
    else:
        _text(item, result.raw)
    return item
