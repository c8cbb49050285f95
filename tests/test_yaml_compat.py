"""YAML as Kubernetes reads it: documents go-yaml v2 accepts (with the value sigs.k8s.io/yaml produces)
and documents it refuses (with the finding wfctl gives).

Expected values come from reading go-yaml v2.4 (the version sigs.k8s.io/yaml vendors) and
sigs.k8s.io/yaml itself:
- resolve.go: a table of words (y/Y/yes/on/... true, n/no/off/... false, ~/null/empty null, .inf/.nan,
  `<<` the merge key); then, for text starting with a sign or digit, Go's ParseInt(s, 0, 64) once `_`
  is removed (so 0755 is octal, 0o17/0x1F/0b101 work), ParseUint, then a float pattern; no base-60
  numbers ("dropped in YAML 1.2"); a dot start is tried as a float. Anything else is a string.
  An explicit tag that does not match what the text resolves to is an error ("cannot decode ...");
  !!float accepts an integer; !!str and !!binary accept anything.
- decode.go: timestamps decoded into plain data stay their text; !!binary is base64-decoded; merge keys
  are applied in document order (a merge after a key overrides it), a list of merges gives precedence
  to earlier entries, and a merge value that is not a mapping (or list of them) is an error.
- scannerc.go: inside flow collections a `:` ends a plain scalar only when a space follows, so
  `[https://x]` is one string.
- sigs.k8s.io/yaml yaml.go: map keys become JSON strings: bools "true"/"false", ints in decimal, floats
  with Go's FormatFloat(f, 'g', -1, 32); a null key is an error.
"""

from __future__ import annotations

import json
import math

import pytest

from wfctl.loader.locate import locate
from wfctl.loader.yaml import parse


def documents(text: str) -> list[object]:
    result = parse(text)
    assert result.problem is None, result.problem
    for doc in result.documents:
        assert not doc.problems, doc.problems
    return [doc.data for doc in result.documents]


