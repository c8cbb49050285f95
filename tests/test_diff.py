"""`wfctl diff`: table-driven pairs through the CLI, what each format shows, git mode, bad input, units."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import FIXTURES, run, run_json
from tests.gitrepo import git_repo
from wfctl.diff.normalize import normalize, render_path, strip_server_fields

CASES = FIXTURES / "diff"


def diff_json(old, new, *extra):
    result = run("diff", str(old), str(new), "-o", "json", *extra)
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None), result


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("formatting", []),
        ("reorder", []),
        ("env-order", [("reordered", "spec.templates[get].container.env")]),
        (
            "image",
            [
                ("changed", "spec.arguments.parameters[region].value"),
                ("changed", "spec.templates[run].container.image"),
            ],
        ),
        ("task-added", [("added", "spec.templates[main].dag.tasks[report]")]),
        ("dependency", [("changed", "spec.templates[main].dag.tasks[load].depends")]),
        (
            "rename",
            [
                ("changed", "spec.templates[main].dag.tasks[extract].template"),
                ("changed", "spec.templates[main].dag.tasks[load].template"),
                ("changed", "spec.templates[main].dag.tasks[transform].template"),
                ("renamed", "spec.templates[run]"),
            ],
        ),
        (
            "script",
            [
                ("changed", "spec.templates[run].container.args[0]"),
                ("changed", "spec.templates[run].container.env[LOG].value"),
            ],
        ),
        ("multi", [("added", ""), ("changed", "spec.templates[t].container.image"), ("removed", "")]),
    ],
)
def test_diff_pairs(case, expected):
    code, payload, _ = diff_json(CASES / case / "old.yaml", CASES / case / "new.yaml")
    got = sorted((c["op"], c["path"]) for c in payload["changes"])
    assert got == sorted(expected)
    assert code == (1 if expected else 0)


def test_change_fields_and_resources():
    _, payload, _ = diff_json(CASES / "multi" / "old.yaml", CASES / "multi" / "new.yaml")
    by_res = {c["resource"]: c for c in payload["changes"]}
    assert by_res["WorkflowTemplate/a"]["op"] == "removed" and by_res["WorkflowTemplate/c"]["op"] == "added"
    b = by_res["WorkflowTemplate/b"]
    assert (b["before"], b["after"]) == ("busybox:1.36", "busybox:1.37")
    _, payload, _ = diff_json(CASES / "rename" / "old.yaml", CASES / "rename" / "new.yaml")
    rename = next(c for c in payload["changes"] if c["op"] == "renamed")
    assert (rename["before"], rename["after"]) == ("run", "execute")


def test_directories(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(CASES / "image" / "old.yaml", tmp_path / "a" / "p.yaml")
    shutil.copy(CASES / "image" / "new.yaml", tmp_path / "b" / "renamed-file.yaml")
    code, payload, _ = diff_json(tmp_path / "a", tmp_path / "b")
    assert code == 1 and len(payload["changes"]) == 2


def test_ignore_glob():
    code, payload, _ = diff_json(
        CASES / "image" / "old.yaml",
        CASES / "image" / "new.yaml",
        "--ignore",
        "spec.arguments.*",
        "--ignore",
        "*.image",
    )
    assert code == 0 and payload["changes"] == []


def test_text_and_markdown_output():
    result = run("diff", str(CASES / "script" / "old.yaml"), str(CASES / "script" / "new.yaml"))
    assert "template run" in result.stdout and "-echo finished" in result.stdout and "+echo done" in result.stdout
    assert "\x1b[" not in result.stdout
    md = run("diff", str(CASES / "script" / "old.yaml"), str(CASES / "script" / "new.yaml"), "-o", "markdown").stdout
    assert md.startswith("**wfctl diff**: 2 changes") and "<details>" in md and "### `Workflow/pipeline`" in md


def test_generate_name_matching(tmp_path):
    doc = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: g-}\nspec:\n  entrypoint: {e}\n"
    (tmp_path / "old.yaml").write_text(doc.replace("{e}", "a") + "---\n" + doc.replace("{e}", "b"))
    (tmp_path / "new.yaml").write_text(doc.replace("{e}", "a") + "---\n" + doc.replace("{e}", "c"))
    _code, payload, _ = diff_json(tmp_path / "old.yaml", tmp_path / "new.yaml")
    assert [(c["resource"], c["path"], c["before"], c["after"]) for c in payload["changes"]] == [
        ("Workflow/g-*", "spec.entrypoint", "b", "c")
    ]


@pytest.mark.parametrize("side", ["old", "new"])
def test_invalid_yaml_is_exit_2(tmp_path, side):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n")
    good = CASES / "image" / "old.yaml"
    args = (bad, good) if side == "old" else (good, bad)
    code, _, result = diff_json(*args)
    assert code == 2 and "YAML syntax error" in result.stderr and "bad.yaml" in result.stderr


def test_usage_errors():
    one = run("diff", str(CASES / "image" / "old.yaml"))
    assert one.exit_code == 2 and "give OLD and NEW" in one.stderr and one.stdout == ""
    mixed = run("diff", str(CASES / "image"), str(CASES / "image" / "old.yaml"))
    assert mixed.exit_code == 2 and "must both be files or both be directories" in mixed.stderr
    to = run("diff", "--to", "HEAD", "x")
    assert to.exit_code == 2 and "--to needs --git" in to.stderr


@pytest.fixture
def repo(tmp_path, monkeypatch):
    return git_repo(tmp_path, monkeypatch, {"wf/p.yaml": CASES / "image" / "old.yaml", "README.txt": "not yaml"})


def test_git_mode(repo, tmp_path):
    result = run("diff", "--git", "HEAD", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["changes"] == []
    shutil.copy(CASES / "image" / "new.yaml", tmp_path / "wf" / "p.yaml")
    result = run("diff", "--git", "HEAD", "wf", "-o", "json")
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["changes"]) == 2
    repo("commit", "-qam", "two")
    result = run("diff", "--git", "HEAD~1", "--to", "HEAD", "-o", "json")
    assert result.exit_code == 1 and len(json.loads(result.stdout)["changes"]) == 2
    result = run("diff", "--git", "no-such-rev")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_normalize_units():
    data = {"spec": {"templates": [{"name": "b"}, {"name": "a"}], "steps": [[{"name": "x"}]], "args": ["1", "2"]}}
    n = normalize(data)
    assert list(n["spec"]["templates"]) == ["[b]", "[a]"] and n["spec"]["steps"] == [{"[x]": {"name": "x"}}]
    assert n["spec"]["args"] == ["1", "2"]
    assert (
        render_path(["spec", "templates", "[main]", "dag", "tasks", "[b]", "args", 0])
        == "spec.templates[main].dag.tasks[b].args[0]"
    )
    live = {
        "metadata": {
            "name": "x",
            "uid": "1",
            "resourceVersion": "2",
            "managedFields": [],
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
        },
        "status": {"phase": "Running"},
        "spec": {},
    }
    assert strip_server_fields(live) == {"metadata": {"name": "x"}, "spec": {}}


# --- what a reviewer sees: whole YAML, files, pairing, order, skipped files -------------------------


def _yaml(path):
    from ruamel.yaml import YAML

    return list(YAML(typ="safe").load_all(path.read_text()))


def _leaf_strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaf_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaf_strings(v)
    elif isinstance(value, str):
        yield value


def test_added_and_removed_objects_shown_whole_as_yaml():
    old, new = CASES / "multi" / "old.yaml", CASES / "multi" / "new.yaml"
    out = run("diff", str(old), str(new)).stdout
    removed = next(d for d in _yaml(old) if d["metadata"]["name"] == "a")
    added = next(d for d in _yaml(new) if d["metadata"]["name"] == "c")
    lines = out.splitlines()
    # every line of the removed resource, as block YAML, prefixed with "-"; of the added one with "+"
    assert any(line.strip() == "- kind: WorkflowTemplate" for line in lines)
    assert any(line.strip() == "+ apiVersion: argoproj.io/v1alpha1" for line in lines)
    for value in _leaf_strings(removed):
        assert any(line.strip().startswith("-") and value in line for line in lines), value
    for value in _leaf_strings(added):
        assert any(line.strip().startswith("+") and value in line for line in lines), value
    assert "..." not in out and "{" not in out  # nothing cut, no JSON one-liners


def test_added_task_shown_whole_in_text_and_markdown():
    old, new = CASES / "task-added" / "old.yaml", CASES / "task-added" / "new.yaml"
    task = next(t for t in _yaml(new)[0]["spec"]["templates"][0]["dag"]["tasks"] if t["name"] == "report")
    text = run("diff", str(old), str(new)).stdout
    assert "+ spec.templates[main].dag.tasks[report]: added" in text
    block = [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("+ ") and ":" in line][1:]
    assert "name: report" in block and f"depends: {task['depends']}" in block
    for value in _leaf_strings(task):
        assert any(value in line for line in block), value
    md = run("diff", str(old), str(new), "-o", "markdown").stdout
    assert "- added `spec.templates[main].dag.tasks[report]`\n\n  ```yaml\n  name: report\n" in md
    assert "<details>" not in md  # short: shown open


def test_long_added_resource_is_collapsible_in_markdown():
    out = run("diff", str(CASES / "multi" / "old.yaml"), str(CASES / "multi" / "new.yaml"), "-o", "markdown").stdout
    assert "- added resource\n" in out and "- removed resource\n" in out
    from wfctl.diff.render import FOLD_LINES
    from wfctl.yamlout import to_review_yaml as to_yaml

    for doc, op in (
        (_yaml(CASES / "multi" / "new.yaml")[-1], "added"),
        (_yaml(CASES / "multi" / "old.yaml")[0], "removed"),
    ):
        n = to_yaml(doc).count("\n") + 1
        folded = f"<details><summary>{op} resource ({n} lines)</summary>" in out
        assert folded == (n > FOLD_LINES)
        assert "".join(f"  {line}\n" for line in to_yaml(doc).splitlines()) in out


def test_long_resource_folds(tmp_path):
    """A removed resource longer than FOLD_LINES is in a <details> block, whole."""
    src = FIXTURES / "examples" / "dag.yaml"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(src, tmp_path / "a" / "dag.yaml")
    md = run("diff", str(tmp_path / "a"), str(tmp_path / "b"), "-o", "markdown").stdout
    assert "<details><summary>removed resource (" in md and "  </details>" in md
    assert "  ```yaml\n  apiVersion: argoproj.io/v1alpha1\n" in md
    for value in _leaf_strings(_yaml(src)[0]):
        if "\n" not in value:
            assert value in md, value


def test_files_in_every_format():
    old, new = CASES / "image" / "old.yaml", CASES / "image" / "new.yaml"
    text = run("diff", str(old), str(new)).stdout
    assert text.splitlines()[0].endswith(f"({run_path(old)} → {run_path(new)})")
    md = run("diff", str(old), str(new), "-o", "markdown").stdout
    assert f"`{run_path(old)}` → `{run_path(new)}`" in md
    _, payload, _ = diff_json(old, new)
    assert {(c["old_file"], c["new_file"]) for c in payload["changes"]} == {(run_path(old), run_path(new))}


def run_path(p):
    from wfctl.loader.discovery import display_path

    return display_path(p)


def test_generate_name_pairs_by_file_then_content():
    old, new = CASES / "generate-name" / "old", CASES / "generate-name" / "new"
    code, payload, _ = diff_json(old, new)
    got = sorted((c["op"], c["path"], c["old_file"], c["new_file"]) for c in payload["changes"])
    o, n = run_path(old), run_path(new)
    assert got == [
        ("added", "", None, f"{n}/release.yaml"),
        ("changed", "spec.templates[build].container.image", f"{o}/build.yaml", f"{n}/ci/build.yaml"),
        ("removed", "", f"{o}/coinflip.yaml", None),
    ]
    assert code == 1
    text = run("diff", str(old), str(new)).stdout
    assert f"Workflow/coinflip-*  ({o}/coinflip.yaml)" in text and "conditionals" not in text
    assert "3 changes in 3 resources (1 added, 1 changed, 1 removed)" in text


def test_deleting_coinflip_upstream(upstream_examples, tmp_path):
    """The reported case: Argo's coinflip.yaml and conditionals-complex.yaml share generateName."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for name in ("coinflip.yaml", "conditionals-complex.yaml"):
        shutil.copy(upstream_examples / name, tmp_path / "a" / name)
    shutil.copy(upstream_examples / "conditionals-complex.yaml", tmp_path / "b" / "conditionals-complex.yaml")
    code, payload, _ = diff_json(tmp_path / "a", tmp_path / "b")
    assert code == 1
    assert [(c["op"], c["path"], c["old_file"].rsplit("/", 1)[-1]) for c in payload["changes"]] == [
        ("removed", "", "coinflip.yaml")
    ]
    # renamed file, same content: paired, no change; an unrelated workflow is never paired
    shutil.move(tmp_path / "b" / "conditionals-complex.yaml", tmp_path / "b" / "renamed.yaml")
    shutil.copy(upstream_examples / "coinflip-recursive.yaml", tmp_path / "b" / "coinflip-recursive.yaml")
    _, payload, _ = diff_json(tmp_path / "a", tmp_path / "b")
    ops = sorted((c["op"], (c["old_file"] or c["new_file"]).rsplit("/", 1)[-1]) for c in payload["changes"])
    assert ops == [("added", "coinflip-recursive.yaml"), ("removed", "coinflip.yaml")]


