"""`wfctl fix` and `lint --fix`: the Argo 4 migration and string quoting, in place, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import BROKEN_EXAMPLE, FIXTURES, UPSTREAM_EXAMPLES, run
from wfctl import writer
from wfctl.dedupe.rewrite import splice
from wfctl.engine import Settings
from wfctl.fix import fix_kind
from wfctl.fix import ops as fix_ops
from wfctl.fix.run import fix_text
from wfctl.fix.text import Source, Unfixable, append_item, delete_entry, rename_key, walk, wrap_in_list
from wfctl.loader.yaml import parse

FIX = FIXTURES / "fix"
GOLDEN = [
    "convert-cron.yaml",
    "convert-sync.yaml",
    "convert-both.yaml",
    "convert-current.yaml",
    "everywhere.yaml",
    "quote.yaml",
]


def _fixed_name(name: str) -> str:
    stem, ext = name.rsplit(".", 1)
    return f"{stem}.fixed.{ext}"


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIX / name, target)
    return target


def _data(text: str) -> list:
    return [d.data for d in parse(text).documents]


# --- unit: text edits at node positions ---------------------------------------------------------


def _apply(text: str, edits) -> str:
    from wfctl.dedupe.rewrite import Edit

    return splice(text, [Edit(e.start, e.end, e.text) for e in edits])


def _node(text: str, *path):
    return walk(parse(text).documents[0].node, path)


def _entry(text: str, *path):
    from wfctl.fix.text import entry

    root = parse(text).documents[0].node
    return walk(root, path[:-1]), entry(walk(root, path[:-1]), path[-1])


def test_wrap_in_list_block_mapping_uses_the_indentation_it_has():
    text = "sync:\n  mutex:\n    name: m   # c\n    x: 1\nafter: 1\n"
    _, (key, value) = _entry(text, "sync", "mutex")
    src = Source(text)
    out = _apply(text, [rename_key(src, key, "mutexes"), *wrap_in_list(src, key, value)])
    assert out == "sync:\n  mutexes:\n  - name: m   # c\n    x: 1\nafter: 1\n"
    assert _data(out)[0]["sync"] == {"mutexes": [{"name": "m", "x": 1}]}


def test_wrap_in_list_with_one_space_indentation_adds_a_dash_line():
    text = "sync:\n  mutex:\n   name: m\n"
    _, (key, value) = _entry(text, "sync", "mutex")
    src = Source(text)
    out = _apply(text, wrap_in_list(src, key, value))
    assert out == "sync:\n  mutex:\n  -\n   name: m\n"
    assert _data(out)[0]["sync"]["mutex"] == [{"name": "m"}]


def test_wrap_in_list_flow_and_quoted_key():
    text = 'sync: {"mutex": {name: m}}\n'
    _, (key, value) = _entry(text, "sync", "mutex")
    src = Source(text)
    out = _apply(text, [rename_key(src, key, "mutexes"), *wrap_in_list(src, key, value)])
    assert out == 'sync: {"mutexes": [{name: m}]}\n'


def test_append_item_to_block_and_flow_lists():
    text = "a:\n  - x: 1\n  - x: 2  # two\nm:\n  x: 3   # three\n  y: 4\nf: [1]\ng: {z: 5}\n"
    src = Source(text)
    out = _apply(text, [append_item(src, _node(text, "a"), _node(text, "m"))])
    assert out == text.replace("# two\n", "# two\n  - x: 3   # three\n    y: 4\n")
    out = _apply(text, [append_item(src, _node(text, "f"), _node(text, "g"))])
    assert out.endswith("f: [1, {z: 5}]\ng: {z: 5}\n")
    unterminated = "a:\n  - 1\nb: 2"
    src = Source(unterminated)
    assert _apply(unterminated, [append_item(src, _node(unterminated, "a"), _node(unterminated, "b"))]) == (
        "a:\n  - 1\n  - 2\nb: 2"
    )


def test_append_item_refuses_block_item_into_flow_list():
    text = "f: [1]\nm:\n  x: 3\n"
    src = Source(text)
    with pytest.raises(Unfixable):
        append_item(src, _node(text, "f"), _node(text, "m"))


def test_delete_entry_keeps_comments_and_refuses_the_last_entry():
    text = "cm:\n  name: c\n  key: k   # old key\nnext: 1\n"
    mapping, (key, _) = _entry(text, "cm", "key")
    out = _apply(text, [delete_entry(Source(text), mapping, key)])
    assert out == "cm:\n  name: c\n  # old key\nnext: 1\n"
    flow = "cm: {name: c, key: k}\n"
    mapping, (key, _) = _entry(flow, "cm", "key")
    assert _apply(flow, [delete_entry(Source(flow), mapping, key)]) == "cm: {name: c}\n"
    only = "cm:\n  key: k\n"
    mapping, (key, _) = _entry(only, "cm", "key")
    with pytest.raises(Unfixable):
        delete_entry(Source(only), mapping, key)


def test_ops_follow_argo_conversion_order_and_dedupe():
    data = {"s": {"mutexes": [{"name": "p"}], "mutex": {"name": "s"}, "semaphore": None}}
    fix_ops.apply(data, ("plural", ("s",), "mutex", "mutexes"))
    fix_ops.apply(data, ("plural", ("s",), "semaphore", "semaphores"))
    assert data == {"s": {"mutexes": [{"name": "p"}, {"name": "s"}]}}
    data = {"spec": {"schedules": ["a"], "schedule": "a"}}
    fix_ops.apply(data, ("plural", ("spec",), "schedule", "schedules"))
    assert data == {"spec": {"schedules": ["a"]}}


# --- fix_text: the whole pipeline without I/O ----------------------------------------------------


def test_fix_text_reproduces_argo_convert_cases():
    """Argo's own cases (test/e2e/testdata/convert, workflow/convert ToCurrent): same resulting data."""
    cron = fix_text("c.yaml", (FIX / "convert-cron.yaml").read_text(), Settings())
    spec = _data(cron.after)[0]["spec"]
    assert spec["schedules"] == ["0 0 * * *"] and "schedule" not in spec
    sync = fix_text("s.yaml", (FIX / "convert-sync.yaml").read_text(), Settings())
    wf = _data(sync.after)[0]["spec"]
    assert wf["synchronization"] == {
        "semaphores": [{"configMapKeyRef": {"name": "my-config", "key": "workflow"}}],
        "mutexes": [{"name": "test-mutex"}],
    }
    assert wf["templates"][0]["synchronization"]["mutexes"] == [{"name": "template-mutex"}]
    assert wf["templates"][0]["synchronization"]["semaphores"][0]["configMapKeyRef"]["name"] == "template-config"
    both = fix_text("b.yaml", (FIX / "convert-both.yaml").read_text(), Settings())
    first, second = _data(both.after)
    sync = first["spec"]["workflowSpec"]["synchronization"]
    assert [m["name"] for m in sync["mutexes"]] == ["plural-mutex", "singular-mutex"]
    assert [s["configMapKeyRef"]["name"] for s in sync["semaphores"]] == ["plural-sem", "singular-sem"]
    assert first["spec"]["schedules"] == ["0 * * * *", "30 * * * *"]
    assert first["spec"]["workflowSpec"]["templates"][0]["synchronization"] == {"mutexes": [{"name": "same"}]}
    assert second["spec"]["schedules"] == ["0 0 * * *", "0 12 * * *"]


