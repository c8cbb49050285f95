"""The loader: YAML 1.1 scalars, positions, duplicate keys, aliases, bad bytes, hostile nesting (unit and CLI)."""

from __future__ import annotations

import codecs
import json

import pytest

from tests.conftest import FIXTURES, ROOT
from wfctl.loader import discovery
from wfctl.loader.documents import classify
from wfctl.loader.locate import locate
from wfctl.loader.yaml import MAX_ALIAS_EXPANSION, MAX_DEPTH, decode, parse


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
        ("x: 190:20:30", "190:20:30"),  # go-yaml v2 has no base-60 numbers
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


def test_keys_read_as_kubernetes_reads_them():
    # go-yaml resolves keys like values; sigs.k8s.io/yaml then writes them as JSON strings
    assert data("on: 1\nn: 2\n0755: 3\nname: 4\n") == {"true": 1, "false": 2, "493": 3, "name": 4}


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
    assert [(p.rule, p.line, p.column) for p in doc.problems] == [("WF015", 1, 8)]  # at the alias


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


def test_locate_repeated_key_points_at_the_value_kept():
    """The data keeps the last of repeated keys (and WF011 reports them): positions point at that one."""
    result = parse("spec:\n  a: 1\n  b: 2\n  a: 3\n  on: x\n")
    node = result.documents[0].node
    assert result.documents[0].data["spec"]["a"] == 3
    assert locate(node, ("spec", "a")) == (4, 6, 4, 7)
    assert locate(node, ("spec", "a"), at_key=True) == (4, 3, 4, 4)
    assert locate(node, ("spec", "true"), at_key=True)[:2] == (5, 3)  # `on:` is the key "true"


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


# --- hostile input: nesting, aliases (unit level, then every command through the CLI) ---

HEAD = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: deep\nspec:\n  entrypoint: main\n"
    "  templates:\n  - name: main\n    container:\n      image: alpine:3.20\n"
)


def all_problems(result):
    return ([result.problem] if result.problem else []) + [p for d in result.documents for p in d.problems]


def flow_nest(levels: int) -> str:
    return HEAD + "  x: " + "[" * levels + "]" * levels + "\n"


def block_nest(levels: int) -> str:
    return (
        HEAD
        + "  x:\n"
        + "".join("    " + "  " * i + f"k{i}:\n" for i in range(levels))
        + "    "
        + "  " * levels
        + "v: 1\n"
    )