ACCEPTED = [
    # plain scalars with ':' inside flow collections (libyaml's old rule rejected these)
    ("args: [https://example.com/x]\n", {"args": ["https://example.com/x"]}),
    ("container: {image: alpine:3.20}\n", {"container": {"image": "alpine:3.20"}}),
    ("a: [a:b, {c: d:e}]\n", {"a": ["a:b", {"c": "d:e"}]}),
    ("cmd: [sh, -c, 'echo {{inputs.parameters.x}}']\n", {"cmd": ["sh", "-c", "echo {{inputs.parameters.x}}"]}),
    # explicit tags
    ("value: !!str 0755\n", {"value": "0755"}),
    ("value: !!str yes\n", {"value": "yes"}),
    ("a: !!int '0755'\n", {"a": 493}),
    ("a: !!float 1\n", {"a": 1.0}),
    ("a: !!bool yes\n", {"a": True}),
    ("a: !!null ''\n", {"a": None}),
    ("a: !!binary aGVsbG8=\n", {"a": "hello"}),
    ("a: !!binary |\n  aGVs\n  bG8=\n", {"a": "hello"}),
    ("a: !!timestamp 2020-01-01\n", {"a": "2020-01-01"}),
    ("a: !custom 12\n", {"a": "12"}),
    # YAML 1.1 scalars as go-yaml reads them
    ("a: [yes, No, on, OFF, y, n, True, FALSE]\n", {"a": [True, False, True, False, True, False, True, False]}),
    ("a: [0755, 0o17, 0x1F, 0b101, -0b101, +12, 1_000, -0]\n", {"a": [493, 15, 31, 5, -5, 12, 1000, 0]}),
    ("a: [1e3, .5, +.5, 1., 08, 1.5]\n", {"a": [1000.0, 0.5, 0.5, 1.0, 8.0, 1.5]}),
    ("a: [.inf, -.Inf]\n", {"a": [math.inf, -math.inf]}),
    ("a: [~, null, NULL, ]\n", {"a": [None, None, None]}),
    ("a:\n", {"a": None}),
    ("a: 190:20:30\n", {"a": "190:20:30"}),  # no base-60 numbers in go-yaml
    ("a: 2020-01-01\n", {"a": "2020-01-01"}),  # timestamps stay strings
    ("a: 1e400\n", {"a": "1e400"}),  # Go's ParseFloat fails on overflow: a string
    ("a: 99999999999999999999\n", {"a": 1e20}),  # past uint64: read as a float
    ("a: 18446744073709551615\n", {"a": 18446744073709551615}),  # uint64 still fits
    ("a: [1.2.3, 0x, 'yes', \"0755\", ._5]\n", {"a": ["1.2.3", "0x", "yes", "0755", "._5"]}),
    ("a: b\n  c\n", {"a": "b c"}),
    ('a: "caf\\u00e9"\n', {"a": "café"}),
    # keys, as sigs.k8s.io/yaml turns them into JSON object keys
    ("on: 1\nno: 2\nx: 3\n", {"true": 1, "false": 2, "x": 3}),
    (
        "1: a\n0755: b\n1.5: c\n1e6: d\n0.1: e\n3.14159265: f\n",
        {"1": "a", "493": "b", "1.5": "c", "1e+06": "d", "0.1": "e", "3.1415927": "f"},
    ),
    ("'on': 1\n\"<<\": 2\n", {"on": 1, "<<": 2}),
    ("? a\n: b\n", {"a": "b"}),
    # merge keys and anchors
    ("base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\n", {"base": {"a": 1, "b": 2}, "m": {"a": 1, "b": 3}}),
    (
        "x: &x {a: 1}\nz: &z {a: 2, b: 2}\nm:\n  <<: [*x, *z]\n",
        {"x": {"a": 1}, "z": {"a": 2, "b": 2}, "m": {"a": 1, "b": 2}},
    ),
    ("m:\n  a: 0\n  <<: {a: 1}\n", {"m": {"a": 1}}),  # go-yaml v2 applies merges in order
    ("m:\n  <<: []\n  a: 1\n", {"m": {"a": 1}}),  # an empty list of merges merges nothing
    ("m:\n  <<: [{a: 1}, {a: 2, b: 3}]\n", {"m": {"a": 1, "b": 3}}),
    ("l: &l [1, 2]\nm: *l\n", {"l": [1, 2], "m": [1, 2]}),
    ("s: &s text\nt: *s\n", {"s": "text", "t": "text"}),
    # block scalar indicators
    ("a: |2-\n   x\n  y\n", {"a": " x\ny"}),
    ("a: >+\n  t\n\nb: 1\n", {"a": "t\n\n", "b": 1}),
    ("a: >-\n  one\n  two\n", {"a": "one two"}),
    ("a: |\n  keep\n", {"a": "keep\n"}),
    # comments inside flow collections
    ("a: [1, # one\n  2]\nb: {k1: 1, # c\n  k2: 2}\n", {"a": [1, 2], "b": {"k1": 1, "k2": 2}}),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted_documents(text, expected):
    [data] = documents(text)
    # compare as JSON, as the API server would see it (inf cannot be JSON: compare those directly)
    values = expected.get("a")
    if isinstance(values, list) and any(isinstance(v, float) and math.isinf(v) for v in values):
        assert data == expected
    else:
        assert json.dumps(data, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_nan():
    [data] = documents("a: .NaN\n")
    assert math.isnan(data["a"])


MULTI = [
    ("a: 1\n...\n---\nb: 2\n", [{"a": 1}, {"b": 2}]),
    ("%YAML 1.1\n---\na: 1\n---\nb: 2\n", [{"a": 1}, {"b": 2}]),
    ("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n", [{"a": "1"}]),
    ("---\na: 1\n...\n", [{"a": 1}]),
]


@pytest.mark.parametrize(("text", "expected"), MULTI)
def test_document_markers_and_directives(text, expected):
    assert documents(text) == expected


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_line_endings_keep_positions(newline):
    text = newline.join(["a: 1", "b:", "  c: [x, y]", "  d: q", ""])
    result = parse(text)
    assert result.problem is None
    doc = result.documents[0]
    assert doc.data == {"a": 1, "b": {"c": ["x", True], "d": "q"}}
    assert locate(doc.node, ("b", "d"))[:2] == (4, 6)
    assert locate(doc.node, ("b", "c", 1))[:2] == (3, 10)


def test_cr_only_syntax_error_line():
    problem = parse("a: 1\rb: [1, 2\rc: 3\r").problem
    assert problem is not None and problem.rule == "WF010" and problem.line == 3


def test_positions_of_resolved_keys():
    doc = parse("spec:\n  on: 1\n  0755: x\n").documents[0]
    assert locate(doc.node, ("spec", "true"), at_key=True)[:2] == (2, 3)
    assert locate(doc.node, ("spec", "493"), at_key=True)[:2] == (3, 3)


REJECTED = [
    # (text, rule, line, column): go-yaml refuses these documents too
    ("a: 1\nb:\n  c: 1\n  c: 2\n", "WF011", 4, 3),  # duplicate key (Argo's strict decoder)
    ("on: 1\ntrue: 2\n", "WF011", 2, 1),  # the same key once resolved
    ("on: 1\ny: 2\n", "WF011", 2, 1),  # `y` is the key "true" too
    ("a:\n\tb: 1\n", "WF010", 2, 1),  # tab indentation
    ("a:\n  b: 1\n c: 2\n", "WF010", 3, 2),  # bad indentation
    ("a:\n  - x\n  y: 1\n", "WF010", 3, 3),
    ("key: value\n  other: 1\n", "WF010", 2, 8),
    ("a: [1, 2\nb: 3\n", "WF010", 2, 2),  # unclosed flow sequence
    ("a: 1\nb: *nope\n", "WF010", 2, 4),  # undefined alias
    ("a: !!int abc\n", "WF010", 1, 4),  # cannot decode !!str `abc` as a !!int
    ("a: !!bool 1\n", "WF010", 1, 4),
    ("a: !!null x\n", "WF010", 1, 4),
    ("a: !!timestamp nope\n", "WF010", 1, 4),
    ("a: !!binary '@@'\n", "WF010", 1, 4),  # invalid base64
    ("x:\n  ~: 1\n", "WF010", 2, 3),  # a null key cannot be a JSON key
    ("? [a]\n: b\n", "WF010", 1, 3),  # invalid map key
    ("a: {x: 1}\nm:\n  <<: 1\n", "WF010", 3, 3),  # map merge requires a map (at the merge key)
    ("m:\n  <<: ~\n", "WF010", 2, 3),
    ("l: &l [1]\nm:\n  <<: *l\n", "WF010", 3, 3),
    ("l: &l [1]\nm: {*l : 2}\n", "WF010", 2, 5),  # a list as a key, through an alias: at the alias
    ("a: 1\nb: x\x01\n", "WF010", 2, 5),  # control character
]


@pytest.mark.parametrize(("text", "rule", "line", "column"), REJECTED, ids=[r[0] for r in REJECTED])
def test_rejected_documents(text, rule, line, column):
    result = parse(text)
    problems = [result.problem] if result.problem else [p for d in result.documents for p in d.problems]
    assert [(p.rule, p.line, p.column) for p in problems] == [(rule, line, column)], problems
    assert all(p.message for p in problems)


def test_pure_python_event_source_reads_the_same(monkeypatch):
    """Without PyYAML's C extension the loader uses PyYAML's pure-Python parser: same data, same positions."""
    import yaml

    from wfctl.loader import yaml as loader_yaml

    texts = [text for text, _ in ACCEPTED] + [text for text, *_ in REJECTED] + ["a: 1\rb:\r  c: [x, y]\r"]

    def outcome(text: str) -> object:
        result = parse(text)
        problem = result.problem and (result.problem.rule, result.problem.line, result.problem.column)
        return problem, [
            (json.dumps(d.data, sort_keys=True), [(p.rule, p.line, p.column) for p in d.problems])
            for d in result.documents
        ]

    with_c = [outcome(t) for t in texts]
    monkeypatch.setattr(loader_yaml, "_EventSource", yaml.SafeLoader)
    assert [outcome(t) for t in texts] == with_c


@pytest.mark.parametrize("text", [t for t, _ in ACCEPTED][:12])
def test_every_node_has_a_position(text):
    from wfctl.loader.nodes import MappingNode, SequenceNode

    root = parse(text).documents[0].node
    todo, seen = [root], 0
    while todo:
        node = todo.pop()
        seen += 1
        start, end = node.start_mark, node.end_mark
        assert 0 <= start.line <= end.line and (start.line, start.column) <= (end.line, end.column)
        if isinstance(node, MappingNode):
            todo.extend(n for pair in node.value for n in pair)
        elif isinstance(node, SequenceNode):
            todo.extend(node.value)
    assert seen >= 3


def test_flow_scalar_with_colon_points_at_its_text():
    doc = parse("spec:\n  args: [https://example.com/x, b]\n  c: {image: alpine:3.20}\n").documents[0]
    assert locate(doc.node, ("spec", "args", 1))[:2] == (2, 33)
    assert locate(doc.node, ("spec", "c", "image"))[:4] == (3, 14, 3, 25)
