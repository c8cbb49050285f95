"""The fast paths (issue 13) give the same answers as the slow ones: the rule catalog, stage-wise rule
imports, the lazily compiled schema check, the per-document walkers, hashing only for the cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import FIXTURES, ROOT, run
from wfctl import rules
from wfctl.argo import spec
from wfctl.engine import Settings, load, scan
from wfctl.loader.discovery import Source
from wfctl.schema import drop_nulls
from wfctl.schema.fastcheck import compile_schema

WORKFLOW_SCHEMA = ROOT / "schemas" / "v4" / "workflow.json"


def test_rule_catalog_is_current() -> None:
    """`python -m wfctl.rules` regenerates it; a rule added without doing so fails here."""
    catalog_file = Path(rules.__file__).with_name("_catalog.py")
    assert catalog_file.read_text() == rules.catalog_text()
    catalog = rules.catalog()
    assert catalog is not None
    for code, cls in rules.load_all().items():
        assert catalog[code] == (cls.name, cls.stage, cls.__module__.rpartition(".")[2])


def test_resolve_answers_from_the_catalog_as_from_the_registry() -> None:
    registry = rules.load_all()
    assert rules.resolve("ALL") == list(registry)
    assert rules.resolve("WF2") == [c for c in registry if c.startswith("WF2")]
    for code, cls in registry.items():
        assert rules.resolve(cls.name) == [code]
        assert rules.resolve(code.lower()) == [code]
    with pytest.raises(KeyError):
        rules.resolve("no-such-rule")


def test_a_stale_catalog_falls_back_to_importing_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "_modules", lambda: {"a_rule_module_the_catalog_does_not_list"})
    monkeypatch.setattr(rules, "_checked_catalog", rules._UNCHECKED)  # checked again, as in a new process
    assert rules.catalog() is None
    monkeypatch.setattr(rules, "load_all", lambda: {"WF999": object})
    assert rules.load(("argo",)) == {"WF999": object}


def _imported_rule_stages(command: str) -> set[str]:
    code = (
        "import sys\n"
        "from wfctl.cli import main\n"
        "try:\n"
        f"    main([{command!r}, '-q', '--no-cache', '--isolated', {str(FIXTURES / 'examples/hello-world.yaml')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from wfctl.rules.base import REGISTRY\n"
        "print(sorted({cls.stage for cls in REGISTRY.values()}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1].replace("'", '"')))


def test_validate_imports_only_the_rules_it_runs() -> None:
    assert _imported_rule_stages("validate") == {"input", "argo"}
    assert _imported_rule_stages("lint") == {"input", "argo", "practice"}


def test_validate_output_unchanged_by_stage_loading() -> None:
    """The same findings as lint's argo-stage findings on the rule fixtures (which lint runs with every
    rule imported)."""
    folder = str(FIXTURES / "rules")
    validate = run("validate", "-o", "json", "--no-cache", "--isolated", folder)
    lint = run("lint", "-o", "json", "--no-cache", "--isolated", folder)
    argo = {code for code, (_, stage, _) in (rules.catalog() or {}).items() if stage != "practice"}
    findings = json.loads(validate.output)["findings"]
    from_lint = [f for f in json.loads(lint.output)["findings"] if f["rule"] in argo]
    assert findings and findings == from_lint


def test_lazy_schema_check_refuses_unknown_keywords_at_compile_time() -> None:
    schema = {
        "$defs": {"a": {"type": "object", "properties": {"x": {"$ref": "#/$defs/b"}}}, "b": {"pattern": "^x"}},
        "$ref": "#/$defs/a",
    }
    with pytest.raises(ValueError, match="pattern"):
        compile_schema(schema)
    with pytest.raises(ValueError, match="unsupported"):
        compile_schema({"$ref": "#/$defs/missing"})


def test_lazy_schema_check_agrees_with_jsonschema() -> None:
    """Each document is checked by a fresh compile (so every definition is compiled lazily, in a different
    order) and by jsonschema."""
    schema = json.loads(WORKFLOW_SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    seen = {True: 0, False: 0}
    for path in sorted((FIXTURES / "rules").rglob("*.yaml")) + sorted((FIXTURES / "examples").rglob("*.yaml")):
        for doc in load(Source(str(path), path=path), Settings()).documents:
            if doc.kind != "Workflow":
                continue
            fast = compile_schema(schema)(doc.data)
            assert fast == validator.is_valid(drop_nulls(doc.data)), path
            seen[fast] += 1
    assert seen[True] and seen[False]


def test_memoised_walkers_match_a_fresh_walk() -> None:
    path = FIXTURES / "examples" / "dag.yaml"
    doc = load(Source(str(path), path=path), Settings()).documents[0]
    first = list(spec.iter_templates(doc))
    assert first and list(spec.iter_templates(doc)) == first == list(spec._templates(doc))
    calls = list(spec.iter_invocations(doc))
    assert calls and list(spec.iter_invocations(doc)) == calls == list(spec._invocations(doc))


def _strings_reference(value: object, path: tuple = ()) -> list:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _strings_reference(v, (*path, k))]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in _strings_reference(v, (*path, i))]
    return []


def test_strings_walk_in_document_order() -> None:
    value = {"a": ["x", {"b": "y", "c": 3, "d": None}, [True, "z"]], "e": "w", "f": 1.5}
    assert list(spec.strings(value, ("root",))) == _strings_reference(value, ("root",))
    assert list(spec.strings("alone", ("p",))) == [(("p",), "alone")]
    assert list(spec.strings(7)) == []


def test_hashing_only_for_the_cache(tmp_path: Path) -> None:
    source = Source(str(FIXTURES / "examples/hello-world.yaml"), path=FIXTURES / "examples/hello-world.yaml")
    assert scan([source], Settings(), hashing=False).fingerprints == [""]
    assert scan([source], Settings()).fingerprints[0]


def test_remembered_tags_and_depends_are_fresh_lists() -> None:
    from wfctl.argo.expr import ParseError, parse_depends, tags

    text = "{{steps.run-{{inputs.parameters.x}}.status}} and {{= 1 + 2 }}"
    first = tags(text)
    first.clear()  # a caller changing its list changes nobody else's
    again = tags(text)
    assert [(t.text, t.expression) for t in again] == [
        ("steps.run-{{inputs.parameters.x}}.status", False),
        ("1 + 2", True),
        ("inputs.parameters.x", False),
    ]
    refs = parse_depends("a && (b.Failed || !c)")
    refs.append("junk")
    assert [(r.task, r.result) for r in parse_depends("a && (b.Failed || !c)")] == [
        ("a", None),
        ("b", "Failed"),
        ("c", None),
    ]
    for _ in range(2):  # errors are never remembered as answers
        with pytest.raises(ParseError):
            parse_depends("a &&")


def test_importing_the_catalog_module_first_does_not_break_the_registry() -> None:
    """The generated module `wfctl.rules._catalog` and the registry's memo once shared a name: importing
    the module first (as any tool that imports every module does) replaced the memo with the module."""
    code = "import wfctl.rules._catalog\nfrom wfctl import rules\nprint(len(rules.load(('input', 'argo'))) > 20)\n"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_the_template_index_is_filled_only_when_a_file_asks_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs are read for templates only when a file refers to one (`templateRef`, `workflowTemplateRef`):
    a run of plain workflows never does it; a run with a reference does it once, and finds a template
    defined in a file checked after the one that refers to it."""
    from wfctl import engine

    calls: list[bytes] = []
    real = engine.quick_templates
    monkeypatch.setattr(engine, "quick_templates", lambda raw: calls.append(raw) or real(raw))
    plain = tmp_path / "a-plain.yaml"
    plain.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: p-}\n"
        "spec:\n  entrypoint: main\n  templates:\n    - name: main\n      container: {image: 'alpine:3.20'}\n"
    )
    settings = Settings()
    results = list(engine.run([Source(str(plain), plain)], settings))
    assert calls == [] and results[0][1] is not None and results[0][1].findings == []
    user = tmp_path / "b-user.yaml"
    user.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: u-}\n"
        "spec:\n  entrypoint: main\n  templates:\n    - name: main\n      steps:\n"
        "        - - name: s\n            templateRef: {name: shared, template: hello}\n"
    )
    shared = tmp_path / "c-shared.yaml"
    shared.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: shared}\n"
        "spec:\n  templates:\n    - name: hello\n      container: {image: 'alpine:3.20'}\n"
    )
    sources = [Source(str(p), p) for p in (plain, user, shared)]
    results = list(engine.run(sources, settings, jobs=1))
    assert len(calls) == 3  # every input read once for its templates, at the first question
    assert all(r is not None and r.findings == [] for _, r in results)  # the reference resolved
    user.write_text(user.read_text().replace("template: hello", "template: nope"))
    calls.clear()
    results = list(engine.run(sources, settings, jobs=1))
    assert [f.rule for f in results[1][1].findings] == ["WF109"]  # no template "nope" in "shared"