def test_fix_text_leaves_already_converted_and_target_37_alone():
    converted = (FIX / "convert-cron.fixed.yaml").read_text()
    assert fix_text("x.yaml", converted, Settings()).after == converted
    legacy = (FIX / "convert-sync.yaml").read_text()
    assert fix_text("x.yaml", legacy, Settings(argo_version="3.7")).after == legacy


def test_fix_text_podpriority_is_a_manual_finding_without_edit():
    text = (FIXTURES / "rules" / "WF132" / "fail.yaml").read_text()
    result = fix_text("p.yaml", text, Settings())
    assert result.error is None
    assert [m.rule for m in result.manual] == ["WF132"] and "PriorityClass" in result.manual[0].message
    assert "podPriority: 10" in result.after and "schedules:" in result.after


# --- CLI: preview, write, check, json -------------------------------------------------------------


@pytest.mark.parametrize("name", [*GOLDEN, "manifest.json"])
def test_golden_files_byte_for_byte(tmp_path, name):
    target = _copy(tmp_path, name)
    preview = run("fix", str(target))
    assert preview.exit_code == 1 and preview.stdout.startswith("--- a/")
    assert target.read_bytes() == (FIX / name).read_bytes()  # a preview writes nothing
    result = run("fix", "--write", str(target))
    assert result.exit_code == 1, result.stderr
    assert target.read_bytes() == (FIX / _fixed_name(name)).read_bytes()
    again = run("fix", "--write", str(target))  # idempotent
    assert again.exit_code == 0 and again.stdout == ""
    assert target.read_bytes() == (FIX / _fixed_name(name)).read_bytes()
    assert run("validate", "--isolated", "--no-cache", str(target)).exit_code == 0


