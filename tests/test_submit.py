"""`wfctl submit --from`: the Workflow built for a template or a CronWorkflow (unit), and through the CLI."""

from __future__ import annotations

from tests.conftest import run
from wfctl.kube.submit import build_workflow


def test_build_workflow_from_each_kind():
    wft = build_workflow({}, "WorkflowTemplate", "etl", "ns", parameters=[], entrypoint=None, generate_name=None)
    assert wft["metadata"] == {
        "generateName": "etl-",
        "namespace": "ns",
        "labels": {"workflows.argoproj.io/workflow-template": "etl"},
    }
    assert wft["spec"] == {"workflowTemplateRef": {"name": "etl"}}
    cwft = build_workflow(
        {}, "ClusterWorkflowTemplate", "etl", "ns", parameters=[], entrypoint="main", generate_name="run-"
    )
    assert cwft["spec"] == {"workflowTemplateRef": {"name": "etl", "clusterScope": True}, "entrypoint": "main"}
    assert cwft["metadata"]["generateName"] == "run-"
    cron = {"spec": {"workflowSpec": {"entrypoint": "e", "arguments": {"parameters": [{"name": "a", "value": "1"}]}}}}
    wf = build_workflow(
        cron,
        "CronWorkflow",
        "nightly",
        "ns",
        parameters=[{"name": "a", "value": "2"}],
        entrypoint=None,
        generate_name=None,
    )
    assert wf["metadata"]["labels"] == {"workflows.argoproj.io/cron-workflow": "nightly"}
    assert wf["spec"]["arguments"]["parameters"] == [{"name": "a", "value": "2"}]  # overridden by name
    assert cron["spec"]["workflowSpec"]["arguments"]["parameters"][0]["value"] == "1"  # the source is untouched


def test_submit_from_a_template_through_the_cli(kube):
    missing = run("submit", "--from", "workflowtemplate/etl")
    assert missing.exit_code == 3 and "workflowtemplate.argoproj.io/etl not found in namespace" in missing.stderr
    bad = run("submit", "--from", "workflow/etl")
    assert bad.exit_code == 2 and "is not a kind a Workflow can be submitted from" in bad.stderr
