"""Bytes to YAML documents: node trees with positions and plain data, read as Kubernetes reads them.

Kubernetes, kubectl and Argo read YAML with go-yaml v2 (through sigs.k8s.io/yaml), a port of libyaml.
Events come from libyaml itself (PyYAML's C parser; PyYAML's pure-Python parser when the C extension is
missing), so the documents accepted are libyaml's: `[https://x]` and `{image: alpine:3.20}` are valid.
A small composer here turns events into node objects (wfctl.loader.nodes) (every node keeps its line and column)
without recursion, so nesting is bounded (`MAX_DEPTH`) instead of crashing the interpreter.

The data built from the nodes follows go-yaml v2 and sigs.k8s.io/yaml: YAML 1.1 scalars (`yes` is true,
`0755` is 493, no base-60 numbers, timestamps stay strings), explicit tags (`!!str 0755` is "0755",
`!!int abc` is an error), keys converted to strings as Kubernetes converts them (`on:` is "true"),
merge keys processed in order, `!!binary` decoded. Duplicate keys become findings, and alias
expansion is bounded per document (a "billion laughs" document stops with a finding).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime
import math
import re
import struct
from typing import Any

from yaml import events as _ev
from yaml.error import MarkedYAMLError, YAMLError

from wfctl.loader.nodes import MappingNode, Node, ScalarNode, SequenceNode, Tag
from wfctl.records import dataclass, field

try:  # libyaml, as go-yaml's scanner (a port of it) reads YAML
    from yaml.cyaml import CParser as _EventSource
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.loader import SafeLoader as _EventSource  # type: ignore[assignment]

# Nodes that aliases may add to a document on top of its own nodes before the document is refused.
# go-yaml refuses documents made mostly of aliases past ~400,000 nodes; real manifests stay far below.
MAX_ALIAS_EXPANSION = 100_000
# Collections nested deeper than this (aliases included) are refused: real manifests are < 30 deep,
# and every later stage (schema, rules, diff) may then walk the data recursively without risk.
MAX_DEPTH = 200

_T = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _MERGE = (_T + t for t in ("str", "null", "bool", "int", "float", "merge"))
_BINARY, _TIMESTAMP = _T + "binary", _T + "timestamp"
# One Tag object per implicit tag: nodes share them, so the builder compares identities, not strings.
TAG_STR, TAG_NULL, TAG_BOOL, TAG_INT, TAG_FLOAT, TAG_MERGE, TAG_SEQ, TAG_MAP = (
    Tag(_T + t) for t in ("str", "null", "bool", "int", "float", "merge", "seq", "map")
)
# go-yaml v2's table of words (resolve.go): YAML 1.1 booleans, nulls, special floats, the merge key.
_WORDS: dict[str, tuple[Tag, Any]] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), (TAG_BOOL, True)),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), (TAG_BOOL, False)),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), (TAG_NULL, None)),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), (TAG_FLOAT, math.nan)),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), (TAG_FLOAT, math.inf)),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), (TAG_FLOAT, -math.inf)),
    "<<": (TAG_MERGE, "<<"),
}
# Integers as Go's strconv.ParseInt(s, 0, 64) reads them once `_` is removed; `0755` is octal.
_GO_INT = re.compile(r"[-+]?(?:0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$")
_GO_OCTAL = re.compile(r"[-+]?0[0-7]+$")
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?$")
_TIMESTAMP_RE = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})"
    r"|[ ]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?)?$"
)
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1
_NUMBER_CHARS = frozenset("0123456789+-._eExXoObBabcdefABCDEF")  # every character of any number go-yaml reads
_NUMERIC_START = frozenset("+-.0123456789")  # a plain scalar that may be a number starts with one of these
BOMS = (  # BOM -> codec, longest first (a UTF-32-LE BOM starts like a UTF-16-LE one)
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


class _Refused(Exception):
    """A document go-yaml (or sigs.k8s.io/yaml) would refuse, or one over a limit, at a node."""

    def __init__(self, rule: str, mark: Any, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(rule, message, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)


def decode(raw: bytes) -> tuple[str | None, Problem | None]:
    """Bytes to text: UTF-8 (or a BOM-marked UTF-16/32), refusing binary content."""
    for bom, encoding in BOMS:
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


def _lines(text: str) -> list[str]:
    """Lines as libyaml counts them: CRLF, LF and a lone CR each end one."""
    return re.split(r"\r\n|\r|\n", text)


def _syntax_problem(exc: YAMLError, text_in: str, max_depth: int) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    position = getattr(exc, "position", None)  # a bad character: an offset, not a mark
    if mark is None and isinstance(position, int):
        before = _lines(text_in[:position])
        line, col = len(before), len(before[-1]) + 1
    lines = _lines(text_in)
    if lines and lines[-1] == "":
        lines.pop()
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
    if "maximum nesting depth" in text:  # libyaml's own limit, far past ours: say it the same way
        return _too_deep(mark, max_depth).problem
    if "\t" in indent or "\\t" in text or "tab character" in text:
        return Problem("WF010", f"tab character in indentation: YAML allows only spaces ({text})", line, col)
    return Problem("WF010", f"YAML syntax error: {text}", line, col)


def parse(text: str, *, max_alias_expansion: int = MAX_ALIAS_EXPANSION, max_depth: int = MAX_DEPTH) -> YamlFile:
    """Compose every document of `text` and build its data; stop at the first syntax error."""
    result = YamlFile(text=text)
    source = None
    try:
        source = _EventSource(text)
        for index, item in enumerate(_compose(source, max_depth)):
            if isinstance(item, _Refused):
                result.documents.append(YamlDocument(index, None, None, [item.problem]))
            else:
                root, alias_marks = item
                result.documents.append(_build_document(index, root, alias_marks, max_alias_expansion, max_depth))
    except YAMLError as exc:
        result.problem = _syntax_problem(exc, text, max_depth)
    except _Refused as exc:
        result.problem = exc.problem
    finally:
        if source is not None:
            source.dispose()
    return result


_TAGS: dict[str, Tag] = {}


def _tag(name: str) -> Tag:
    tag = _TAGS.get(name)
    if tag is None:
        tag = _TAGS[name] = Tag(name)
    return tag


def _too_deep(mark: Any, limit: int, via_alias: bool = False) -> _Refused:
    how = " (through aliases)" if via_alias else ""
    return _Refused("WF010", mark, f"YAML nesting deeper than {limit} levels{how}: refusing to read the document")


def _compose(source: Any, max_depth: int) -> Any:
    """Yield each document's root node and where its aliases are (by parent node id and position), composed
    from events without recursion; or why the document is refused."""
    get = source.get_event
    # the hot loop reads these as locals (one pass over every event of every file)
    scalar_event, alias_event = _ev.ScalarEvent, _ev.AliasEvent
    map_start, seq_start, map_end, seq_end = (
        _ev.MappingStartEvent,
        _ev.SequenceStartEvent,
        _ev.MappingEndEvent,
        _ev.SequenceEndEvent,
    )
    doc_end, stream_end = _ev.DocumentEndEvent, _ev.StreamEndEvent
    words, numeric, str_tag = _WORDS, _NUMERIC_START, TAG_STR
    get()  # stream start
    while True:
        event = get()
        if type(event) is stream_end:
            return
        # a document start event: compose until its end event
        anchors: dict[str, Node] = {}
        stack: list[Node] = []
        pending: list[Node | None] = []  # per open mapping: the key waiting for its value
        alias_marks: dict[tuple[int, int], Any] = {}
        root: Node | None = None
        parent: Node | None = None  # the innermost open collection (stack[-1])
        in_seq = False  # whether it is a sequence
        while True:
            event = get()
            cls = type(event)
            if cls is scalar_event:
                tag = event.tag
                value = event.value
                if tag is not None:
                    ctag = _tag(tag)
                elif not event.implicit[0]:
                    ctag = str_tag
                else:  # a plain scalar: the tag go-yaml resolves it to (a YAML 1.1 word, a number, or text)
                    word = words.get(value)
                    if word is not None:
                        ctag = word[0]
                    elif value[0] in numeric:
                        ctag = _resolve_number(value)[0] or str_tag
                    else:
                        ctag = str_tag
                anchor = event.anchor
                node: Node = ScalarNode(ctag, value, event.start_mark, event.end_mark, event.style or None, anchor)
                if anchor is not None:
                    anchors[anchor] = node
                is_map = None  # not a collection: nothing opens
            elif cls is map_start or cls is seq_start:
                if len(stack) >= max_depth:  # refuse this document, skip to its end, go on with the next
                    refused = _too_deep(event.start_mark, max_depth)
                    while type(get()) is not doc_end:
                        pass
                    yield refused
                    break
                is_map = cls is map_start
                ctag = _tag(event.tag) if event.tag is not None else (TAG_MAP if is_map else TAG_SEQ)
                node = (MappingNode if is_map else SequenceNode)(
                    ctag, [], event.start_mark, event.end_mark, bool(event.flow_style), event.anchor
                )
                if event.anchor is not None:
                    anchors[event.anchor] = node  # before its content: `&a [*a]` is seen as recursive
            elif cls is map_end or cls is seq_end:
                done = stack.pop()
                done.end_mark = event.end_mark
                if cls is map_end:
                    pending.pop()
                parent = stack[-1] if stack else None
                in_seq = type(parent) is SequenceNode
                continue
            elif cls is alias_event:
                node = anchors.get(event.anchor)  # type: ignore[assignment]
                if node is None:
                    raise MarkedYAMLError(
                        "while composing a document", None, f"found undefined alias {event.anchor!r}", event.start_mark
                    )
                if parent is not None:  # where this use of the anchor is: aliased nodes are shared, marks are not
                    at = len(parent.value) if in_seq else 2 * len(parent.value) + (pending[-1] is not None)
                    alias_marks[id(parent), at] = event.start_mark  # a key takes an even position, its value the odd
                is_map = None
            elif cls is doc_end:
                yield root, alias_marks
                break
            else:  # no other event occurs inside a document
                continue
            # the node is the next item of the open collection (or the root)
            if parent is None:
                root = node
            elif in_seq:
                parent.value.append(node)
            elif pending[-1] is None:
                pending[-1] = node
            else:
                parent.value.append((pending[-1], node))
                pending[-1] = None
            if is_map is not None:  # a collection opens
                stack.append(node)
                parent = node
                in_seq = not is_map
                if is_map:
                    pending.append(None)


def _build_document(
    index: int, node: Node | None, alias_marks: dict[tuple[int, int], Any], limit: int, max_depth: int
) -> YamlDocument:
    doc = YamlDocument(index, node, None)
    if node is None:
        return doc
    builder = _Builder(limit, max_depth, alias_marks)
    try:
        doc.data = builder.build(node)
    except _Refused as exc:
        doc.data = None
        doc.problems.append(exc.problem)
        return doc
    doc.problems.extend(builder.problems)
    return doc


def _go_int(text: str) -> int | None:
    """Go's ParseInt(s, 0, 64), then ParseUint(s, 0, 64): None when out of both ranges."""
    digits = text.lstrip("+-")
    if digits[:2] in ("0x", "0X", "0o", "0O", "0b", "0B"):
        digits = digits[2:]
    if len(digits.lstrip("0")) > 64:  # past 64 bits in any base; Python's int() refuses > 4300 digits
        return None
    value = int(text, 8) if _GO_OCTAL.match(text) else int(text, 0)
    return value if _INT64_MIN <= value <= _UINT64_MAX else None