def test_golden_unsafe_fix_needs_the_flag(tmp_path):
    target = _copy(tmp_path, "onexit.yaml")
    safe_only = run("fix", "--write", str(target))
    assert safe_only.exit_code == 0 and "1 more with --unsafe-fixes" in safe_only.stderr
    assert target.read_bytes() == (FIX / "onexit.yaml").read_bytes()
    assert run("fix", "--write", "--unsafe-fixes", str(target)).exit_code == 1
    assert target.read_bytes() == (FIX / "onexit.fixed.yaml").read_bytes()


def test_line_endings_crlf_are_kept(tmp_path):
    target = tmp_path / "crlf.yaml"
    original = (FIX / "convert-sync.yaml").read_bytes().replace(b"\n", b"\r\n")
    target.write_bytes(original)
    assert run("fix", "--write", str(target)).exit_code == 1
    expected = (FIX / "convert-sync.fixed.yaml").read_bytes().replace(b"\n", b"\r\n")
    assert target.read_bytes() == expected


def test_check_lists_files_and_json_lists_edits(tmp_path):
    changed = _copy(tmp_path, "convert-cron.yaml")
    clean = tmp_path / "clean.yaml"
    shutil.copyfile(FIX / "convert-cron.fixed.yaml", clean)
    result = run("fix", "--check", str(tmp_path))
    assert result.exit_code == 1 and result.stdout == f"{changed}\n"
    data = json.loads(run("fix", "-o", "json", str(changed)).stdout)
    assert data["summary"]["files_changed"] == 1 and data["written"] is False
    (edit,) = data["edits"]
    assert edit["file"] == str(changed) and edit["rule"] == "WF132" and edit["line"] == 7
    assert edit["before"] == '  schedule: "0 0 * * *"   # nightly\n'
    assert edit["after"] == '  schedules: ["0 0 * * *"]   # nightly\n'
    assert run("fix", "--check", str(clean)).exit_code == 0


def test_target_version_37_applies_no_migration(tmp_path):
    target = _copy(tmp_path, "convert-sync.yaml")
    result = run("fix", "--write", "--target-version", "3.7", str(target))
    assert result.exit_code == 0 and target.read_bytes() == (FIX / "convert-sync.yaml").read_bytes()


def test_mixed_file_fixes_one_document_and_keeps_the_others_error(tmp_path):
    broken = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: bad}\nspec:\n  entrypiont: x\n"
    target = tmp_path / "mixed.yaml"
    target.write_text((FIX / "convert-cron.yaml").read_text() + "---\n" + broken)
    assert run("validate", "--no-cache", str(target)).exit_code == 1
    result = run("fix", "--write", str(target))
    assert result.exit_code == 1, result.stderr
    assert target.read_text() == (FIX / "convert-cron.fixed.yaml").read_text() + "---\n" + broken
    after = json.loads(run("validate", "--no-cache", "-o", "json", str(target)).stdout)
    assert after["findings"] and {f["name"] for f in after["findings"]} == {"bad"}


