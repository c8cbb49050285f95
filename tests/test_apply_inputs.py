"""apply never skips a file that does not parse, even one `validate` skips as "not an Argo manifest":
its objects would be missing from the set, and `--prune` would delete them."""

from __future__ import annotations

from tests.conftest import run

HELM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ .Values.x }}}\n"
WFT = (
    "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: ok}\n"
    "spec:\n  templates: [{name: a, container: {image: 'alpine:3.20'}}]\n"
)


def test_validate_skips_an_unparsable_non_argo_file_but_apply_refuses_it(tmp_path):
    (tmp_path / "helm.yaml").write_text(HELM)
    (tmp_path / "ok.yaml").write_text(WFT)
    checked = run("validate", "--no-cache", "-v", str(tmp_path))
    assert checked.exit_code == 0 and "not an Argo manifest" in checked.stdout + checked.stderr
    for extra in ([], ["--no-validate"], ["--prune", "-l", "app=x"]):
        result = run("apply", "-f", str(tmp_path), "--dry-run=client", *extra)
        assert result.exit_code == 2, result.stderr
        assert "nothing was applied" in result.stderr
        assert f"{tmp_path / 'helm.yaml'}:3:19: error WF010 " in result.stderr
