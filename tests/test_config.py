"""Configuration files and inline suppression, through the CLI and at the unit level."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, run, run_json
from wfctl import config as config_mod
from wfctl import rules, suppress

FAIL_201 = (FIXTURES / "rules" / "WF201" / "fail.yaml").read_text()


def codes(payload):
    return sorted({f["rule"] for f in payload["findings"]})


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "wf.yaml").write_text(FAIL_201)
    monkeypatch.chdir(tmp_path / "sub" / "deeper")
    return tmp_path


def test_config_found_by_walking_up(project):
    (project / ".wfctl.yaml").write_text("ignore: [unpinned-image]\n")
    _, payload = run_json("lint", "wf.yaml")
    assert "WF201" not in codes(payload)
    _, payload = run_json("lint", "--isolated", "wf.yaml")
    assert "WF201" in codes(payload)


def test_walk_stops_at_repository_root(project, tmp_path_factory):
    # a config above the repository root (the directory holding .git) is not used
    outer = project.parent / ".wfctl.yaml"
    outer.write_text("ignore: [WF201]\n")
    try:
        _, payload = run_json("lint", "wf.yaml")
        assert "WF201" in codes(payload)
    finally:
        outer.unlink()


def test_pyproject_tool_section(project):
    (project / "pyproject.toml").write_text('[tool.wfctl]\nseverity = {WF201 = "error"}\n')
    code, payload = run_json("lint", "wf.yaml")
    assert code == 1 and any(f["rule"] == "WF201" and f["severity"] == "error" for f in payload["findings"])


def test_select_severity_per_file_and_rule_options(project):
    (project / ".wfctl.yaml").write_text(
        "select: [WF2]\n"
        "rules:\n  WF201:\n    level: info\n    allow: [docker.io/]\n"
        "per-file-ignores:\n  'other/*.yaml': [WF201]\n"
    )
    _, payload = run_json("lint", "wf.yaml")
    assert [(f["rule"], f["severity"]) for f in payload["findings"]] == [("WF201", "info")]
    (project / ".wfctl.yaml").write_text("rules:\n  WF201:\n    allow: [busybox]\n")
    _, payload = run_json("lint", "wf.yaml")
    assert "WF201" not in codes(payload)
    (project / ".wfctl.yaml").write_text("per-file-ignores:\n  'wf.yaml': [WF201]\n")
    _, payload = run_json("lint", "wf.yaml")
    assert "WF201" not in codes(payload)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selcet: [WF201]\n", "unknown option 'selcet': did you mean 'select'?"),
        ("ignore: [WF999]\n", "unknown rule 'WF999'"),
        ("severity: {WF201: fatal}\n", "'fatal' is not one of"),
        ("ignore: [a\n", "YAML syntax error"),
    ],
)
def test_invalid_config_is_exit_2_with_position(project, text, message):
    (project / ".wfctl.yaml").write_text(text)
    result = run("lint", "wf.yaml")
    assert result.exit_code == 2
    assert message in result.stderr and ".wfctl.yaml:1:" in result.stderr


def test_explicit_config_and_env(project, monkeypatch):
    (project / "custom.yaml").write_text("ignore: [WF201]\n")
    _, payload = run_json("lint", "--config", str(project / "custom.yaml"), "wf.yaml")
    assert "WF201" not in codes(payload)
    monkeypatch.setenv("WFCTL_CONFIG", str(project / "custom.yaml"))
    _, payload = run_json("lint", "wf.yaml")
    assert "WF201" not in codes(payload)
    missing = run("lint", "--config", "missing.yaml", "wf.yaml")
    assert missing.exit_code == 2 and "missing.yaml: configuration file not found" in missing.stderr
    (project / "sub" / "deeper" / "confdir").mkdir()
    a_dir = run("lint", "--config", "confdir", "wf.yaml")
    assert a_dir.exit_code == 2 and "confdir: is a directory, not a configuration file" in a_dir.stderr


def test_config_argo_version_and_templates(project):
    (project / "lib").mkdir()
    (project / "lib" / "t.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: lib}\nspec:\n"
        "  templates: [{name: t, suspend: {}}]\n"
    )
    (project / "sub" / "deeper" / "ref.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: r-}\nspec:\n"
        "  entrypoint: main\n  templates:\n    - name: main\n"
        "      steps: [[{name: a, templateRef: {name: lib, template: t}}]]\n"
    )
    (project / ".wfctl.yaml").write_text("templates: [lib]\nstrict-refs: true\n")
    found = run("validate", "ref.yaml")
    assert found.exit_code == 0 and "not among the files" not in found.stdout, found.stdout
    (project / ".wfctl.yaml").write_text("strict-refs: true\n")
    strict = run("validate", "ref.yaml")
    assert strict.exit_code == 1, strict.stdout
    assert "ref.yaml:8:26: error WF109 step 'a': WorkflowTemplate 'lib' is not among the files" in strict.stdout


# ------------------------------------------------------------------ suppression


def test_inline_suppression_forms(tmp_path):
    base = FAIL_201
    line = "image: busybox  # expect: WF201"
    cases = {
        "trailing": base.replace(line, "image: busybox  # wfctl: disable=WF201 pinned by digest upstream"),
        "by-name": base.replace(line, "image: busybox  # wfctl: disable=unpinned-image"),
        "line-above": base.replace("      container:\n", "      # wfctl: disable=WF201\n      container:\n"),
        "file": "# wfctl: disable-file=WF201\n" + base,
        "annotation": base.replace(
            "  generateName: rule-\n",
            "  generateName: rule-\n  annotations: {wfctl.io/disable: 'WF201 -- generated'}\n",
        ),
    }
    for name, text in cases.items():
        f = tmp_path / f"{name}.yaml"
        f.write_text(text)
        _, payload = run_json("lint", "--isolated", str(f))
        assert "WF201" not in codes(payload), name
    other = tmp_path / "other.yaml"
    other.write_text(base.replace(line, "image: busybox  # wfctl: disable=WF202"))
    _, payload = run_json("lint", "--isolated", str(other))
    assert "WF201" in codes(payload)


def test_suppression_unit():
    text = "a: 1\n# wfctl: disable=WF201\nb:\n  c: 1\nd: 2  # wfctl: disable=WF3,nope\n"
    s = suppress.parse(text, rules.resolve)
    assert s.covers("WF201", 3) and s.covers("WF201", 4) and not s.covers("WF201", 5)
    assert s.covers("WF301", 5) and not s.covers("WF301", 4)
    assert s.unknown == [(5, "nope")]


def test_parse_size():
    assert config_mod.parse_size("10MB") == 10 * 1024 * 1024
    assert config_mod.parse_size("512k") == 512 * 1024
    assert config_mod.parse_size(42) == 42
    with pytest.raises(ValueError):
        config_mod.parse_size("lots")


def test_unknown_rule_in_a_suppression_is_reported(tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_text(FAIL_201.replace("image: busybox  # expect: WF201", "image: busybox  # wfctl: disable=WF2O1"))
    _, payload = run_json("lint", "--isolated", str(f))
    found = [(x["rule"], x["line"]) for x in payload["findings"] if x["rule"] in ("WF018", "WF201")]
    line = next(i for i, t in enumerate(f.read_text().splitlines(), start=1) if "WF2O1" in t)
    assert sorted(found) == [("WF018", line), ("WF201", line)]


def test_config_argo_version(project):
    doc = project / "sub" / "deeper" / "cron.yaml"
    doc.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: c}\nspec:\n  schedule: '0 1 * * *'\n"
        "  workflowSpec:\n    entrypoint: main\n    templates: [{name: main, suspend: {}}]\n"
    )
    _, payload = run_json("validate", "cron.yaml")
    assert "WF132" in codes(payload)  # Argo 4 removed `schedule` (WF132 replaces the unknown-field WF001)
    (project / ".wfctl.yaml").write_text('argo-version: "3.7"\n')
    _, payload = run_json("validate", "cron.yaml")
    assert payload["findings"] == []
    _, payload = run_json("lint", "cron.yaml")
    assert "WF209" in codes(payload)  # deprecated in 3.7


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("rules: {WF201: {alow: [x]}}\n", "unknown option 'alow' for WF201: did you mean 'allow'?", 1),
        ("rules:\n  WF201:\n    allow: alpine\n", "option 'allow' of WF201 must be a list of strings, not string", 3),
        ("rules:\n  unbounded-fanout: {max-items: many}\n", "option 'max-items' of WF205 must be an integer", 2),
        ("rules:\n  WF205: {max-items: -1}\n", "must be an integer >= 0", 2),
        ("rules:\n  WF305: {allow: [1, 2]}\n", "must be a list of strings", 2),
        ("rules:\n  WF203: {allow: [x]}\n", "unknown option 'allow' for WF203 (options: level)", 2),
        ("rules:\n  WF201: {allow: [x], levle: info}\n", "did you mean 'level'?", 2),
    ],
)
def test_rule_options_are_validated(project, text, message, line):
    (project / ".wfctl.yaml").write_text(text)
    result = run("lint", "wf.yaml")
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr and f".wfctl.yaml:{line}:" in result.stderr, result.stderr


def test_rule_options_in_pyproject_are_validated(project):
    (project / "pyproject.toml").write_text('[tool.wfctl.rules.WF201]\nallow = "alpine"\n')
    result = run("lint", "wf.yaml")
    assert result.exit_code == 2 and "must be a list of strings" in result.stderr


def test_rule_option_problems_unit():
    problems = config_mod.rule_option_problems(
        {"WF201": {"level": "error", "allow": ["a/"]}, "WF2": {"max-items": 3, "allow": []}, "nope": {"x": 1}}
    )
    assert problems == []  # a prefix takes the options of any of its rules; unknown rules are reported elsewhere
    problems = config_mod.rule_option_problems({"WF201": {"alow": []}, "WF208": {"max-bytes": True}})
    assert [p[0] for p in problems] == [("rules", "WF201", "alow"), ("rules", "WF208", "max-bytes")]
    assert "not boolean True" in problems[1][1]


def test_every_declared_option_has_a_type():
    for cls in rules.load_all().values():
        for key, schema in cls.options.items():
            assert schema.get("type") in ("array", "string", "integer", "number", "boolean"), (cls.code, key)
            if schema["type"] == "array":
                assert schema.get("items", {}).get("type"), (cls.code, key)
