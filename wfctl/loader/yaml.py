"""Bytes to YAML documents: node trees with positions (ruamel's C composer) and plain data.

Scalars follow YAML 1.1, as Kubernetes and Argo read them (`yes` is a boolean, `0755` is octal);
timestamps stay strings. The data is built here, not by ruamel's constructor, so that duplicate
keys become findings (not "last wins"), merge keys work, and alias expansion is bounded
(a "billion laughs" document stops with a finding instead of eating the machine).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.cyaml import CParser
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tag import Tag

# Nodes that aliases may add on top of the document's own nodes before the document is refused.
MAX_ALIAS_EXPANSION = 1_000_000

_T = "tag:yaml.org,2002:"
_NULL, _BOOL, _INT, _FLOAT, _MERGE = _T + "null", _T + "bool", _T + "int", _T + "float", _T + "merge"
# One Tag object per implicit tag: nodes share them, so the builder compares identities, not strings.
TAG_STR, TAG_NULL, TAG_BOOL, TAG_INT, TAG_FLOAT, TAG_MERGE, TAG_SEQ, TAG_MAP = (
    Tag(suffix=_T + t) for t in ("str", "null", "bool", "int", "float", "merge", "seq", "map")
)
# YAML 1.1 implicit scalars, as go-yaml (and so Kubernetes and Argo) resolve them.
_BOOL_RE = re.compile(r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_INT_RE = re.compile(r"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|[1-9][0-9_]*(?::[0-5]?[0-9])+)$")
_FLOAT_RE = re.compile(
    r"(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
    r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NULL_RE = re.compile(r"(?:~|null|Null|NULL)$")
_TRUE = frozenset({"yes", "true", "on", "y"})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class Problem:
    """Something wrong with the YAML itself, at a 1-based line and column."""

    rule: str
    message: str
    line: int = 1
    column: int = 1


@dataclass(slots=True)
class YamlDocument:
    """One YAML document: its root node (for positions) and the plain data built from it."""

    index: int
    node: Node | None
    data: Any
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class YamlFile:
    """All documents of a file, and the problem that stopped reading it, if any."""

    documents: list[YamlDocument] = field(default_factory=list)
    problem: Problem | None = None
    text: str = ""


class _Composer(CParser):  # type: ignore[misc]
    """The C parser and composer, with a YAML 1.1 resolver that hands out shared Tag objects."""

    def descend_resolver(self, *_: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> Tag:
        if kind is ScalarNode:
            if not implicit[0]:
                return TAG_STR
            if not value:
                return TAG_NULL
            first = value[0]
            if first in "-+.0123456789":
                if _INT_RE.match(value):
                    return TAG_INT
                if _FLOAT_RE.match(value):
                    return TAG_FLOAT
            elif first in "yYnNtTfFoO" and _BOOL_RE.match(value):
                return TAG_BOOL
            if first in "~nN" and _NULL_RE.match(value):
                return TAG_NULL
            if value == "<<":
                return TAG_MERGE
            return TAG_STR
        return TAG_SEQ if kind is SequenceNode else TAG_MAP


def decode(raw: bytes) -> tuple[str | None, Problem | None]:
    """Bytes to text: UTF-8 (or a BOM-marked UTF-16/32), refusing binary content."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding), None
            except UnicodeDecodeError as exc:
                return None, Problem("WF012", f"file is not valid {encoding.upper()}: {exc.reason}")
    if b"\x00" in raw:
        return None, Problem("WF013", "binary file (contains NUL bytes): not a YAML or JSON manifest")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        return None, Problem(
            "WF012", f"file is not valid UTF-8 (byte 0x{byte:02x}); YAML manifests must be UTF-8", line, col
        )