def test_fix_that_leaves_a_new_error_is_not_written(tmp_path):
    target = _copy(tmp_path, "quote-new-error.yaml")
    other = _copy(tmp_path, "convert-cron.yaml")
    result = run("fix", "--write", str(target), str(other))
    assert result.exit_code == 2
    assert "not applied: it would leave a new error" in result.stderr and "WF105" in result.stderr
    original = (FIX / "quote-new-error.yaml").read_text()
    assert target.read_text() == original.replace("version: 1.10", 'version: "1.10"')  # the other fix is kept
    assert "serial: 1234" in target.read_text()
    assert other.read_bytes() == (FIX / "convert-cron.fixed.yaml").read_bytes()
    data = json.loads(run("fix", "-o", "json", str(target)).stdout)
    assert data["summary"]["refused"] == 1 and data["summary"]["fixes"] == 0  # still refused, nothing else
    lint = run("lint", "--fix", "--isolated", "--no-cache", str(_copy(tmp_path, "quote-new-error.yaml")))
    assert lint.exit_code == 2 and "--fix:" in lint.stderr and "WF105" in lint.stdout


def test_file_changed_between_read_and_write_is_left_alone(tmp_path, monkeypatch):
    target = _copy(tmp_path, "convert-cron.yaml")

    def edit_meanwhile(stage: str, path: Path) -> None:
        if stage == "prepared":
            with open(target, "a", encoding="utf-8") as fh:
                fh.write("# edited by someone else\n")

    monkeypatch.setattr(writer, "_test_hook", edit_meanwhile)
    result = run("fix", "--write", str(target))
    assert result.exit_code == 2 and "changed on disk" in result.stderr
    assert target.read_text().endswith("# edited by someone else\n")
    assert "schedule: " in target.read_text()
    assert not list(tmp_path.glob(f"*{writer.TEMP_SUFFIX}"))


def test_unwritable_inputs_are_refused(tmp_path):
    assert run("fix", "--write", "-", input=(FIX / "convert-cron.yaml").read_text()).exit_code == 2
    target = _copy(tmp_path, "convert-cron.yaml")
    target.chmod(0o444)
    result = run("fix", "--write", str(target))
    assert result.exit_code == 2 and "read-only" in result.stderr
    assert run("fix", str(tmp_path / "missing.yaml")).exit_code == 2