def _resolve_number(value: str) -> tuple[Tag | None, Any]:
    """go-yaml's reading of a scalar starting with a sign, a digit or a dot (YAML 1.1 numbers)."""
    if not _NUMBER_CHARS.issuperset(value):  # `128Mi`, `50m`, `3.12-alpine`: not a number, no regex needed
        return None, value
    if value[0] == ".":
        if _DOT_FLOAT.match(value):
            return TAG_FLOAT, float(value)
        return None, value
    plain = value.replace("_", "")
    if _GO_INT.match(plain):
        whole = _go_int(plain)
        if whole is not None:
            return TAG_INT, whole
    if _GO_FLOAT.match(plain):
        number = float(plain)
        if not math.isinf(number):  # Go's ParseFloat fails on overflow: the text stays a string
            return TAG_FLOAT, number
    return None, value


def _is_timestamp(value: str) -> bool:
    match = _TIMESTAMP_RE.match(value)
    if match is None:
        return False
    year, month, day = (int(g) for g in match.group(1, 2, 3))
    clock = [int(g) for g in (match.group(4, 5, 6) if match.group(4) else match.group(7, 8, 9)) if g is not None]
    try:
        datetime.date(year, month, day)
        if clock:
            datetime.time(clock[0], clock[1], clock[2])
    except ValueError:
        return False
    return True


