"""On a real API server: names the API would refuse are refused by wfctl first (exit 2, nothing created,
where the server would have said 422 / exit 3), `submit --from` takes the argo CLI's spellings and the
CRDs' short names, and wfctl's local label-selector matching agrees with the API server's, empty set
members (`app in ()`) included."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import run
from tests.e2e.conftest import E2E, GROUP, NS, VERSION, labelled
from wfctl.kube.selector import parse

pytestmark = E2E


def wft(name: str, labels: dict[str, str] | None = None) -> str:
    shown = ", ".join(f"{k}: '{v}'" for k, v in (labels or {}).items())
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: {name}\n"
        f"  labels: {{{shown}}}\nspec:\n  entrypoint: t\n  templates: [{{name: t, suspend: {{}}}}]\n"
    )


def workflows(api, template: str) -> set[str]:
    return labelled(api, f"workflows.argoproj.io/workflow-template={template}", "workflows")


@pytest.fixture
def template(k, api, tmp_path):
    name = f"e2e-names-{uuid.uuid4().hex[:6]}"
    (tmp_path / "t.yaml").write_text(wft(name))
    assert k("apply", "-f", str(tmp_path / "t.yaml")).exit_code == 0
    return name


def test_names_the_api_would_refuse_are_exit_2_and_create_nothing(k, api, template):
    for args in (
        ("--generate-name", "BAD_"),
        ("-p", "a b=1"),
        ("--entrypoint", "not_a_template"),
    ):
        result = k("submit", "--from", f"wftmpl/{template}", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "Invalid value for" in result.stderr and "Traceback" not in result.output
    bad_ns = run("submit", "--from", f"wftmpl/{template}", "-n", "Bad_NS")  # k would add -n NS
    assert bad_ns.exit_code == 2 and "'Bad_NS' is not a valid namespace" in bad_ns.stderr
    watch = k("watch", "Bad_Name", "--timeout", "5s")
    assert watch.exit_code == 2 and "'Bad_Name' is not a valid name" in watch.stderr
    assert workflows(api, template) == set()
    # and what the server says to the same prefix, for the record: a 422, which wfctl never reaches
    from kubernetes.client.exceptions import ApiException

    body = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "Workflow",
        "metadata": {"generateName": "BAD_"},
        "spec": {"workflowTemplateRef": {"name": template}},
    }
    with pytest.raises(ApiException) as info:
        api.create_namespaced_custom_object(GROUP, VERSION, NS, "workflows", body)
    assert info.value.status == 422


@pytest.mark.parametrize("spelling", ["wftmpl", "workflowtemplate", "WorkflowTemplate", "workflowtemplates"])
def test_submit_from_each_spelling(k, api, template, spelling):
    result = k("submit", "--from", f"{spelling}/{template}", "--generate-name", "e2e-run-", "-o", "name")
    assert result.exit_code == 0, result.output
    created = result.stdout.strip().removeprefix("workflow.argoproj.io/")
    assert created.startswith("e2e-run-") and created in workflows(api, template)


SELECTORS = [
    "e2e-sel in ()",
    "e2e-sel notin ()",
    "e2e-sel in (,)",
    "e2e-sel in (a,)",
    "e2e-sel notin (a,)",
    "e2e-sel=",
    "e2e-sel!=",
    "e2e-sel in (a,b)",
    "e2e-sel",
    "!e2e-sel",
]


def test_local_selector_matching_agrees_with_the_api_server(k, api, tmp_path):
    batch = uuid.uuid4().hex[:6]
    objects = {
        f"e2e-sel-empty-{batch}": {"e2e-sel": ""},
        f"e2e-sel-a-{batch}": {"e2e-sel": "a"},
        f"e2e-sel-b-{batch}": {"e2e-sel": "b"},
        f"e2e-sel-none-{batch}": {},
    }
    for name, labels in objects.items():
        (tmp_path / f"{name}.yaml").write_text(wft(name, {**labels, "e2e-batch": batch}))
    assert k("apply", "-f", str(tmp_path)).exit_code == 0
    for selector in SELECTORS:
        server = labelled(api, f"e2e-batch={batch},{selector}")
        local = {name for name, labels in objects.items() if parse(selector).matches(labels)}
        assert local == server, selector