def test_upstream_examples_are_left_byte_identical(tmp_path):
    if not UPSTREAM_EXAMPLES.is_dir():
        pytest.skip("../shared upstream examples not present")
    copy = tmp_path / "examples"
    shutil.copytree(UPSTREAM_EXAMPLES, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    assert len(before) >= 200
    result = run("fix", "--write", str(copy))
    # the one example with a duplicate key (BROKEN_EXAMPLE) cannot be fixed safely: exit 2, naming it alone
    errors = [line for line in result.stderr.splitlines() if " error WF" in line or line.startswith("wfctl: error:")]
    assert result.exit_code == 2 and len(errors) == 1 and f"{BROKEN_EXAMPLE}:13:3: error WF011 " in errors[0]
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == before
    (copy / BROKEN_EXAMPLE).unlink()
    result = run("fix", "--write", str(copy))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == {
        p: b for p, b in before.items() if p.name != BROKEN_EXAMPLE
    }


# --- validate/lint integration, rules, reporters --------------------------------------------------


def test_removed_fields_are_reported_once_by_the_migration_rule():
    data = json.loads(run("validate", "--no-cache", "-o", "json", str(FIX / "everywhere.yaml")).stdout)
    rules = [f["rule"] for f in data["findings"]]
    assert rules.count("WF132") == 6 and "WF001" not in rules and "WF003" not in rules
    assert all(f["fix"]["applicability"] == "safe" for f in data["findings"])
    old = json.loads(
        run("validate", "--no-cache", "--argo-version", "3.7", "-o", "json", str(FIX / "everywhere.yaml")).stdout
    )
    assert old["findings"] == []


def test_select_wf001_alone_still_reports_unknown_fields():
    data = json.loads(
        run("validate", "--no-cache", "--select", "WF001", "-o", "json", str(FIX / "convert-cron.yaml")).stdout
    )
    rules = [f["rule"] for f in data["findings"]]
    assert "WF001" in rules and "WF132" not in rules


def test_lint_fix_applies_safe_fixes_and_reports_the_rest(tmp_path):
    target = _copy(tmp_path, "quote.yaml")
    result = run("lint", "--fix", "--no-cache", "--isolated", "-o", "json", str(target))
    assert "fixed 9 findings in 1 files" in result.stderr
    assert target.read_bytes() == (FIX / "quote.fixed.yaml").read_bytes()
    remaining = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "WF002" not in remaining and "WF105" not in remaining


def test_lint_fix_respects_ignore_and_suppression_comments(tmp_path):
    target = _copy(tmp_path, "convert-cron.yaml")
    run("lint", "--fix", "--no-cache", "--isolated", "--ignore", "WF132", str(target))
    assert target.read_bytes() == (FIX / "convert-cron.yaml").read_bytes()
    text = (FIX / "convert-cron.yaml").read_text().replace("# nightly", "# nightly  # wfctl: disable=WF132")
    target.write_text(text)
    run("lint", "--fix", "--no-cache", "--isolated", str(target))
    assert target.read_text() == text


def test_rules_and_explain_show_fixability():
    rows = {r["id"]: r for r in json.loads(run("rules", "-o", "json").stdout)}
    assert rows["WF132"]["fix"] == "safe" and rows["WF209"]["fix"] == "unsafe" and rows["WF201"]["fix"] is None
    assert fix_kind("WF002") == "safe"
    assert "WF132  removed-field" in run("rules").stdout
    assert "Fixable (safe)" in run("explain", "WF132").stdout
    assert "Fixable" not in run("explain", "WF201").stdout


def test_sarif_carries_fixes():
    doc = json.loads(run("validate", "--no-cache", "-o", "sarif", str(FIX / "convert-cron.yaml")).stdout)
    (result,) = doc["runs"][0]["results"]
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    texts = [r["insertedContent"]["text"] for r in change["replacements"]]
    assert texts == ["schedules", "[", "]"]
    region = change["replacements"][0]["deletedRegion"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (7, 3, 11)
    import jsonschema

    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)


# --- the wfctl-fix pre-commit hook, installed for real --------------------------------------------


def _snapshot_repo(tmp_path: Path) -> Path:
    """The project as it is on disk (uncommitted and new files too) as a one-commit git repository:
    `pre-commit try-repo` only sees tracked files."""
    import subprocess

    from tests.conftest import ROOT

    files = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
        )
        .stdout.decode()
        .split("\0")
    )
    snap = tmp_path / "wfctl-src"
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (snap / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snap / name)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "s"]):
        subprocess.run(["git", *args], cwd=snap, check=True, capture_output=True)
    return snap