def _short(tag: str) -> str:
    return "!!" + tag[len(_T) :] if tag.startswith(_T) else tag


def _kind_of(value: Any) -> str:
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, int):
        return _INT
    if isinstance(value, float):
        return _FLOAT
    return _STR


def resolve_explicit(tag: str, value: str, mark: Any = None) -> Any:
    """The value of a scalar with an explicit tag, as go-yaml reads it (a mismatch is refused)."""
    if tag == _STR:
        return value
    if tag == _BINARY:
        try:  # Go's base64.StdEncoding ignores line breaks, nothing else
            raw = base64.b64decode(value.replace("\n", "").replace("\r", ""), validate=True)
        except (binascii.Error, ValueError):
            raise _Refused("WF010", mark, "!!binary value contains invalid base64 data") from None
        return raw.decode("utf-8", errors="replace")
    if tag not in (_NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP):
        return value  # tags go-yaml does not resolve (`!foo`, `!`, `!!set`...): the text
    if tag == _TIMESTAMP and _is_timestamp(value):
        return value  # go-yaml keeps timestamps as their text when decoding into plain data
    word = _WORDS.get(value)
    if word is not None:
        resolved = word[1]
    elif value and value[0] in _NUMERIC_START:
        resolved = _resolve_number(value)[1]
    else:
        resolved = value
    kind = _kind_of(resolved)
    if kind == tag:
        return resolved
    if tag == _FLOAT and kind == _INT:
        return float(resolved)
    shown = value if len(value) <= 60 else value[:57] + "..."
    raise _Refused("WF010", mark, f"cannot decode {_short(kind)} `{shown}` as a {_short(tag)}")