def test_containers_are_listed_once_per_document() -> None:
    """The pod rules all walk every container of a document: the list is made once per document, with
    full paths, the field holding each container and its template; junk entries are left out."""
    text = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  templates:\n"
        "    - name: a\n      container: {image: a}\n      sidecars: [{name: s, image: b}, junk]\n"
        "    - name: b\n      containerSet: {containers: [{name: c, image: c}]}\n"
        "    - name: c\n      script: {image: d, source: x}\n      initContainers: [{name: i, image: e}]\n"
        "    - name: d\n      suspend: {}\n"
    )
    (doc,) = load(Source("t.yaml", content=text.encode()), Settings()).documents
    listed = [(path, field, c["image"], tpl["name"]) for path, field, c, tpl in spec.iter_containers(doc)]
    assert listed == [
        (("spec", "templates", 0, "container"), "container", "a", "a"),
        (("spec", "templates", 0, "sidecars", 0), "sidecars", "b", "a"),
        (("spec", "templates", 1, "containerSet", "containers", 0), "containerSet", "c", "b"),
        (("spec", "templates", 2, "script"), "script", "d", "c"),
        (("spec", "templates", 2, "initContainers", 0), "initContainers", "e", "c"),
    ]
    kept = doc.cache["containers"]
    assert [item[0] for item in spec.iter_containers(doc)] == [item[0] for item in listed]  # asked again
    assert doc.cache["containers"] is kept  # the same list: made once


