""".gitignore patterns, as git reads them: comments, negation (`!`), directory-only (`dir/`), anchoring
(a `/` at the start or in the middle), `*`, `?`, `[...]` and `**`; the last matching line wins, and a
deeper `.gitignore` wins over the ones above it."""

from __future__ import annotations

import re

from wfctl.records import dataclass


@dataclass(frozen=True, slots=True)
class Pattern:
    """One line of a `.gitignore`, compiled to a regular expression over paths relative to its directory."""

    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    source: str


def _strip_trailing_spaces(line: str) -> str:
    end = len(line)
    while end > 0 and line[end - 1] == " " and not (end > 1 and line[end - 2] == "\\"):
        end -= 1
    return line[:end]


def _translate(glob: str) -> str:
    """A glob segment list (already split of its `**` parts) to a regex; `*` and `?` never cross `/`."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
            continue
        if c == "*":
            while i + 1 < n and glob[i + 1] == "*":  # a `**` not between slashes is a plain `*`
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i + 1
            if j < n and glob[j] in "!^":
                j += 1
            if j < n and glob[j] == "]":
                j += 1
            while j < n and glob[j] != "]":
                j += 1
            if j >= n:  # no closing bracket: a literal `[`
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : j]
                negate = body[:1] in ("!", "^")
                body = (body[1:] if negate else body).replace("[", "\\[")
                out.append(f"[^/{body}]" if negate else f"[{body}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def compile_line(line: str) -> Pattern | None:
    """One `.gitignore` line, or None for blank lines and comments."""
    text = line.rstrip("\r\n")
    if not text or text.startswith("#"):
        return None
    text = _strip_trailing_spaces(text)
    negated = text.startswith("!")
    if negated or text.startswith("\\#") or text.startswith("\\!"):
        text = text[1:]
    dir_only = text.endswith("/") and not text.endswith("\\/")
    text = text.rstrip("/") if dir_only else text
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/")
    parts = text.split("/")
    regex = ""
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        if part == "**":
            regex += ".*" if last else "(?:.*/)?"
            continue
        regex += _translate(part)
        if not last:
            regex += "/"
    if regex.endswith("/.*"):  # `dir/**`: everything inside, not the directory itself
        regex = regex[:-3] + "/.+"
    prefix = "" if anchored else "(?:.*/)?"
    return Pattern(re.compile(f"{prefix}{regex}", re.DOTALL), negated, dir_only, line.rstrip("\r\n"))


def parse(text: str) -> list[Pattern]:
    """Every pattern of a `.gitignore` file, in order."""
    return [p for p in (compile_line(line) for line in text.splitlines()) if p is not None]


def verdict(patterns: list[Pattern], rel: str, is_dir: bool) -> bool | None:
    """True: ignored, False: re-included by a `!` line, None: no line matches `rel` (a POSIX path)."""
    for pattern in reversed(patterns):
        if pattern.dir_only and not is_dir:
            continue
        if pattern.regex.fullmatch(rel):
            return not pattern.negated
    return None


@dataclass(slots=True)
class IgnoreFile:
    """The patterns of one `.gitignore` and the directory (absolute, POSIX) they are relative to."""

    base: str
    patterns: list[Pattern]

    def verdict(self, abs_path: str, is_dir: bool) -> bool | None:
        prefix = self.base.rstrip("/") + "/"
        if not abs_path.startswith(prefix):
            return None
        return verdict(self.patterns, abs_path[len(prefix) :], is_dir)


def ignored(stack: tuple[IgnoreFile, ...], abs_path: str, is_dir: bool) -> bool:
    """Whether the deepest `.gitignore` with an opinion on `abs_path` ignores it."""
    for ignore_file in reversed(stack):
        decision = ignore_file.verdict(abs_path, is_dir)
        if decision is not None:
            return decision
    return False
