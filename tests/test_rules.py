"""Every rule: declared properly, and a failing and a passing fixture asserted through the CLI."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from tests.conftest import FIXTURES, expectations, run, run_json
from wfctl import rules as registry_mod

REGISTRY = registry_mod.load_all()
CHECKED = [code for code, cls in REGISTRY.items() if cls.stage != "input"]


def test_registry_is_well_formed():
    names = set()
    for code, cls in REGISTRY.items():
        assert code == cls.code and code.startswith("WF") and len(code) == 5
        assert cls.name not in names
        names.add(cls.name)
        assert cls.summary and cls.__doc__ and cls.explanation()
        for schema in cls.options.values():
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.validate(schema.get("default"), schema)
    practice = [c for c in REGISTRY.values() if c.stage == "practice"]
    assert len(practice) >= 20


@pytest.mark.parametrize("code", CHECKED)
def test_rule_has_fixtures(code):
    folder = FIXTURES / "rules" / code
    assert (folder / "fail.yaml").is_file() and (folder / "pass.yaml").is_file()


def _lint(folder: Path, name: str):
    config = folder / "config.yaml"
    args = ["lint", "--config", str(config)] if config.exists() else ["lint", "--isolated"]
    return run_json(*args, str(folder / name))


@pytest.mark.parametrize("code", CHECKED)
def test_rule_fixture_fails_where_expected(code):
    folder = FIXTURES / "rules" / code
    _, payload = _lint(folder, "fail.yaml")
    got = {(f["line"], f["rule"]) for f in payload["findings"] if f["rule"] == code}
    want = {(line, c) for line, c in expectations(folder / "fail.yaml") if c == code}
    assert want and got == want, payload["findings"]


@pytest.mark.parametrize("code", CHECKED)
def test_rule_fixture_passes(code):
    folder = FIXTURES / "rules" / code
    _, payload = _lint(folder, "pass.yaml")
    assert [f for f in payload["findings"] if f["rule"] == code] == []


def test_validate_runs_argo_rules_but_not_practice_rules():
    folder = FIXTURES / "rules"
    _, payload = run_json("validate", str(folder / "WF201" / "fail.yaml"))
    assert payload["findings"] == []
    code, payload = run_json("validate", str(folder / "WF101" / "fail.yaml"))
    assert code == 1 and {f["rule"] for f in payload["findings"]} == {"WF101"}


def test_rules_and_explain_commands():
    out = run("rules").stdout
    assert "WF201  unpinned-image" in out and "WF101" in out
    assert run("rules", "-o", "json", "--stage", "practice").exit_code == 0
    result = run("explain", "unpinned-image")
    assert result.exit_code == 0 and "Pin a" in result.stdout and "allow" in result.stdout
    assert run("explain", "WF999").exit_code == 2


def test_selection_by_code_name_and_prefix():
    path = str(FIXTURES / "rules" / "WF301" / "fail.yaml")
    _, payload = run_json("lint", "--isolated", "--select", "WF3", path)
    assert {f["rule"] for f in payload["findings"]} == {"WF301"}
    _, payload = run_json("lint", "--isolated", "--ignore", "run-as-root", path)
    assert "WF301" not in {f["rule"] for f in payload["findings"]}
    assert run("lint", "--isolated", "--select", "nope", path).exit_code == 2


def test_fail_on_and_exit_zero():
    path = str(FIXTURES / "rules" / "WF201" / "fail.yaml")
    assert run("lint", "--isolated", path).exit_code == 0  # a warning does not fail by default
    assert run("lint", "--isolated", "--fail-on", "warning", path).exit_code == 1
    bad = str(FIXTURES / "rules" / "WF302" / "fail.yaml")
    assert run("lint", "--isolated", bad).exit_code == 1
    assert run("lint", "--isolated", "--exit-zero", bad).exit_code == 0


def test_upstream_examples_only_known_breakage(upstream_examples):
    """Argo's examples: no error beyond three that are really broken.

    k8s-patch-json-workflow.yaml repeats `metadata.annotations` (duplicate key); fun-with-gifs.yaml
    indents `generateName` under `labels` (so the Workflow has no name, and the label value
    `fun-with-gifs-` ends with '-'); k8s-jobs.yaml has `name:` inside an annotation's block scalar (no
    name). The API server rejects all three.
    """
    _, payload = run_json("validate", str(upstream_examples))
    errors = sorted((Path(f["file"]).name, f["rule"]) for f in payload["findings"] if f["severity"] == "error")
    assert errors == [
        ("fun-with-gifs.yaml", "WF104"),
        ("fun-with-gifs.yaml", "WF105"),
        ("k8s-jobs.yaml", "WF104"),
        ("k8s-patch-json-workflow.yaml", "WF011"),
    ]


def test_ignoring_a_schema_rule_drops_its_findings():
    path = str(FIXTURES / "invalid" / "typos.yaml")
    _, payload = run_json("validate", "--ignore", "unknown-field", path)
    rules = {f["rule"] for f in payload["findings"]}
    assert "WF001" not in rules and "WF002" in rules
