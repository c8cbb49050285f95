"""Kubernetes label selectors, parsed and matched locally (no cluster needed).

`apply` parses `-l` before its first request: a malformed selector is a usage error, and `--prune`
accepts only selectors whose every term requires its label to be present (`a=b`, `a==b`,
`a in (x,y)`, `a`), so that prune can never reach an object without the labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = r"[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
_PREFIX = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*"
KEY = re.compile(rf"^(?:{_PREFIX}/)?{_NAME}$")
VALUE = re.compile(rf"^(?:{_NAME})?$")
_SPACE = " \t\r\n"  # the API server's whitespace: a no-break space is part of a word, as there
_TOKEN = re.compile(r"[ \t\r\n]*(\(|\)|,|==|!=|=|!|[^ \t\r\n(),=!]+)")
POSITIVE = ("=", "==", "in", "exists")


class SelectorError(ValueError):
    """A selector that is not valid label-selector syntax."""


@dataclass(frozen=True)
class Term:
    key: str
    op: str  # =, ==, !=, in, notin, exists, !
    values: tuple[str, ...] = ()

    @property
    def requires_label(self) -> bool:
        return self.op in POSITIVE

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.op in ("=", "==", "in"):
            return present and value in self.values
        if self.op == "exists":
            return present
        if self.op == "!":
            return not present
        return not present or value not in self.values  # != and notin

    def __str__(self) -> str:
        if self.op == "exists":
            return self.key
        if self.op == "!":
            return f"!{self.key}"
        if self.op in ("in", "notin"):
            return f"{self.key} {self.op} ({','.join(self.values)})"
        return f"{self.key}{self.op}{self.values[0]}"


@dataclass(frozen=True)
class Selector:
    terms: tuple[Term, ...]

    def matches(self, labels: dict[str, str] | None) -> bool:
        return all(t.matches(labels or {}) for t in self.terms)

    def negative_terms(self) -> list[Term]:
        return [t for t in self.terms if not t.requires_label]

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.rstrip(_SPACE)
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:  # pragma: no cover - the pattern matches any non-space character
            raise SelectorError(f"unexpected character at position {pos + 1}")
        out.append(m.group(1))
        pos = m.end()
    return out


def _key(token: str | None) -> str:
    if token is None or token in ("(", ")", ",", "=", "==", "!=", "!", "in", "notin"):
        raise SelectorError(f"expected a label key, found {token or 'the end'!r}")
    if not KEY.match(token) or len(token.rpartition("/")[0]) > 253:
        raise SelectorError(f"{token!r} is not a valid label key")
    return token


def _value(token: str | None) -> str:
    if token is None or token in ("(", ")", ",", "=", "==", "!=", "!"):
        return ""  # `a=` selects an empty value
    if not VALUE.match(token):
        raise SelectorError(f"{token!r} is not a valid label value")
    return token


def parse(text: str) -> Selector:
    """Parse a selector in kubectl's syntax; raise SelectorError naming the problem."""
    tokens = _tokens(text)
    if not tokens:
        raise SelectorError("the selector is empty")
    terms: list[Term] = []
    i = 0

    def peek() -> str | None:
        return tokens[i] if i < len(tokens) else None

    while True:
        if peek() == "!":
            i += 1
            key = _key(peek())
            i += 1
            terms.append(Term(key, "!"))
        else:
            key = _key(peek())
            i += 1
            op = peek()
            if op in ("=", "==", "!="):
                i += 1
                value = _value(peek())
                if value:
                    i += 1
                terms.append(Term(key, op, (value,)))
            elif op in ("in", "notin"):
                i += 1
                if peek() != "(":
                    raise SelectorError(f"expected '(' after {key} {op}")
                i += 1
                values: list[str] = []
                while True:
                    value = _value(peek())
                    if value:
                        i += 1
                    values.append(value)
                    if peek() == ",":
                        i += 1
                        continue
                    if peek() == ")":
                        i += 1
                        break
                    found = peek() or "the end"
                    raise SelectorError(f"expected ',' or ')' in the values of {key} {op}, found {found!r}")
                terms.append(Term(key, op, tuple(values)))
            elif op is None or op == ",":
                terms.append(Term(key, "exists"))
            else:
                raise SelectorError(f"expected an operator (=, ==, !=, in, notin) or ',' after {key!r}, found {op!r}")
        if peek() is None:
            break
        if peek() != ",":
            raise SelectorError(f"expected ',' between terms, found {peek()!r}")
        i += 1
    return Selector(tuple(terms))


def prune_selector(text: str) -> Selector:
    """The selector for `--prune`: valid, and every term requires its label to be present."""
    selector = parse(text)
    negative = selector.negative_terms()
    if negative:
        shown = ", ".join(repr(str(t)) for t in negative)
        raise SelectorError(
            f"{shown} also matches objects that do not carry the label; --prune only accepts selectors whose"
            " every term requires a label (key=value, key==value, key in (a,b), key), so that it never deletes"
            " an object without the labels"
        )
    return selector