def test_precommit_hook_rewrites_and_fails_then_passes(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("git or a git checkout missing")
    pytest.importorskip("pre_commit")
    snap = _snapshot_repo(tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    shutil.copyfile(FIX / "convert-sync.yaml", repo / "legacy.yaml")
    shutil.copyfile(FIX / "convert-sync.fixed.yaml", repo / "good.yaml")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(snap), "wfctl-fix", "--files"]
    first = subprocess.run([*cmd, "legacy.yaml"], cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (repo / "legacy.yaml").read_bytes() == (FIX / "convert-sync.fixed.yaml").read_bytes()
    second = subprocess.run(
        [*cmd, "legacy.yaml", "good.yaml"], cwd=repo, capture_output=True, text=True, env=env, timeout=900
    )
    assert second.returncode == 0, second.stdout + second.stderr


def test_cached_findings_keep_their_fix(tmp_path):
    target = _copy(tmp_path, "convert-sync.yaml")
    cache = str(tmp_path / "cache")
    cold = json.loads(run("validate", "-o", "json", "--cache-dir", cache, str(target)).stdout)
    warm = json.loads(run("validate", "-o", "json", "--cache-dir", cache, str(target)).stdout)
    assert cold == warm and all("fix" in f for f in warm["findings"])
    result = run("lint", "--fix", "--cache-dir", cache, "--isolated", str(target))
    assert "fixed 4 findings" in result.stderr
    assert target.read_bytes() == (FIX / "convert-sync.fixed.yaml").read_bytes()


def _faulty(monkeypatch, replacement: str) -> None:
    """Make WF132's fix replace the `schedule` key with `replacement` while claiming Argo's conversion."""
    from wfctl.fix import argo4
    from wfctl.fix.model import Fix

    def build(finding, doc, src, argo_version):
        key = walk(doc.node, ("spec",)).value[0][0]
        edit = src.edit(src.at(key.start_mark), src.at(key.end_mark), replacement)
        return Fix("WF132", "faulty", True, (edit,), (("plural", ("spec",), "schedule", "schedules"),), doc.index)

    monkeypatch.setattr(argo4, "build", build)


CRON = "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: c}\nspec:\n  schedule: '1 * * * *'\n"
CRON += "  workflowSpec: {entrypoint: m, templates: [{name: m, suspend: {}}]}\n"


def test_a_fix_whose_text_does_not_match_its_data_change_is_refused(monkeypatch):
    _faulty(monkeypatch, "schedules")  # renames, but forgets to make a list
    result = fix_text("c.yaml", CRON, Settings())
    assert result.error and "change more than it should" in result.error and result.after == CRON


def test_a_fix_that_breaks_the_yaml_is_refused(monkeypatch):
    _faulty(monkeypatch, "schedules: [")
    result = fix_text("c.yaml", CRON, Settings())
    assert result.error and "YAML invalid" in result.error and result.after == CRON


def test_anchored_or_merged_places_are_left_for_a_person(tmp_path):
    text = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: a-}\nspec:\n"
        "  entrypoint: main\n  synchronization: &sync\n    mutex: {name: shared}\n  templates:\n"
        "    - name: main\n      synchronization: *sync\n      container: {image: busybox:1.36}\n"
        "    - name: other\n      <<: {synchronization: {mutex: {name: merged}}}\n"
        "      container: {image: busybox:1.36}\n"
    )
    target = tmp_path / "anchors.yaml"
    target.write_text(text)
    result = run("fix", "--write", str(target))
    assert result.exit_code == 1 and target.read_text() == text  # what is left for a person is not clean
    assert "3 to fix by hand" in result.stderr


def test_deprecated_field_in_37_covers_template_defaults():
    text = (FIX / "everywhere.yaml").read_text()
    data = json.loads(
        run("lint", "--isolated", "--no-cache", "--argo-version", "3.7", "-o", "json", "-", input=text).stdout
    )
    paths = {f["path"] for f in data["findings"] if f["rule"] == "WF209"}
    assert "/spec/templateDefaults/synchronization/mutex" in paths
    assert "/spec/workflowSpec/templates/0/synchronization/semaphore" in paths
    assert not any(f["rule"] == "WF132" for f in data["findings"])


def test_list_items_and_a_bom_are_handled(tmp_path):
    body = (FIX / "convert-cron.yaml").read_text().split("apiVersion", 1)[1]
    items = "apiVersion: v1\nkind: List\nitems:\n- apiVersion" + body.replace("\n", "\n  ").rstrip() + "\n"
    target = tmp_path / "list.yaml"
    target.write_bytes(b"\xef\xbb\xbf" + items.encode())
    assert run("fix", "--write", str(target)).exit_code == 1
    fixed = target.read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf")
    assert fixed[3:].decode() == items.replace('schedule: "0 0 * * *"', 'schedules: ["0 0 * * *"]')
    assert run("fix", str(target)).exit_code == 0


def _cron(spec_lines: str, sync_lines: str = "") -> str:
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: c}\nspec:\n"
        + spec_lines
        + "  workflowSpec:\n    entrypoint: m\n"
        + sync_lines
        + "    templates: [{name: m, suspend: {}}]\n"
    )


S1 = "    synchronization:\n"
SEM = "      {}:\n        configMapKeyRef: {{name: {}, key: key}}\n"