def test_env_reorder_is_a_change_in_every_format():
    old, new = CASES / "env-order" / "old.yaml", CASES / "env-order" / "new.yaml"
    _, payload, _ = diff_json(old, new)
    (change,) = payload["changes"]
    assert (change["op"], change["before"], change["after"]) == (
        "reordered",
        ["HOST", "URL", "RETRIES"],
        ["URL", "HOST", "RETRIES"],
    )
    text = run("diff", str(old), str(new)).stdout
    assert "~ spec.templates[get].container.env: order changed" in text
    assert "- HOST, URL, RETRIES" in text and "+ URL, HOST, RETRIES" in text
    md = run("diff", str(old), str(new), "-o", "markdown").stdout
    assert "- reordered `spec.templates[get].container.env` (order matters here): `HOST, URL, RETRIES`" in md
    # templates, tasks and parameters reordered: silent
    code, payload, _ = diff_json(CASES / "reorder" / "old.yaml", CASES / "reorder" / "new.yaml")
    assert code == 0 and payload["changes"] == []


def test_grammar():
    from wfctl.diff.compare import DiffResult
    from wfctl.diff.render import summary

    assert summary(DiffResult([], 1, [("x.json", "why")])) == (
        "no differences (1 resource compared); 1 file skipped (no Argo workflow in it)"
    )
    out = run("diff", str(CASES / "formatting" / "old.yaml"), str(CASES / "formatting" / "new.yaml")).stdout
    assert out.strip() == "no differences (1 resource compared)"
    out = run("diff", str(CASES / "multi" / "old.yaml"), str(CASES / "multi" / "old.yaml")).stdout
    assert out.strip() == "no differences (2 resources compared)"
    out = run("diff", str(CASES / "dependency" / "old.yaml"), str(CASES / "dependency" / "new.yaml")).stdout
    assert out.splitlines()[-1] == "1 change in 1 resource (1 changed)"


