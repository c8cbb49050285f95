"""Parsers for Argo's small languages: `depends` logic, `{{...}}` tags, and a syntax check for
expr-lang expressions (`{{= ... }}`, `when: "{{= ...}}"`). Each returns an error message or names;
none evaluates anything."""

from __future__ import annotations

import functools
import re

from wfctl.records import dataclass

TASK_RESULTS = ("Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned", "AnySucceeded", "AllFailed")


class ParseError(ValueError):
    pass


# ---------------------------------------------------------------- depends: `A && (B.Failed || !C)`

_DEP_TOKEN = re.compile(r"\s*(?:(&&|\|\|)|(!)|(\()|(\))|([A-Za-z0-9_][-A-Za-z0-9_]*)(?:\.([A-Za-z]+))?)")


@dataclass(frozen=True)
class DependsRef:
    task: str
    result: str | None
    column: int  # 0-based offset in the expression


def parse_depends(text: str) -> list[DependsRef]:
    """Task references in a `depends` expression; raises ParseError on bad syntax. Kept for recent
    expressions: several rules read each task's `depends` (references are immutable; each caller gets
    its own list)."""
    return list(_parse_depends(text))


@functools.lru_cache(maxsize=4096)
def _parse_depends(text: str) -> tuple[DependsRef, ...]:
    tokens: list[tuple[str, object, int]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _DEP_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ParseError(f"unexpected {text[pos:].strip()[:10]!r} at column {pos + 1}")
        start = m.start(0) + (len(m.group(0)) - len(m.group(0).lstrip()))
        if m.group(1):
            tokens.append(("op", m.group(1), start))
        elif m.group(2):
            tokens.append(("not", "!", start))
        elif m.group(3):
            tokens.append(("(", "(", start))
        elif m.group(4):
            tokens.append((")", ")", start))
        else:
            tokens.append(("name", DependsRef(m.group(5), m.group(6), start), start))
        pos = m.end()
    if not tokens:
        raise ParseError("empty expression")
    parser = _DependsParser(tokens)
    parser.expression()
    if parser.i < len(tokens):
        _, value, col = tokens[parser.i]
        shown = value.task if isinstance(value, DependsRef) else value
        raise ParseError(f"unexpected {shown!s} at column {col + 1}")
    return tuple(parser.refs)


MAX_DEPENDS_NESTING = 100  # `!` and `(` levels: far beyond any real expression, far below Python's stack


class _DependsParser:
    """Recursive descent over the tokens of one `depends` expression (methods, not nested functions:
    closures that call each other would leave a reference cycle behind every parse). Frames per
    nesting level are few, and nesting is limited (MAX_DEPENDS_NESTING): a deeper expression is a parse
    error at a fixed depth, never a RecursionError whose depth would vary with the caller's stack."""

    __slots__ = ("depth", "i", "refs", "tokens")

    def __init__(self, tokens: list[tuple[str, object, int]]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.refs: list[DependsRef] = []

    def expression(self) -> None:
        tokens = self.tokens
        self.operand()
        while self.i < len(tokens) and tokens[self.i][0] == "op":
            self.i += 1
            self.operand()

    def operand(self) -> None:
        tokens = self.tokens
        if self.i >= len(tokens):
            raise ParseError("expression ends where a task name was expected")
        kind, value, col = tokens[self.i]
        if kind in ("not", "("):
            self.depth += 1
            if self.depth > MAX_DEPENDS_NESTING:
                raise ParseError(f"nested more than {MAX_DEPENDS_NESTING} levels deep at column {col + 1}")
        if kind == "not":
            self.i += 1
            self.operand()
            self.depth -= 1
        elif kind == "(":
            self.i += 1
            self.expression()
            if self.i >= len(tokens) or tokens[self.i][0] != ")":
                raise ParseError(f"unbalanced '(' at column {col + 1}")
            self.i += 1
            self.depth -= 1
        elif kind == "name":
            self.refs.append(value)  # type: ignore[arg-type]
            self.i += 1
        else:
            raise ParseError(f"unexpected {value!s} at column {col + 1}, expected a task name")


# ---------------------------------------------------------------- {{...}} tags


@dataclass(frozen=True)
class Tag:
    text: str  # inside the braces, stripped (without the leading '=' for expressions)
    expression: bool


_BRACES = re.compile(r"\{\{|\}\}")


def _spans(value: str) -> list[tuple[int, int, int]]:
    """(start, end, depth) of every `{{...}}`, outermost first; nested tags (`{{a-{{b}}}}`) included.

    An unclosed `{{` is literal text, as in Argo's template engine."""
    out: list[tuple[int, int, int]] = []
    stack: list[int] = []
    closed: list[tuple[int, int]] = []
    for m in _BRACES.finditer(value):
        if m.group() == "{{":
            stack.append(m.start())
        elif stack:
            closed.append((stack.pop(), m.end()))
    for start, end in closed:  # depth: how many closed tags contain this one (unclosed `{{` do not count)
        depth = sum(1 for s, e in closed if s < start and end <= e)
        out.append((start, end, depth))
    out.sort(key=lambda s: (s[2], s[0]))
    return out


def tags(value: str) -> list[Tag]:
    """Every `{{...}}` tag of a string: the outer ones and, for `{{steps.run-{{inputs.parameters.x}}.status}}`,
    the inner ones too (each is resolved on its own). Several rules ask about the same strings: the
    answer is kept for recent strings (tags are immutable; each caller gets its own list)."""
    return list(_tags(value))


@functools.lru_cache(maxsize=4096)
def _tags(value: str) -> tuple[Tag, ...]:
    out = []
    for start, end, _ in _spans(value):
        inner = value[start + 2 : end - 2]
        if inner.lstrip().startswith("="):
            out.append(Tag(inner.lstrip()[1:].strip(), True))
        else:
            out.append(Tag(inner.strip(), False))
    return tuple(out)


def blank_tags(value: str, replacement: str = "x") -> str:
    """`value` with every outermost `{{...}}` tag (nested ones included) replaced by `replacement`."""
    if "{{" not in value:
        return value  # no tag (most names and conditions)
    outer = [(s, e) for s, e, depth in _spans(value) if depth == 0]
    pieces, last = [], 0
    for start, end in sorted(outer):
        pieces.append(value[last:start])
        pieces.append(replacement)
        last = end
    pieces.append(value[last:])
    return "".join(pieces)


def split_reference(name: str) -> list[str]:
    """`steps.run-{{inputs.parameters.d}}.status` → ['steps', 'run-{{inputs.parameters.d}}', 'status']:
    dots inside nested tags do not split."""
    parts, depth, current, i = [], 0, [], 0
    while i < len(name):
        pair = name[i : i + 2]
        if pair == "{{":
            depth += 1
            current.append(pair)
            i += 2
            continue
        if pair == "}}" and depth:
            depth -= 1
            current.append(pair)
            i += 2
            continue
        if name[i] == "." and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(name[i])
        i += 1
    parts.append("".join(current))
    return parts


# ---------------------------------------------------------------- expr-lang syntax check

_EXPR_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?)
    | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
    | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*|\#[A-Za-z0-9_]*)
    | (?P<op>\?\?|\?\.|\.\.|=~|!~|==|!=|<=|>=|&&|\|\||\*\*|[-+*/%<>!?:.,|\[\](){}^;=])
    )""",
    re.VERBOSE,
)
_WORD_OPS = {"and", "or", "not", "in", "matches", "contains", "startsWith", "endsWith"}
_BINARY = {
    "=~",
    "!~",
    "==",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "&&",
    "||",
    "and",
    "or",
    "in",
    "matches",
    "contains",
    "startsWith",
    "endsWith",
    "+",
    "-",
    "*",
    "/",
    "%",
    "**",
    "^",
    "??",
    "..",
    "|",
}


def check_expression(text: str) -> str | None:
    """None when `text` is a syntactically plausible expr-lang expression, else why not."""
    if not text.strip():
        return "empty expression"
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _EXPR_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            rest = text[pos:].lstrip()
            if rest[:1] in "\"'`":
                return f"unterminated string starting {rest[:12]!r}"
            return f"unexpected character {rest[:1]!r}"
        kind = m.lastgroup or "op"
        value = m.group(kind)
        if kind == "name" and value in _WORD_OPS:
            kind = "op"
        tokens.append((kind, value))
        pos = m.end()
    stack: list[str] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    expect_operand = True
    for kind, value in tokens:
        if kind in ("num", "str", "name"):
            if not expect_operand:
                return f"missing operator before {value!r}"
            expect_operand = False
        elif value in "([{":
            if (value == "(" and not expect_operand) or (value == "[" and not expect_operand):  # a call
                pass
            elif not expect_operand:
                return f"unexpected {value!r}"
            stack.append(value)
            expect_operand = True
        elif value in ")]}":
            if not stack or stack[-1] != pairs[value]:
                return f"unbalanced {value!r}"
            stack.pop()
            expect_operand = False
        elif value in (".", "?."):
            if expect_operand:
                return f"unexpected {value!r}"
            expect_operand = True
        elif value == ",":
            if not stack:
                return "',' outside a call, list or map"
            expect_operand = True
        elif value in ("!", "not") or (value in ("-", "+") and expect_operand) or value in (":", "?", ";", "="):
            expect_operand = True
        elif value in _BINARY:
            if expect_operand and value not in ("|",):
                return f"operator {value!r} without a left operand"
            expect_operand = True
        else:
            return f"unexpected {value!r}"
    if stack:
        return f"unbalanced {stack[-1]!r}"
    if expect_operand and tokens and tokens[-1][1] not in (")", "]", "}"):
        return f"expression ends with {tokens[-1][1]!r}"
    return None
