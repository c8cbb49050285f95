"""Every rule: declared properly, and a failing and a passing fixture asserted through the CLI."""

from __future__ import annotations

import json
import os
import re
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


def _golden_lines(findings: list[dict], code: str) -> str:
    """`LINE:COL CODE message`, one line per finding of `code`, in the order of the file."""
    own = sorted((f["line"], f["column"], f["message"]) for f in findings if f["rule"] == code)
    return "".join(f"{line}:{column} {code} {message}\n" for line, column, message in own)


@pytest.mark.parametrize("code", CHECKED)
def test_rule_fixture_column_and_message(code):
    """fixtures/rules/WFxxx/expected.txt holds every finding of the rule on its fail.yaml, with its
    column and message: a finding that moves to another column or changes its text fails here.
    `WFCTL_UPDATE_GOLDEN=1 pytest tests/test_rules.py` rewrites the files; review the diff (a finding
    should point at the offending key or value) before committing it."""
    folder = FIXTURES / "rules" / code
    _, payload = _lint(folder, "fail.yaml")
    got = _golden_lines(payload["findings"], code)
    golden = folder / "expected.txt"
    if os.environ.get("WFCTL_UPDATE_GOLDEN") == "1":
        golden.write_text(got, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run with WFCTL_UPDATE_GOLDEN=1"
    assert got == golden.read_text(encoding="utf-8")
    # the golden file agrees with the fixture's `# expect:` comments (counted, not only as a set)
    listed = sorted((int(row.split(":", 1)[0]), row.split()[1]) for row in got.splitlines())
    assert listed == _expect_comments(folder / "fail.yaml", code)


def _expect_comments(path: Path, code: str) -> list[tuple[int, str]]:
    """(line, code) for each `code` in the fixture's `# expect:` comments, repeats kept."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.search(r"#\s*expect:\s*([A-Z0-9, ]+)", line)
        if match:
            rows += [(number, c) for c in match.group(1).replace(" ", "").split(",") if c == code]
    return rows


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
    listed = run("rules", "-o", "json", "--stage", "practice")
    assert listed.exit_code == 0
    practice = json.loads(listed.stdout)
    assert {r["stage"] for r in practice} == {"practice"}
    assert [r["id"] for r in practice] == [c for c, cls in REGISTRY.items() if cls.stage == "practice"]
    result = run("explain", "unpinned-image")
    assert result.exit_code == 0 and "Pin a" in result.stdout and "allow" in result.stdout
    unknown = run("explain", "WF999")
    assert unknown.exit_code == 2 and "unknown rule 'WF999'" in unknown.stderr and unknown.stdout == ""


def test_selection_by_code_name_and_prefix():
    path = str(FIXTURES / "rules" / "WF301" / "fail.yaml")
    _, payload = run_json("lint", "--isolated", "--select", "WF3", path)
    assert {f["rule"] for f in payload["findings"]} == {"WF301"}
    _, payload = run_json("lint", "--isolated", "--ignore", "run-as-root", path)
    assert "WF301" not in {f["rule"] for f in payload["findings"]}
    bad = run("lint", "--isolated", "--select", "nope", path)
    assert bad.exit_code == 2 and "--select: unknown rule 'nope'" in bad.stderr and "Traceback" not in bad.output


def test_fail_on_and_exit_zero():
    path = str(FIXTURES / "rules" / "WF201" / "fail.yaml")
    default = run("lint", "--isolated", path)
    assert default.exit_code == 0 and " warning WF201 " in default.stdout  # a warning does not fail by default
    strict = run("lint", "--isolated", "--fail-on", "warning", path)
    assert strict.exit_code == 1 and strict.stdout == default.stdout  # same report, other exit code
    bad = str(FIXTURES / "rules" / "WF302" / "fail.yaml")
    failing = run("lint", "--isolated", bad)
    assert failing.exit_code == 1 and " error WF302 " in failing.stdout
    zero = run("lint", "--isolated", "--exit-zero", bad)
    assert zero.exit_code == 0 and zero.stdout == failing.stdout


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


# ---------------------------------------------------------------- the README's rule table


def _readme_rule_rows() -> list[tuple[str, ...]]:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = []
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| WF") and len(cells) == 5:
            rows.append(tuple(cells))
    return rows


def test_readme_rule_table_matches_wfctl_rules():
    """The README's table is `wfctl rules -o json`: same codes in the same order, names, default
    severities, stages and one-line summaries."""
    result = run("rules", "-o", "json")
    listed = [(r["id"], r["name"], r["severity"], r["stage"], r["summary"]) for r in json.loads(result.stdout)]
    assert _readme_rule_rows() == listed


def test_readme_mentions_only_existing_rules_and_every_option():
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    mentioned = set(re.findall(r"\bWF\d{3}\b", readme))
    assert mentioned - set(REGISTRY) == set()
    for code, cls in REGISTRY.items():
        for key in cls.options:
            assert re.search(rf"- {code} `{re.escape(key)}`", readme), (code, key)


# ---------------------------------------------------------------- WF305: the value counts too


@pytest.mark.parametrize(
    ("name", "value", "fires"),
    [
        ("TOKENIZERS_PARALLELISM", "false", False),
        ("MAX_TOKENS", "4096", False),
        ("SECRET_NAME", "s3-creds", False),
        ("GOOGLE_APPLICATION_CREDENTIALS", "/secret/key.json", False),
        ("PASSWORD_FILE", "/var/run/secrets/db/password", False),
        ("TOKEN_URL", "https://auth.example.com/token", False),
        ("API_TOKEN", "$(FROM_SECRET)", False),
        ("DB_PASSWORD", "{{inputs.parameters.pw}}", False),
        ("AUTH_TOKEN", "__PROD_TOKEN__", False),
        ("DB_PASSWORD", "true", False),
        ("DB_PASSWORD", "hunter2xyz", True),
        ("dbPassword", "hunter2xyz", True),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIK7MDENG", True),
        ("GITHUB_TOKEN", "ghp_0123456789abcdef", True),
        ("DATABASE_URL", "postgres://app:s3cr3t@db:5432/app", True),
        ("DATABASE_URL", "postgres://db:5432/app", False),
        ("GREETING", "hello world", False),
    ],
)
def test_plaintext_secret_judges_name_and_value(tmp_path, name, value, fires):
    text = (FIXTURES / "rules" / "WF305" / "pass.yaml").read_text()
    text = text.replace(
        'name: TOKENIZERS_PARALLELISM\n            value: "false"', f"name: {name}\n            value: '{value}'"
    )
    f = tmp_path / "wf.yaml"
    f.write_text(text)
    code, payload = run_json("lint", "--isolated", "--select", "WF305", str(f))
    found = [x for x in payload["findings"] if x["rule"] == "WF305"]
    # CI_JOB_TOKEN in the fixture is only allowed through its config: isolated, it fires too
    assert [x for x in found if "CI_JOB_TOKEN" not in x["message"]] == ([found[0]] if fires else []), found
    assert all(x["severity"] == "warning" for x in found) and code == 0


def test_plaintext_secret_allow_option(tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_text((FIXTURES / "rules" / "WF305" / "fail.yaml").read_text())
    cfg = tmp_path / "c.yaml"
    cfg.write_text("rules: {WF305: {allow: [DB_PASSWORD, 'git*']}}\n")
    _, payload = run_json("lint", "--config", str(cfg), "--select", "WF305", str(f))
    assert [x["message"].split("'")[1] for x in payload["findings"]] == ["DATABASE_URL"]


def test_plaintext_secret_unit():
    from wfctl.rules.plaintext_secret import looks_like_secret, secret_name, url_credentials

    assert secret_name("DB_PASSWORD") and secret_name("apiKey") and secret_name("PRIVATE_KEY")
    assert not secret_name("TOKENIZERS_PARALLELISM") and not secret_name("SECRET_NAME")
    assert not secret_name("PASSWORD_FILE") and not secret_name("AWS_ACCESS_KEY_ID")
    assert url_credentials("https://u:p@h/x") and not url_credentials("https://u@h/x")
    assert not looks_like_secret("1.5") and not looks_like_secret("off") and looks_like_secret("s3cr3t-value")


# ---------------------------------------------------------------- WF018 follows selection


def test_unknown_suppression_follows_selection(tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_text("# wfctl: disable-file=WF2O1\n" + (FIXTURES / "rules" / "WF201" / "fail.yaml").read_text())
    rules_of = lambda *args: {x["rule"] for x in run_json("lint", "--isolated", *args, str(f))[1]["findings"]}  # noqa: E731
    assert "WF018" in rules_of()
    assert rules_of("--select", "WF2") == {"WF201"}
    assert "WF018" not in rules_of("--ignore", "WF018")
    assert rules_of("--select", "WF018") == {"WF018"}


# ---------------------------------------------------------------- rules called directly (unit level)


def _check(code: str, text: str, options: dict | None = None) -> list:
    from wfctl.argo.index import TemplateIndex
    from wfctl.loader.documents import classify
    from wfctl.loader.yaml import parse
    from wfctl.rules.base import RuleContext

    docs, _, _ = classify("wf.yaml", parse(text).documents[0])
    rule = REGISTRY[code](options)
    return list(rule.check(RuleContext(docs[0], TemplateIndex())))


UNIT_WF = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: u-}
spec:
  entrypoint: main
@SPEC@  templates:
    - name: main
      inputs: {parameters: [{name: answer}]}
      @TYPE@
"""


def test_no_retry_honours_template_defaults_unit():
    text = UNIT_WF.replace("@TYPE@", "container: {image: 'busybox:1.36'}")
    assert len(_check("WF206", text.replace("@SPEC@", ""))) == 1
    assert _check("WF206", text.replace("@SPEC@", "  templateDefaults: {retryStrategy: {limit: 2}}\n")) == []
    assert _check("WF206", text.replace("@SPEC@", "  templateDefaults: {activeDeadlineSeconds: 9}\n")) != []


def test_unused_input_skips_suspend_templates_unit():
    text = UNIT_WF.replace("@SPEC@", "")
    assert _check("WF405", text.replace("@TYPE@", "suspend: {}")) == []
    assert len(_check("WF405", text.replace("@TYPE@", "container: {image: 'busybox:1.36'}"))) == 1


def test_resource_quantity_unit():
    text = UNIT_WF.replace("@SPEC@", "").replace(
        "@TYPE@", "container: {image: 'busybox:1.36', resources: {limits: {memory: 4GB, cpu: '2'}}}"
    )
    found = _check("WF129", text)
    assert [f.path[-1] for f in found] == ["memory"]


def test_findings_at_one_place_keep_the_order_rules_give(tmp_path):
    """A template and a container sharing one anchored securityContext give two WF301 findings at the
    same line and column: the container of the first template, then the second template (rules report
    template by template; the sort by position is stable)."""
    manifest = tmp_path / "anchor.yaml"
    manifest.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: a-}\nspec:\n"
        "  entrypoint: t0\n  templates:\n"
        "  - name: t0\n    container:\n      image: alpine:3.19\n      securityContext: &sc\n        runAsUser: 0\n"
        "  - name: t1\n    securityContext: *sc\n    container:\n      image: alpine:3.19\n"
    )
    code, report = run_json("lint", "--isolated", "--select", "WF301", str(manifest))
    assert code == 0  # warnings only
    found = [(f["line"], f["column"], f["message"]) for f in report["findings"]]
    assert found == [
        (11, 20, "runAsUser: 0 runs this container as root"),
        (11, 20, "runAsUser: 0 runs the pod as root"),
        (14, 5, "container may run as root: set securityContext.runAsNonRoot (workflow, template or container)"),
    ]