def test_checked_files_are_freed_without_the_garbage_collector() -> None:
    """A checked file's objects (nodes, data, per-document memos) hold no reference cycle: they are
    freed as soon as the file is done, so no collection has to walk them (which cost 0.3 s of 1.6 s on
    2,000 files). Every rule fixture and example is checked with every stage, in a fresh interpreter
    (other tests' threads leave garbage of their own); the collector then finds nothing to free."""
    script = """
import gc, json, sys
from pathlib import Path
from wfctl.engine import Checker, Settings, load, scan
from wfctl.loader.discovery import Source
root = Path(sys.argv[1])
paths = sorted((root / "rules").glob("*/*.yaml")) + sorted((root / "examples").glob("*.yaml"))
settings = Settings(stages=("input", "argo", "practice"))
sources = [Source(str(p), p) for p in paths]
checker = Checker(settings, scan(sources, settings, hashing=False))
for source in sources:  # first use: classes compile their methods, caches fill
    checker.check(load(source, settings))
gc.collect()
gc.disable()
leftovers = {}
for source in sources:
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection frees is kept in gc.garbage, to be shown
    result = checker.check(load(source, settings))
    assert result.file == str(source.path) and isinstance(result.findings, list)
    del result
    if gc.collect():
        leftovers[source.display] = sorted({type(o).__name__ for o in gc.garbage})
    gc.set_debug(0)
    gc.garbage.clear()
    gc.collect()  # freed for real (kept objects would be found again)
print(json.dumps({"files": len(sources), "leftovers": leftovers}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(FIXTURES)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    report = json.loads(done.stdout)
    assert report["files"] > 100
    assert report["leftovers"] == {}
