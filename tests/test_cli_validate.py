"""`wfctl validate` through the CLI: fixtures, output formats, bad input and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, expectations, run, run_json


def test_version_and_help():
    from wfctl import __version__

    assert run("--version").stdout.strip() == f"wfctl {__version__}"
    result = run("--help")
    assert result.exit_code == 0 and "validate" in result.stdout and "Exit codes" in result.stdout


def test_examples_are_clean():
    result = run("validate", str(FIXTURES / "examples"))
    assert result.exit_code == 0, result.stdout
    assert "0 errors" in result.stdout


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "invalid").glob("*.yaml")))
def test_invalid_fixtures_report_expected_findings(name):
    path = FIXTURES / "invalid" / name
    code, payload = run_json("validate", str(path))
    got = {(f["line"], f["rule"]) for f in payload["findings"]}
    assert got == expectations(path)
    assert code == 1


def test_finding_fields_and_did_you_mean():
    _code, payload = run_json("validate", str(FIXTURES / "invalid" / "typos.yaml"))
    first = payload["findings"][0]
    assert set(first) >= {"rule", "severity", "message", "file", "line", "column", "kind", "name"}
    assert first["rule"] == "WF001" and "did you mean 'entrypoint'" in first["message"]
    assert (first["line"], first["column"], first["kind"], first["name"]) == (7, 3, "Workflow", "typos-")
    assert payload["summary"]["errors"] == len(payload["findings"])


def test_text_format_and_color(monkeypatch):
    monkeypatch.chdir(ROOT)
    path = "fixtures/invalid/typos.yaml"
    plain = run("validate", path).stdout
    assert f"{path}:7:3: error WF001 unknown field 'entrypiont'" in plain
    assert "\x1b[" not in plain
    assert "\x1b[" in run("validate", "--color", "always", path).stdout
    assert "\x1b[" not in run("validate", path, env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout


def test_github_format():
    out = run("validate", "-o", "github", str(FIXTURES / "invalid" / "typos.yaml")).stdout
    line = next(x for x in out.splitlines() if x.startswith("::error"))
    assert line.startswith("::error title=wfctl (WF001),file=")
    assert ",line=7,endLine=7,col=3,endColumn=13::" in line
    assert "::group::" in out and "::endgroup::" in out


def test_github_escaping():
    import io

    from wfctl.model import FileResult, Finding, Severity
    from wfctl.reporters.github import GithubReporter

    stream = io.StringIO()
    rep = GithubReporter(stream)
    rep.write(FileResult("a,b:c.yaml", [Finding("WF001", Severity.WARNING, "50% bad\nnext", "a,b:c.yaml", 1, 2, 3, 4)]))
    out = stream.getvalue()
    assert "file=a%2Cb%3Ac.yaml" in out and "50%25 bad%0Anext" in out
    assert "col=" not in out  # columns only when the finding is on one line


def test_sarif_format():
    out = run("validate", "-o", "sarif", str(FIXTURES / "invalid" / "typos.yaml")).stdout
    doc = json.loads(out)
    assert doc["version"] == "2.1.0"
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert "WF001" in ids and all(r["help"]["text"] for r in rules)
    result = run_["results"][0]
    assert ids[result["ruleIndex"]] == result["ruleId"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 7 and region["startColumn"] == 3
    assert result["partialFingerprints"]["wfctl/v1"]


def test_stdin_and_stdin_filename():
    text = (FIXTURES / "invalid" / "typos.yaml").read_text()
    result = run("validate", "--stdin-filename", "piped.yaml", "-", input=text)
    assert result.exit_code == 1 and "piped.yaml:7:3" in result.stdout


def test_non_argo_documents_are_skipped_and_listed(tmp_path):
    f = tmp_path / "mixed.yaml"
    f.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
        + (FIXTURES / "examples" / "hello-world.yaml").read_text()
    )
    result = run("validate", "-v", str(f))
    assert result.exit_code == 0
    assert "skipped document 1: v1 ConfigMap/c" in result.stdout
    assert "1 Argo document checked, 1 other skipped" in result.stdout


def test_kind_list_is_unpacked(tmp_path):
    f = tmp_path / "list.yaml"
    f.write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: argoproj.io/v1alpha1\n    kind: WorkflowTemplate\n    metadata: {name: t}\n"
        "    spec:\n      templates:\n        - name: a\n          contianer: {image: x}\n"
    )
    code, payload = run_json("validate", str(f))
    assert code == 1
    assert [(x["rule"], x["line"], x["name"]) for x in payload["findings"]] == [("WF108", 9, "t"), ("WF001", 10, "t")]


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "WF013"),
        (b"kind: Workflow\nname: caf\xe9\n", "WF012"),
        # (a file that fails to parse is an error when it looks like an Argo manifest, else skipped)
        (b"apiVersion argoproj.io/v1alpha1\n", "WF016"),
        (b"- kind: Workflow\n- b\n", "WF016"),
        (b"kind: Workflow\na: [1\n", "WF010"),
        (b"kind: Workflow\na:\n\tb: 1\n", "WF010"),
        (b"a: 1\na: 2\n", None),  # a duplicate key in a non-Argo document: skipped, not reported
    ],
)
def test_bad_input_is_a_finding_not_a_traceback(tmp_path, content, rule):
    f = tmp_path / "bad.yaml"
    f.write_bytes(content)
    code, payload = run_json("validate", str(f))
    assert [x["rule"] for x in payload["findings"]] == ([rule] if rule else [])
    assert code == (1 if rule else 0)


def test_empty_file_is_fine(tmp_path):
    f = tmp_path / "empty.yaml"
    f.write_text("")
    result = run("validate", "-v", str(f))
    assert result.exit_code == 0 and "empty file" in result.stdout


def test_alias_bomb(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ",".join(["*" + prev] * 9) + "]")
        prev = f"l{i}"
    lines += ["kind: Workflow", "apiVersion: argoproj.io/v1alpha1"]
    f = tmp_path / "bomb.yaml"
    f.write_text("\n".join(lines) + "\n")
    code, payload = run_json("validate", str(f))
    assert code == 1 and payload["findings"][0]["rule"] == "WF015"


def test_file_size_limit(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_text("a: " + "x" * 5000 + "\n")
    code, payload = run_json("validate", "--max-file-size", "1k", str(f))
    assert code == 1 and payload["findings"][0]["rule"] == "WF014"
    bad_size = run("validate", "--max-file-size", "lots", str(f))
    assert bad_size.exit_code == 2 and "invalid size 'lots'" in bad_size.stderr


def test_missing_path_is_exit_2_but_others_still_checked(tmp_path):
    result = run("validate", str(FIXTURES / "invalid" / "typos.yaml"), str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "nope.yaml: no such file or directory" in result.stderr
    assert "WF001" in result.stdout


def test_permission_error_is_exit_2(tmp_path, monkeypatch):
    f = tmp_path / "locked.yaml"
    f.write_text("a: 1\n")
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    result = run("validate", str(f))
    assert result.exit_code == 2 and "permission denied" in result.stderr


def test_usage_error_is_exit_2():
    nothing = run("validate")
    assert nothing.exit_code == 2 and "give PATHS" in nothing.stderr and nothing.stdout == ""
    bad_format = run("validate", "-o", "nope", "x")
    assert bad_format.exit_code == 2 and "'nope' is not one of" in bad_format.stderr


def test_argo_version_option():
    doc = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  podResources: {}\n"
        "  entrypoint: main\n  templates: [{name: main, suspend: {}}]\n"
    )
    v4 = run("validate", "-", input=doc)
    assert v4.exit_code == 0 and "0 errors" in v4.stdout
    v3 = run("validate", "--argo-version", "3.7", "-", input=doc)
    assert v3.exit_code == 1 and "<stdin>:5:3: error WF001 unknown field 'podResources'" in v3.stdout


def test_main_entry_point_maps_exit_codes(tmp_path):
    """The console script (not CliRunner): exit codes and no traceback on an internal error."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run(
        [sys.executable, "-m", "wfctl", "validate", str(FIXTURES / "examples")], capture_output=True, text=True, env=env
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "wfctl", "validate", "--bogus-flag"], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "wfctl", "validate", str(tmp_path / "x.yaml")], capture_output=True, text=True, env=env
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_validate_does_not_import_heavy_modules():
    code = (
        "import sys, wfctl.cli.root, wfctl.cli.check, wfctl.engine; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('kubernetes', 'deepdiff', 'jsonschema')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


def test_config_applies_to_validate_and_apply_alike(tmp_path, monkeypatch):
    """One place turns .wfctl.yaml into settings: `ignore: [WF104]` holds for validate and for apply."""
    (tmp_path / ".git").mkdir()
    manifest = tmp_path / "bad-name.yaml"
    manifest.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: Bad_Name\nspec:\n"
        "  entrypoint: main\n  templates:\n    - name: main\n      container: {image: busybox:1.36}\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WFCTL_CONFIG", raising=False)
    before_v = run("validate", "--no-cache", str(manifest))
    before_a = run("apply", "-f", str(manifest), "--dry-run=client")
    assert before_v.exit_code == 1 and "WF104" in before_v.stdout
    assert before_a.exit_code == 2 and "WF104" in before_a.stderr
    (tmp_path / ".wfctl.yaml").write_text("ignore: [WF104]\n")
    after_v = run("validate", "--no-cache", str(manifest))
    after_a = run("apply", "-f", str(manifest), "--dry-run=client")
    assert after_v.exit_code == 0 and "WF104" not in after_v.stdout and "0 errors" in after_v.stdout, after_v.stdout
    # validation no longer refuses (the Kubernetes client's own name check may still say no)
    assert "WF104" not in after_a.stderr and "validation failed" not in after_a.stderr, after_a.stderr
    # a finding only wfctl knows about: ignored in the config, apply goes through
    manifest.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: needs-arg\nspec:\n"
        "  entrypoint: main\n  templates:\n    - name: main\n      inputs: {parameters: [{name: msg}]}\n"
        "      container: {image: busybox:1.36}\n"
    )
    refused = run("apply", "-f", str(manifest), "--dry-run=client")
    assert refused.exit_code == 2 and "WF120" in refused.stderr, refused.stderr
    (tmp_path / ".wfctl.yaml").write_text("ignore: [WF104, WF120]\n")
    applied = run("apply", "-f", str(manifest), "--dry-run=client")
    assert applied.exit_code == 0, applied.stderr
    assert "needs-arg" in applied.stdout + applied.stderr


def test_settings_from_flags_win_over_the_config(tmp_path):
    from wfctl.engine import settings_from
    from wfctl.errors import ConfigError

    config = tmp_path / "c.yaml"
    config.write_text("argo-version: '3.7'\nignore: [WF104]\nstrict-refs: true\nmax-file-size: 1k\n")
    settings, cfg = settings_from(config=str(config), argo_version="4", ignore=["WF105"])
    assert cfg.path == config
    assert settings.argo_version == "4" and settings.ignore == {"WF104", "WF105"}
    assert settings.strict_refs and settings.max_bytes == 1024
    assert settings_from(config=str(config))[0].argo_version == "3.7"
    assert settings_from(config=str(config), isolated=True)[0].ignore == set()
    with pytest.raises(ConfigError, match="unknown rule"):
        settings_from(isolated=True, select=["WF999x"])
