"""Set-based selectors with empty members, read as the Kubernetes API server reads them: `app in ()` is
not an empty set (which the API server would refuse) but the set holding the empty value, so it selects
objects labelled `app: ""`; `app notin ()` selects the others. The API server (v1.20 in
../shared/realcluster, and apimachinery's parser to this day) and kubectl accept them, so wfctl does too,
with the same meaning (tests/e2e/test_names_and_selectors.py compares with the real server).
Unit level (`kube.selector`) and through `apply --prune` on the in-process API server."""

from __future__ import annotations

import pytest

from tests.conftest import run
from wfctl.kube.selector import parse, prune_selector

LABELS = {"empty": {"app": ""}, "etl": {"app": "etl"}, "none": {}, "other": {"team": "a"}}


@pytest.mark.parametrize(
    ("selector", "values", "selected"),
    [
        ("app in ()", ("",), {"empty"}),
        ("app in ( )", ("",), {"empty"}),
        ("app in (,)", ("", ""), {"empty"}),
        ("app in (etl,)", ("etl", ""), {"empty", "etl"}),
        ("app notin ()", ("",), {"etl", "none", "other"}),
        ("app notin (etl,)", ("etl", ""), {"none", "other"}),
        ("app=", ("",), {"empty"}),
    ],
)
def test_empty_members_mean_the_empty_value(selector, values, selected):
    parsed = parse(selector)
    (term,) = parsed.terms
    assert term.values == values
    assert {name for name, labels in LABELS.items() if parsed.matches(labels)} == selected


def test_in_with_the_empty_value_requires_the_label_so_prune_accepts_it():
    assert str(prune_selector("app in ()")) == "app in ()"
    with pytest.raises(ValueError, match="do not carry the label"):
        prune_selector("app notin ()")


def wft(name: str, app: str | None) -> str:
    labels = f"  labels: {{app: '{app}'}}\n" if app is not None else ""
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: {name}\n{labels}"
        "spec:\n  templates: [{name: t, suspend: {}}]\n"
    )


def test_prune_with_in_empty_reaches_only_objects_labelled_with_the_empty_value(kube, tmp_path):
    first = tmp_path / "first.yaml"
    first.write_text("---\n".join([wft("kept", ""), wft("blank", ""), wft("etl", "etl"), wft("bare", None)]))
    assert run("apply", "-f", str(first)).exit_code == 0
    second = tmp_path / "second.yaml"
    second.write_text(wft("kept", ""))
    result = run("apply", "-f", str(second), "--prune", "-l", "app in ()")
    assert result.exit_code == 0, result.output
    assert "workflowtemplate.argoproj.io/blank pruned" in result.stdout
    assert kube.names("workflowtemplates") == ["bare", "etl", "kept"]