def alias_bomb(width: int = 80, fan: int = 10, levels: int = 4) -> str:
    """A small file whose aliases add about width * fan**levels nodes (900,000 by default: under the old
    1,000,000 limit, which let `wfctl diff F F` spend 89 s on such a file)."""
    lines = [HEAD.rstrip("\n"), "  x0: &x0 [" + ",".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"  x{i}: &x{i} [" + ",".join([f"*x{i - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [500, 900, 100_000])
def test_deep_flow_nesting_is_a_finding(levels):
    [problem] = all_problems(parse(flow_nest(levels)))
    assert problem is not None and problem.rule == "WF010"
    assert f"nesting deeper than {MAX_DEPTH} levels" in problem.message
    assert problem.line == 11


@pytest.mark.parametrize("levels", [500, 900])
def test_deep_block_nesting_is_a_finding(levels):
    [problem] = all_problems(parse(block_nest(levels)))
    assert problem is not None and problem.rule == "WF010" and "nesting deeper" in problem.message
    # the root is level 1, spec 2, the mapping of `k0` (line 12) 3: level MAX_DEPTH + 1 starts on this line
    assert problem.line == 12 + (MAX_DEPTH + 1 - 3)


def test_compact_sequences_100k_deep():
    [problem] = all_problems(parse("a:\n" + "- " * 100_000 + "x\n"))
    assert problem is not None and problem.rule == "WF010" and problem.line == 2


def test_nesting_at_the_limit_is_read():
    doc = parse("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n").documents[0]
    assert not doc.problems
    depth, node = 0, doc.data
    while isinstance(node, (list, dict)):
        node = node["a"] if isinstance(node, dict) else (node[0] if node else None)
        depth += 1
    assert depth == MAX_DEPTH


def test_nesting_through_aliases_counts():
    inner = "[" * 150 + "]" * 150
    text = f"a: &a {inner}\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n"
    doc = parse(text).documents[0]
    assert [(p.rule, p.line, p.column) for p in doc.problems] == [("WF010", 2, 64)]  # at the alias
    assert "through aliases" in doc.problems[0].message


def test_a_deep_document_keeps_the_ones_around_it():
    result = parse("a: 1\n---\n" + "b: " + "[" * 300 + "]" * 300 + "\n---\nc: 3\n")
    assert result.problem is None
    assert [d.data for d in result.documents] == [{"a": 1}, None, {"c": 3}]
    assert [(p.rule, p.line) for p in result.documents[1].problems] == [("WF010", 3)]


def test_alias_limit_is_per_document():
    # 60,000 alias-added nodes per document: under the limit, even with two such documents in a file
    half = alias_bomb(width=60, fan=10, levels=3)
    result = parse(half + "---\n" + half)
    assert result.problem is None
    assert [d.problems for d in result.documents] == [[], []]
    assert len(result.documents[1].data["spec"]["x3"]) == 10


def test_alias_bomb_900k_refused_quickly():
    import time

    start = time.perf_counter()
    doc = parse(alias_bomb()).documents[0]
    assert time.perf_counter() - start < 5
    assert [p.rule for p in doc.problems] == ["WF015"] and doc.data is None
    assert f"{MAX_ALIAS_EXPANSION:,}" in doc.problems[0].message


def _cli_cases(path: str, other: str) -> list[tuple[str, ...]]:
    return [
        ("validate", path, other),
        ("lint", path, other),
        ("diff", path, path),
        ("dedupe", path),
        ("apply", "--dry-run=client", "-f", path),
    ]


@pytest.mark.parametrize("levels", [500, 900, 100_000])
def test_every_command_reports_deep_nesting(tmp_path, levels):
    from tests.conftest import run

    deep = tmp_path / "deep.yaml"
    deep.write_text(flow_nest(levels))
    other = tmp_path / "other.yaml"
    other.write_text(HEAD.replace("image: alpine:3.20", "image: alpine:3.20\n      bogus: 1"))
    for args in _cli_cases(str(deep), str(other)):
        result = run(*args)  # exceptions propagate: a RecursionError fails the test
        output = result.stdout + (result.stderr or "")
        assert "nesting deeper than 200 levels" in output, (args, output)
        assert "internal error" not in output and result.exit_code in (1, 2), (args, result.exit_code)
        if args[0] in ("validate", "lint"):  # the run goes on: the other file's finding is there
            assert "WF001" in output and "other.yaml" in output


def test_every_command_stops_an_alias_bomb(tmp_path):
    import time

    from tests.conftest import run

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    assert bomb.stat().st_size < 11_000
    for args in _cli_cases(str(bomb), str(bomb)):
        start = time.perf_counter()
        result = run(*args)
        elapsed = time.perf_counter() - start
        output = result.stdout + (result.stderr or "")
        assert "aliases expand to more than" in output, (args, output)
        assert result.exit_code in (1, 2) and elapsed < 5, (args, result.exit_code, elapsed)


def test_cr_only_file_findings_have_the_right_line(tmp_path):
    from tests.conftest import run

    path = tmp_path / "mac.yaml"
    path.write_bytes(
        HEAD.replace("image: alpine:3.20", "image: alpine:3.20\n      bogus: 1").replace("\n", "\r").encode()
    )
    result = run("validate", str(path), "-o", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [("WF001", 11, 7)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x: " + "1" * 5000, "1" * 5000),  # past Python's 4300-digit int() limit: out of Go's range, a string
        ("? " + "7" * 5000 + "\n: v", {"7" * 5000: "v"}),
        ("x: 0x" + "0" * 5000 + "ff", 255),  # leading zeros do not count
        ("x: 0" + "0" * 5000 + "17", 15),
        ("x: 18446744073709551615", 2**64 - 1),
        ("x: 18446744073709551616", 1.8446744073709552e19),  # ParseUint fails, ParseFloat does not
        ("x: 0b1" + "0" * 64, "0b1" + "0" * 64),
    ],
)
def test_huge_integers_are_read_like_go(text, expected):
    result = data(text)
    assert (result if isinstance(expected, dict) else result["x"]) == expected


def test_huge_explicit_int_is_a_short_finding():
    doc = parse("x: !!int " + "1" * 5000).documents[0]
    assert doc.data is None
    (problem,) = doc.problems
    assert problem.rule == "WF010" and "as a !!int" in problem.message and len(problem.message) < 120


def test_huge_integer_cli(tmp_path):
    from tests.conftest import run

    path = tmp_path / "big.yaml"
    path.write_text(HEAD.replace("image: alpine:3.20", "image: alpine:3.20\n      bogus: " + "1" * 5000))
    for args in _cli_cases(str(path), str(path)):
        result = run(*args)
        output = result.stdout + (result.stderr or "")
        assert result.exit_code in (0, 1, 2) and "internal error" not in output, (args, output)
    result = run("validate", "--no-cache", str(path), "-o", "json")
    assert [(f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]] == [("WF001", 11)]


# ------------------------------------------------------------------ the alias-free builder


def _both_builds(text: str) -> list[tuple[object, object]]:
    """(fast, counting) data and problems of every document: the builder for alias-free documents and
    the one that counts alias expansion must agree wherever both apply."""
    import yaml as pyyaml

    from wfctl.loader import yaml as loader_yaml

    out = []
    try:
        composed = list(loader_yaml._compose(pyyaml.CSafeLoader(text), MAX_DEPTH))
    except pyyaml.YAMLError:
        return out
    for item in composed:
        if not isinstance(item, tuple) or item[0] is None or item[1]:
            continue
        root = item[0]
        results = []
        for build in ("_plain", "counting"):
            builder = loader_yaml._Builder(MAX_ALIAS_EXPANSION, MAX_DEPTH)
            try:
                value = builder._plain(root) if build == "_plain" else builder._node(root, 0, 0, 0)[0]
            except Exception as exc:
                value = ("refused", str(exc))
            results.append(
                (json.dumps(value, sort_keys=True, default=str), [tuple(vars_of(p)) for p in builder.problems])
            )
        out.append((results[0], results[1]))
    return out


def vars_of(problem) -> tuple:
    return (problem.rule, problem.message, problem.line, problem.column)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [yes, 0755, '0755', !!str 12, ~, 1.5, .inf]\nc: {d: e}\n",
        "a: 1\na: 2\n<<: {a: 3, z: 4}\n",
        "<<: [{x: 1}, {x: 2, y: 3}]\nk: v\n",
        "? [a, b]\n: v\n",
        "1: one\n1.5: x\ntrue: t\non: o\n",
        "x: !!int abc\n",
        "x: !!binary aGVsbG8=\n",
        "null: n\n",
    ],
)
def test_alias_free_builder_agrees_with_the_counting_builder(text):
    pairs = _both_builds(text)
    assert pairs, "the case must compose"
    for fast, counting in pairs:
        assert fast == counting


def test_alias_free_builder_agrees_on_every_fixture_and_example():
    files = sorted(FIXTURES.rglob("*.yaml"))
    upstream = ROOT.parent / "shared" / "upstream" / "argo-workflows-v4.1.2" / "examples"
    files += sorted(upstream.glob("*.yaml")) if upstream.is_dir() else []
    compared = 0
    for path in files:
        for fast, counting in _both_builds(path.read_text(encoding="utf-8", errors="replace")):
            assert fast == counting, path
            compared += 1
    assert compared > 100


def test_loading_does_not_import_ruamel():
    """The loader's nodes are wfctl's own: a validate run never pays for importing ruamel.yaml."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from wfctl.cli import main\n"
        "try:\n"
        f"    main(['validate', {str(FIXTURES / 'examples')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('ruamel')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