@pytest.mark.parametrize(
    ("case", "spec", "sync", "schedules", "mutexes", "semaphores"),
    [  # Argo's TestLegacySynchronization_ToCurrent and TestLegacyCronWorkflowSpec_ToCurrent, case by case
        ("neither", "  schedules: ['0 * * * *']\n", "", ["0 * * * *"], None, None),
        (
            "only singular",
            "  schedule: '0 * * * *'\n",
            S1 + "      mutex: {name: mutex}\n" + SEM.format("semaphore", "sem"),
            ["0 * * * *"],
            ["mutex"],
            ["sem"],
        ),
        (
            "only plural",
            "  schedules: ['0 * * * *', '30 * * * *']\n",
            S1 + "      mutexes: [{name: mutex1}, {name: mutex2}]\n",
            ["0 * * * *", "30 * * * *"],
            ["mutex1", "mutex2"],
            None,
        ),
        (
            "appends singular to plural",
            "  schedules: ['0 * * * *', '30 * * * *']\n  schedule: '0 0 * * *'\n",
            S1
            + "      mutex: {name: singular-mutex}\n      mutexes: [{name: plural-mutex}]\n"
            + "      semaphores:\n        - configMapKeyRef: {name: plural-sem, key: key}\n"
            + SEM.format("semaphore", "singular-sem"),
            ["0 * * * *", "30 * * * *", "0 0 * * *"],  # Argo keeps only the singular; wfctl loses nothing
            ["plural-mutex", "singular-mutex"],
            ["plural-sem", "singular-sem"],
        ),
    ],
)
def test_argo_to_current_cases(case, spec, sync, schedules, mutexes, semaphores):
    result = fix_text(f"{case}.yaml", _cron(spec, sync), Settings())
    assert result.error is None and not result.refused, result
    (doc,) = _data(result.after)
    assert doc["spec"]["schedules"] == schedules and "schedule" not in doc["spec"]
    got = doc["spec"]["workflowSpec"].get("synchronization", {})
    assert [m["name"] for m in got.get("mutexes", [])] == (mutexes or [])
    assert [s["configMapKeyRef"]["name"] for s in got.get("semaphores", [])] == (semaphores or [])
    assert "mutex" not in got and "semaphore" not in got
    assert fix_text("again.yaml", result.after, Settings()).after == result.after


def test_a_plain_schedule_with_a_comma_is_quoted_inside_the_new_list():
    text = _cron("  schedule: 0 0 * * 1,5   # weekdays\n  schedules: [0 12 * * *]\n")
    result = fix_text("c.yaml", text, Settings())
    assert '  schedules: [0 12 * * *, "0 0 * * 1,5"]\n' in result.after, result.error
    text = _cron("  schedule: 0 0 * * 1,5   # weekdays\n")
    result = fix_text("c.yaml", text, Settings())
    assert '  schedules: ["0 0 * * 1,5"]   # weekdays\n' in result.after, result.error


def test_cr_only_line_endings_and_symlinks(tmp_path):
    cr = tmp_path / "cr.yaml"
    cr.write_bytes((FIX / "convert-sync.yaml").read_bytes().replace(b"\n", b"\r"))
    assert run("fix", "--write", str(cr)).exit_code == 1
    assert cr.read_bytes() == (FIX / "convert-sync.fixed.yaml").read_bytes().replace(b"\n", b"\r")
    real = _copy(tmp_path, "convert-cron.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(real.name)
    assert run("fix", "--write", str(link)).exit_code == 1
    assert link.is_symlink() and real.read_bytes() == (FIX / "convert-cron.fixed.yaml").read_bytes()


@pytest.mark.parametrize(
    "text, rule",
    [
        ("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: x\nspec: [\n", "WF010"),
        ("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: a}\nmetadata: {name: b}\n", "WF011"),
    ],
)
def test_a_file_that_does_not_parse_is_an_error_not_nothing_to_fix(tmp_path, text, rule):
    """Before: "would fix 0 findings in 0 of 1 files", exit 0, so the wfctl-fix hook passed on it."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    for args in ([], ["--write"], ["--check"]):
        result = run("fix", *args, str(bad))
        assert result.exit_code == 2, result.stderr
        assert result.stdout == "" and result.stderr.startswith(f"{bad}:4:") and f" error {rule} " in result.stderr
    assert bad.read_text() == text