def test_exclude_in_directory_mode(tmp_path):
    for side, case in (("a", "old"), ("b", "new")):
        (tmp_path / side / "vendor").mkdir(parents=True)
        shutil.copy(CASES / "image" / f"{case}.yaml", tmp_path / side / "vendor" / "p.yaml")
        shutil.copy(CASES / "formatting" / f"{case}.yaml", tmp_path / side / "f.yaml")
    code, payload, _ = diff_json(tmp_path / "a", tmp_path / "b")
    assert code == 1 and len(payload["changes"]) == 2
    code, payload, _ = diff_json(tmp_path / "a", tmp_path / "b", "--exclude", "vendor")
    assert code == 0 and payload["changes"] == [] and payload["summary"] == "no differences (1 resource compared)"
    assert diff_json(tmp_path / "a", tmp_path / "b", "--exclude", "p.yaml")[0] == 0


NOT_ARGO = {
    "chart/templates/job.yaml": "{{- if .Values.enabled }}\napiVersion: batch/v1\nkind: Job\n{{- end }}\n",
    "web/tsconfig.json": '{\n  // comments are JSONC\n  "compilerOptions": {"strict": true,},\n}\n',
    "data/list.json": "[1, 2, 3]\n",
}


def test_git_skips_unrelated_files_that_do_not_parse(repo, tmp_path):
    for rel, content in NOT_ARGO.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content)
    repo("add", ".")
    repo("commit", "-qm", "non-argo files")
    shutil.copy(CASES / "image" / "new.yaml", tmp_path / "wf" / "p.yaml")
    result = run("diff", "--git", "HEAD")
    assert result.exit_code == 1, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "2 changes in 1 resource (2 changed); 3 files skipped (no Argo workflow in them)"
    )
    assert "Workflow/pipeline  (wf/p.yaml@HEAD → wf/p.yaml)" in result.stdout
    verbose = run("diff", "--git", "HEAD", "-v").stdout
    for rel in NOT_ARGO:
        assert f"skipped {rel}@HEAD: " in verbose or f"skipped {rel}: " in verbose
    code, payload = run_json("diff", "--git", "HEAD")
    assert code == 1 and {s["file"].split("@")[0] for s in payload["skipped"]} == set(NOT_ARGO)
    # --exclude removes them from both sides
    code, payload = run_json("diff", "--git", "HEAD", "--exclude", "chart", "--exclude", "*.json")
    assert payload["skipped"] == [] and code == 1
    # a broken file that says it is an Argo manifest stays an error
    (tmp_path / "wf" / "broken.yaml").write_text("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec: [\n")
    result = run("diff", "--git", "HEAD")
    assert result.exit_code == 2 and "wf/broken.yaml:" in result.stderr and "YAML syntax error" in result.stderr


