"""Text helpers that several layers share: "did you mean" suggestions for names a user mistyped, and
the unified diff that previews a rewritten file (`fix`, `dedupe`).

Kept here, not in one rule or command, so that rules, the schema check, the config loader and the
commands import the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate `word` most likely meant: an exact match ignoring case, else the closest spelling
    (difflib ratio 0.6 or better); None when nothing is close."""
    import difflib  # noqa: PLC0415 - only when a name is mistyped: keeps difflib out of start-up

    candidates = list(candidates)
    lowered = {c.lower(): c for c in candidates}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def diff_lines(text: str) -> list[str]:
    """Lines for a preview diff: LF and CRLF endings as they are, any other line break shown as LF."""
    return [
        line if line.endswith(("\n", "\r\n")) else line.rstrip("\r\x85\u2028\u2029") + "\n"
        for line in text.splitlines(True)
    ]


def file_diff(before: str | None, after: str, name: str) -> Iterator[str]:
    """The unified diff of one file's rewrite, with git's `a/` and `b/` prefixes on `name`; `before`
    None: a new file (from /dev/null)."""
    import difflib  # noqa: PLC0415

    name = name.lstrip("/")
    old, old_name = ([], "/dev/null") if before is None else (diff_lines(before), f"a/{name}")
    return difflib.unified_diff(old, diff_lines(after), old_name, f"b/{name}")
