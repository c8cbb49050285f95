"""Unit tests of the loader: YAML 1.1 scalars, positions, duplicate keys, aliases, bad bytes."""

from __future__ import annotations

import codecs

import pytest

from wfctl.loader import discovery
from wfctl.loader.documents import classify
from wfctl.loader.locate import locate
from wfctl.loader.yaml import decode, parse


def data(text: str):
    result = parse(text)
    assert result.problem is None, result.problem
    return result.documents[0].data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mode: 0755", 493),
        ("x: 0b101", 5),
        ("x: 0x1f", 31),
        ("x: 1_000", 1000),
        ("x: 190:20:30", 685230),
        ("x: yes", True),
        ("x: Off", False),
        ("x: ~", None),
        ("x: 1.5", 1.5),
        ("x: 2020-01-01", "2020-01-01"),
        ("x: '0755'", "0755"),
        ("x: !!str 12", "12"),
    ],
)
def test_yaml_1_1_scalars(text, expected):
    assert data(text)["mode" if text.startswith("mode") else "x"] == expected


def test_keys_stay_as_written():
    assert data("on: 1\ny: 2\n") == {"on": 1, "y": 2}


def test_merge_keys_and_aliases():
    doc = data("base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\n")
    assert doc["m"] == {"a": 1, "b": 3}


def test_duplicate_key_is_a_problem_with_position():
    doc = parse("a: 1\nb:\n  c: 1\n  c: 2\n").documents[0]
    assert [(p.rule, p.line, p.column) for p in doc.problems] == [("WF011", 4, 3)]


def test_alias_bomb_is_bounded():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ",".join(["*" + prev] * 9) + "]")
        prev = f"l{i}"
    doc = parse("\n".join(lines) + "\n").documents[0]
    assert doc.data is None
    assert doc.problems[0].rule == "WF015"
    assert "billion laughs" in doc.problems[0].message


def test_recursive_alias_is_refused():
    doc = parse("a: &a [*a]\n").documents[0]
    assert doc.problems and doc.problems[0].rule == "WF015"


def test_tab_indentation_message():
    problem = parse("a:\n\tb: 1\n").problem
    assert problem is not None and problem.rule == "WF010"
    assert "tab" in problem.message and problem.line == 2


def test_syntax_error_position():
    problem = parse("a: 1\nb: [1, 2\nc: 3\n").problem
    assert problem is not None and problem.rule == "WF010" and problem.line >= 2


def test_multi_document_with_error_in_second_keeps_first():
    result = parse("a: 1\n---\nb: [\n")
    assert result.documents[0].data == {"a": 1}
    assert result.problem is not None


def test_decode_rejects_binary_and_bad_utf8():
    assert decode(b"\x89PNG\x00\x00")[1].rule == "WF013"
    text, problem = decode("a: caf\xe9\n".encode("latin-1"))
    assert text is None and problem.rule == "WF012" and (problem.line, problem.column) == (1, 7)


def test_decode_accepts_boms():
    assert decode(codecs.BOM_UTF8 + b"a: 1")[0] == "a: 1"
    assert decode(codecs.BOM_UTF16_LE + "a: 1".encode("utf-16-le"))[0] == "a: 1"


def test_locate_points_at_key_or_value():
    result = parse("spec:\n  templates:\n    - name: main\n      container: {image: alpine}\n")
    node = result.documents[0].node
    assert locate(node, ("spec", "templates", 0, "container", "image"))[:2] == (4, 26)
    assert locate(node, ("spec", "templates", 0, "container"), at_key=True)[:2] == (4, 7)
    # a path that goes further than the document stops at the deepest node it reaches
    assert locate(node, ("spec", "nope", "deeper"))[:2] == (2, 3)


def test_classify_kinds_lists_and_others():
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - {apiVersion: argoproj.io/v1alpha1, kind: WorkflowTemplate, metadata: {name: t}, spec: {}}\n"
        "---\nplain scalar\n---\n"
        "apiVersion: argoproj.io/v1\nkind: Workflow\nmetadata: {name: w}\n"
    )
    docs, skipped, problems = [], [], []
    for ydoc in parse(text).documents:
        d, s, p = classify("f.yaml", ydoc)
        docs += d
        skipped += s
        problems += p
    assert [(d.kind, d.name, d.item) for d in docs] == [("WorkflowTemplate", "t", 0)]
    assert [s.description for s in skipped] == ["v1 ConfigMap/c"]
    assert sorted(p.rule for p in problems) == ["WF016", "WF017"]


def test_discovery_walks_directories(tmp_path):
    (tmp_path / "a.yaml").write_text("x: 1")
    (tmp_path / "b.txt").write_text("x: 1")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.yaml").write_text("x: 1")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.yml").write_text("x: 1")
    (tmp_path / "sub" / "e.json").write_text("{}")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "f.yaml").write_text("x: 1")
    sources, errors = discovery.discover((str(tmp_path), str(tmp_path / "missing.yaml")), exclude=("skip",))
    names = sorted(s.path.name for s in sources)
    assert names == ["a.yaml", "d.yml", "e.json"]
    assert errors and "no such file" in errors[0]