def _syntax_problem(exc: YAMLError, text_in: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    lines = text_in.splitlines()
    if line > len(lines) and lines:  # errors at the end of input point at the last line
        line = len(lines)
        col = len(lines[-1]) + 1
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
    if isinstance(exc, MarkedYAMLError):
        text = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
    else:
        text = str(exc).splitlines()[0]
    text = re.sub(r"\s+", " ", text).strip()
    if "\t" in indent or "\\t" in text:
        return Problem("WF010", f"tab character in indentation: YAML allows only spaces ({text})", line, col)
    return Problem("WF010", f"YAML syntax error: {text}", line, col)


def parse(text: str, *, max_alias_expansion: int = MAX_ALIAS_EXPANSION) -> YamlFile:
    """Compose every document of `text` and build its data; stop at the first syntax error."""
    result = YamlFile(text=text)
    composer = _Composer(text)
    index = 0
    try:
        while composer.check_node():
            node = composer.get_node()
            result.documents.append(_build_document(index, node, max_alias_expansion))
            index += 1
    except YAMLError as exc:
        result.problem = _syntax_problem(exc, text)
    except RecursionError:
        result.problem = Problem("WF010", "YAML nesting too deep to read")
    finally:
        composer.dispose()
    return result


class _AliasBomb(Exception):
    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.node = node


def _build_document(index: int, node: Node | None, limit: int) -> YamlDocument:
    builder = _Builder(limit)
    doc = YamlDocument(index, node, None)
    if node is None:
        return doc
    try:
        doc.data = builder.build(node)
    except _AliasBomb as exc:
        mark = exc.node.start_mark
        doc.data = None
        doc.problems.append(Problem("WF015", str(exc), mark.line + 1, mark.column + 1))
        return doc
    except RecursionError:
        doc.problems.append(Problem("WF010", "YAML nesting too deep to read"))
        doc.data = None
        return doc
    doc.problems.extend(builder.problems)
    return doc


def _int11(value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    if text[:1] in "+-":
        text = text[1:]
    if text.startswith(("0b", "0B")):
        return sign * int(text[2:], 2)
    if text.startswith(("0x", "0X")):
        return sign * int(text[2:], 16)
    if text.startswith(("0o", "0O")):
        return sign * int(text[2:], 8)
    if ":" in text:
        total = 0
        for part in text.split(":"):
            total = total * 60 + int(part)
        return sign * total
    if len(text) > 1 and text.startswith("0"):
        return sign * int(text, 8)
    return sign * int(text)


def _float11(value: str) -> float:
    text = value.replace("_", "").lower()
    if text in (".inf", "+.inf"):
        return float("inf")
    if text == "-.inf":
        return float("-inf")
    if text == ".nan":
        return float("nan")
    if ":" in text:
        sign = -1.0 if text.startswith("-") else 1.0
        total = 0.0
        for part in text.lstrip("+-").split(":"):
            total = total * 60 + float(part)
        return sign * total
    return float(text)


class _Builder:
    """Builds plain data from one document's nodes; aliases share objects, expansion is counted."""

    __slots__ = ("building", "expanded", "limit", "memo", "problems", "sizes")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.expanded = 0
        self.memo: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.building: set[int] = set()
        self.problems: list[Problem] = []

    def build(self, node: Node) -> Any:
        return self._node(node)[0]

    def _node(self, node: Node) -> tuple[Any, int]:
        key = id(node)
        if key in self.memo:
            size = self.sizes[key]
            self.expanded += size
            if self.expanded > self.limit:
                raise _AliasBomb(
                    node,
                    f"YAML aliases expand to more than {self.limit:,} nodes (a 'billion laughs' document?);"
                    " refusing to read it",
                )
            return self.memo[key], size
        if key in self.building:
            raise _AliasBomb(node, "recursive YAML alias (an anchor that contains itself)")
        if isinstance(node, ScalarNode):
            value, size = self._scalar(node), 1
        elif isinstance(node, SequenceNode):
            self.building.add(key)
            value, size = [], 1
            for child in node.value:
                item, n = self._node(child)
                value.append(item)
                size += n
            self.building.discard(key)
        else:
            assert isinstance(node, MappingNode)
            self.building.add(key)
            value, size = self._mapping(node)
            self.building.discard(key)
        self.memo[key] = value
        self.sizes[key] = size
        return value, size

    @staticmethod
    def _scalar(node: ScalarNode) -> Any:
        ctag, value = node.ctag, node.value
        if ctag is TAG_STR:
            return value
        if ctag is TAG_INT:
            try:
                return _int11(value)
            except ValueError:
                return value
        tag = ctag if ctag in (TAG_NULL, TAG_BOOL, TAG_FLOAT) else str(ctag)  # explicit tags: compare text
        if tag is TAG_NULL:
            return None
        if tag is TAG_BOOL:
            return value.lower() in _TRUE
        if tag is TAG_FLOAT:
            try:
                return _float11(value)
            except ValueError:
                return value
        if not isinstance(tag, str) or not tag.startswith(_T) or tag.endswith(("str", "timestamp", "binary")):
            return value
        try:
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return value.lower() in _TRUE
            if tag == _INT:
                return _int11(value)
            if tag == _FLOAT:
                return _float11(value)
        except ValueError:
            return value  # an explicit tag on a value that does not fit it: keep the text
        return value

    def _mapping(self, node: MappingNode) -> tuple[dict[Any, Any], int]:
        result: dict[Any, Any] = {}
        size = 1
        merged: list[dict[Any, Any]] = []
        seen: dict[Any, Node] = {}
        for key_node, value_node in node.value:
            if key_node.ctag is TAG_MERGE or (key_node.ctag is not TAG_STR and key_node.tag == _MERGE):
                value, n = self._node(value_node)
                size += n
                sources = value if isinstance(value, list) else [value]
                merged.extend(s for s in sources if isinstance(s, dict))
                continue
            # Keys are taken as written (`on:`, `y:` stay strings, not YAML 1.1 booleans).
            key = key_node.value if isinstance(key_node, ScalarNode) else str(self._node(key_node)[0])
            value, n = self._node(value_node)
            size += n
            if key in seen:
                first = seen[key].start_mark
                mark = key_node.start_mark
                self.problems.append(
                    Problem(
                        "WF011",
                        f"duplicate key {key!r} (first at line {first.line + 1}); Kubernetes keeps only one"
                        " value and Argo's strict decoder rejects the document",
                        mark.line + 1,
                        mark.column + 1,
                    )
                )
            seen[key] = key_node
            result[key] = value
        for source in merged:
            for k, v in source.items():
                result.setdefault(k, v)
        return result, size