def _float_key(number: float) -> str:
    """A float map key as sigs.k8s.io/yaml writes it: Go's FormatFloat(f, 'g', -1, 32)."""
    if math.isnan(number):
        return ".nan"
    if math.isinf(number):
        return ".inf" if number > 0 else "-.inf"
    single = struct.unpack("f", struct.pack("f", number))[0] if abs(number) < 3.5e38 else number
    for precision in range(1, 18):  # the shortest text that reads back as the same 32-bit float
        text = f"{single:.{precision - 1}e}"
        if abs(single) >= 3.5e38 or struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    mantissa, exponent = text.split("e")
    digits = mantissa.replace(".", "").replace("-", "").rstrip("0") or "0"
    exp = int(exponent)
    sign = "-" if number < 0 else ""
    if exp < -4 or exp >= 6:  # Go's %e form for the shortest 'g' format
        frac = digits[1:]
        return f"{sign}{digits[0]}{'.' + frac if frac else ''}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{sign}0.{'0' * (-exp - 1)}{digits}"
    whole, frac = digits[: exp + 1].ljust(exp + 1, "0"), digits[exp + 1 :]
    return f"{sign}{whole}{'.' + frac if frac else ''}"


class _Builder:
    """Builds plain data from one document's nodes; aliases share objects, expansion is counted."""

    __slots__ = ("alias_marks", "building", "expanded", "limit", "max_depth", "memo", "problems", "sizes")

    def __init__(self, limit: int, max_depth: int, alias_marks: dict[tuple[int, int], Any] | None = None) -> None:
        self.alias_marks = alias_marks or {}
        self.limit = limit
        self.max_depth = max_depth
        self.expanded = 0
        self.memo: dict[int, Any] = {}
        self.sizes: dict[int, tuple[int, int]] = {}  # node id: (nodes, height)
        self.building: set[int] = set()
        self.problems: list[Problem] = []

    def build(self, node: Node) -> Any:
        if not self.alias_marks:  # no alias: every node is met once, nothing to count or remember
            return self._plain(node)
        return self._node(node, 0, 0, 0)[0]

    def _plain(self, node: Node) -> Any:
        """Data of a node of a document without aliases (the composer bounded its depth already)."""
        kind = type(node)
        if kind is ScalarNode:
            return node.value if node.ctag is TAG_STR else self._scalar(node)  # type: ignore[arg-type]
        plain = self._plain
        if kind is SequenceNode:
            return [plain(child) for child in node.value]
        result: dict[Any, Any] = {}
        seen: dict[Any, Node] = {}
        for key_node, value_node in node.value:
            if type(key_node) is ScalarNode and key_node.ctag is TAG_STR:
                key = key_node.value
            elif self._is_merge(key_node):
                self._merge(key_node, plain(value_node), result)
                continue
            else:
                key = self._key(key_node, plain(key_node))
            value = plain(value_node)
            if key in seen:
                self._duplicate(key, seen[key], key_node)
            seen[key] = key_node
            result[key] = value
        return result

    def _node(self, node: Node, depth: int, parent: int, at: int) -> tuple[Any, int, int]:
        """Data, nodes and height of `node`, found at position `at` of the node whose id is `parent`."""
        key = id(node)
        if key in self.memo:  # a node seen before: this is an alias, at the position it is used
            size, height = self.sizes[key]
            self.expanded += size
            mark = self.alias_marks.get((parent, at), node.start_mark)
            if self.expanded > self.limit:
                raise _Refused(
                    "WF015",
                    mark,
                    f"YAML aliases expand to more than {self.limit:,} nodes (a 'billion laughs' document?);"
                    " refusing to read it",
                )
            if depth + height > self.max_depth:
                raise _too_deep(mark, self.max_depth, via_alias=True)
            return self.memo[key], size, height
        if key in self.building:
            mark = self.alias_marks.get((parent, at), node.start_mark)
            raise _Refused("WF015", mark, "recursive YAML alias (an anchor that contains itself)")
        if type(node) is ScalarNode:
            value, size, height = self._scalar(node), 1, 0
        else:
            self.building.add(key)
            if type(node) is SequenceNode:
                value, size, height = [], 1, 0
                for i, child in enumerate(node.value):
                    item, n, h = self._node(child, depth + 1, key, i)
                    value.append(item)
                    size += n
                    height = max(height, h)
            else:
                assert isinstance(node, MappingNode)
                value, size, height = self._mapping(node, depth + 1)
            height += 1
            self.building.discard(key)
        self.memo[key] = value
        self.sizes[key] = (size, height)
        return value, size, height

    @staticmethod
    def _scalar(node: ScalarNode) -> Any:
        ctag, value = node.ctag, node.value
        if ctag is TAG_STR:
            return value
        if ctag is TAG_INT or ctag is TAG_FLOAT or ctag is TAG_BOOL or ctag is TAG_NULL:
            word = _WORDS.get(value)
            return word[1] if word is not None else _resolve_number(value)[1]
        if ctag is TAG_MERGE:
            return value
        return resolve_explicit(str(ctag), value, node.start_mark)

    def _key(self, key_node: Node, value: Any, mark: Any = None) -> str:
        """A map key as sigs.k8s.io/yaml turns it into a JSON object key."""
        mark = mark or key_node.start_mark
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int) and value < 2**63:
            return str(value)
        if isinstance(value, float):
            return _float_key(value)
        if isinstance(value, (list, dict)):
            what = "a list" if isinstance(value, list) else "a mapping"
            raise _Refused("WF010", mark, f"invalid map key: {what} cannot be a key")
        shown = "null" if value is None else str(value)
        raise _Refused(
            "WF010",
            mark,
            f"map key {shown} cannot be converted to JSON: Kubernetes refuses the document (quote the key)",
        )

    def _merge(self, key_node: Node, value: Any, result: dict[Any, Any]) -> None:
        """go-yaml v2's merge: a mapping, or a list of them (earlier ones win), written into the result."""
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise _Refused("WF010", key_node.start_mark, "map merge requires map or sequence of maps as the value")
        for source in reversed(sources):
            result.update(source)

    @staticmethod
    def _is_merge(key_node: Node) -> bool:
        return key_node.ctag is TAG_MERGE or (
            type(key_node) is ScalarNode and key_node.value == "<<" and str(key_node.ctag) == _MERGE
        )

    def _duplicate(self, key: Any, first_node: Node, key_node: Node) -> None:
        first, mark = first_node.start_mark, key_node.start_mark
        self.problems.append(
            Problem(
                "WF011",
                f"duplicate key {key!r} (first at line {first.line + 1}); Kubernetes keeps only one"
                " value and Argo's strict decoder rejects the document",
                mark.line + 1,
                mark.column + 1,
            )
        )

    def _mapping(self, node: MappingNode, depth: int) -> tuple[dict[Any, Any], int, int]:
        result: dict[Any, Any] = {}
        size, height = 1, 0
        seen: dict[Any, Node] = {}
        me = id(node)
        for i, (key_node, value_node) in enumerate(node.value):
            if self._is_merge(key_node):
                value, n, h = self._node(value_node, depth, me, 2 * i + 1)
                size += n
                height = max(height, h)
                self._merge(key_node, value, result)
                continue
            if type(key_node) is ScalarNode and key_node.ctag is TAG_STR:
                key = key_node.value
            else:
                raw, n, _ = self._node(key_node, depth, me, 2 * i)
                key = self._key(key_node, raw, self.alias_marks.get((me, 2 * i)))
            value, n, h = self._node(value_node, depth, me, 2 * i + 1)
            size += n
            height = max(height, h)
            if key in seen:
                self._duplicate(key, seen[key], key_node)
            seen[key] = key_node
            result[key] = value
        return result, size, height


def key_text(node: Node) -> str | None:
    """The JSON object key a scalar key node becomes (`on` is "true"), or None for other keys."""
    if type(node) is not ScalarNode:
        return None
    if node.ctag is TAG_STR:
        return node.value
    try:
        return _Builder(0, MAX_DEPTH)._key(node, _Builder._scalar(node))
    except _Refused:
        return None