def test_git_to_rev_with_broken_helm_file(repo, tmp_path):
    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "wf.yaml").write_text('{{ include "x" . }}\nkey: [\n')
    repo("add", ".")
    repo("commit", "-qm", "helm")
    result = run("diff", "--git", "HEAD~1", "--to", "HEAD", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [s["file"] for s in json.loads(result.stdout)["skipped"]] == ["chart/wf.yaml@HEAD"]


# --- units ----------------------------------------------------------------------------------------


def _res(name, origin, data, generated=True):
    from wfctl.argo.meta import Resource

    return Resource("Workflow", name, "", data, origin, generated, origin)


def test_match_units():
    from wfctl.diff.match import match_resources, similarity

    big = {"spec": {"templates": [{"name": f"t{i}", "container": {"image": f"img:{i}"}} for i in range(10)]}}
    edited = json.loads(json.dumps(big))
    edited["spec"]["templates"][0]["container"]["image"] = "img:new"
    other = {"spec": {"entrypoint": "x", "templates": [{"name": "x", "script": {"source": "print(1)"}}]}}
    assert similarity(big, big) == 1.0 and 0.8 < similarity(big, edited) < 1.0 and similarity(big, other) < 0.2
    old = [_res("g-", "a.yaml", big), _res("g-", "b.yaml", other)]
    new = [_res("g-", "moved.yaml", edited), _res("g-", "c.yaml", {"spec": {"entrypoint": "y"}})]
    pairs = [(a and a.origin, b and b.origin) for a, b in match_resources(old, new)]
    assert pairs == [("a.yaml", "moved.yaml"), ("b.yaml", None), (None, "c.yaml")]
    # same file first, whatever the content; in order within the file
    old = [_res("g-", "x.yaml", big), _res("g-", "y.yaml", other)]
    new = [_res("g-", "y.yaml", big), _res("g-", "x.yaml", other)]
    assert [(a.data is big, b.data is other) for a, b in match_resources(old, new)] == [(True, True), (False, False)]
    # named resources pair by name wherever they moved
    named = match_resources([_res("n", "a.yaml", big, False)], [_res("n", "b.yaml", other, False)])
    assert [(a.origin, b.origin) for a, b in named] == [("a.yaml", "b.yaml")]


def test_reorders_unit():
    from wfctl.diff.normalize import normalize, reorders

    def doc(env, params):
        return normalize(
            {"spec": {"arguments": {"parameters": params}, "templates": [{"name": "t", "container": {"env": env}}]}}
        )

    env1 = [{"name": "A", "value": "1"}, {"name": "B", "value": "$(A)"}]
    p = [{"name": "x"}, {"name": "y"}]
    assert reorders(doc(env1, p), doc(env1, list(reversed(p)))) == []
    assert reorders(doc(env1, p), doc(list(reversed(env1)), p)) == [
        (("spec", "templates", "[t]", "container", "env"), ["A", "B"], ["B", "A"])
    ]
    # init containers run in order; volumes do not
    pod = [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]
    vols = [{"name": "v1", "emptyDir": {}}, {"name": "v2", "emptyDir": {}}]
    assert reorders(normalize({"initContainers": pod}), normalize({"initContainers": pod[::-1]})) == [
        (("initContainers",), ["a", "b"], ["b", "a"])
    ]
    assert reorders(normalize({"volumes": vols}), normalize({"volumes": vols[::-1]})) == []
    # an added variable is not a reorder of the others
    assert reorders(doc(env1, p), doc([{"name": "Z"}, *env1], p)) == []


def test_yaml_output_unit():
    from wfctl.yamlout import to_review_yaml as to_yaml

    assert to_yaml({"b": 1, "a": [{"name": "x", "s": "line1\nline2\n"}]}) == (
        "b: 1\na:\n- name: x\n  s: |\n    line1\n    line2"
    )
    assert to_yaml("plain") == "plain" and to_yaml(3) == "3"


def test_graph_does_not_import_deepdiff_but_diff_does():
    import sys

    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom wfctl.cli.root import cli\n"
        "r = CliRunner().invoke(cli, {args!r})\nassert r.exit_code in (0, 1), r.output\n"
        "print('deepdiff' in sys.modules)\n"
    )
    dag = str(FIXTURES / "examples" / "dag.yaml")
    for args, expected in ((["graph", dag], "False"), (["diff", dag, dag], "True")):
        out = subprocess.run([sys.executable, "-c", code.format(args=args)], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected


def test_live_names_the_cluster_as_the_old_side(tmp_path, monkeypatch):
    from tests.kubeserver import KubeServer

    server = KubeServer().start()
    try:
        monkeypatch.setenv("KUBECONFIG", server.kubeconfig(tmp_path / "kubeconfig"))
        f = tmp_path / "wft.yaml"
        f.write_text((FIXTURES / "examples" / "workflowtemplate.yaml").read_text().split("---")[0])
        assert run("apply", "-f", str(f)).exit_code == 0
        f.write_text(f.read_text().replace("value: team", "value: everyone"))
        result = run("diff", "--live", str(f))
        assert result.exit_code == 1
        assert f"((cluster) → {run_path(f)})" in result.stdout.splitlines()[0]
        _, payload = run_json("diff", "--live", str(f))
        assert {(c["old_file"], c["new_file"]) for c in payload["changes"]} == {("(cluster)", run_path(f))}
    finally:
        server.stop()
