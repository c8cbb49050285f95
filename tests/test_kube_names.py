"""Names on the command line of the cluster commands are checked before the first request: `-n` (every
command), `watch NAME`, `submit --from KIND/NAME`, `--generate-name`, `-p NAME=`, `--entrypoint`, and the
kubeconfig's namespace. A name the API would refuse is exit 2 with the rule, and no request is sent.
`--from` takes the argo CLI's kind spellings and the CRDs' short names. Unit level (`wfctl.kube.names`,
`wfctl.kube.submit.parse_source`) and through the CLI against the in-process API server."""

from __future__ import annotations

import pytest

from tests.conftest import run
from wfctl.kube.names import (
    entrypoint_problem,
    generate_name_problem,
    name_problem,
    namespace_problem,
    parameter_name_problem,
)
from wfctl.kube.submit import parse_source

WFT = """apiVersion: argoproj.io/v1alpha1
kind: {kind}
metadata:
  name: etl
spec:
  {body}
"""


# ------------------------------------------------------------------ unit: the rules


@pytest.mark.parametrize("good", ["argo", "a", "team-1", "0a", "a" * 63])
def test_valid_namespaces(good):
    assert namespace_problem(good, "-n") is None


@pytest.mark.parametrize("bad", ["Bad_NS", "a.b", "-a", "a-", "a" * 64, "ns\n", "é"])
def test_invalid_namespaces(bad):
    problem = namespace_problem(bad, "-n")
    assert problem is not None and f"-n {bad!r} is not a valid namespace" in problem and "at most 63" in problem


@pytest.mark.parametrize("good", ["etl", "etl.v2", "a", "x" * 253, "1-2.3"])
def test_valid_names(good):
    assert name_problem(good, "") is None


@pytest.mark.parametrize("bad", ["Bad_Name", "a..b", ".a", "a.", "x" * 254, "a/b", "etl\n"])
def test_invalid_names(bad):
    assert name_problem(bad, "") == (
        f"{bad!r} is not a valid name (lowercase letters, digits, '-' and '.', starting and ending with a letter"
        " or digit; at most 253)"
    )


def test_empty_values_are_named():
    assert name_problem("", "") == "the name must be a non-empty string, not ''"
    assert namespace_problem(None, "metadata.namespace") == "metadata.namespace must be a non-empty string, not None"


@pytest.mark.parametrize("good", ["run-", "run", "etl.v2-", "a--", "x" * 70 + "-"])
def test_valid_generate_names(good):
    assert generate_name_problem(good, "") is None


@pytest.mark.parametrize("bad", ["BAD_", "Run-", "-", "-run-", ".run-", "run_-", "a..b-", "x" * 254, ""])
def test_invalid_generate_names(bad):
    problem = generate_name_problem(bad, "--generate-name")
    assert problem is not None and "--generate-name" in problem


def test_a_generate_name_is_judged_by_the_names_made_from_it():
    # the server appends 5 letters or digits: "run.-" reads well with its '-' as a letter ("run.a") but
    # "run.-x7k2p" is not a name; a trailing '.' is refused as the API server refuses it
    assert generate_name_problem("run.-", "") is not None
    assert generate_name_problem("run.", "") is not None
    assert generate_name_problem("a" * 57 + ".b" + "c" * 20 + "-", "") is None  # longer than the 58 kept


def test_parameter_and_entrypoint_names():
    assert parameter_name_problem("who_2-x", "") is None
    assert (
        parameter_name_problem("a b", "-p") == "-p 'a b' is not a valid parameter name (letters, digits, '-' and '_')"
    )
    assert entrypoint_problem("main-2", "") is None
    assert "is not a valid template name" in (entrypoint_problem("main_2", "") or "")


# ------------------------------------------------------------------ unit: --from KIND/NAME


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("workflowtemplate/etl", "WorkflowTemplate"),
        ("WorkflowTemplate/etl", "WorkflowTemplate"),
        ("workflowtemplates/etl", "WorkflowTemplate"),
        ("wftmpl/etl", "WorkflowTemplate"),
        ("clusterworkflowtemplate/etl", "ClusterWorkflowTemplate"),
        ("clusterworkflowtemplates/etl", "ClusterWorkflowTemplate"),
        ("cwftmpl/etl", "ClusterWorkflowTemplate"),
        ("cwft/etl", "ClusterWorkflowTemplate"),
        ("clusterwftmpl/etl", "ClusterWorkflowTemplate"),
        ("cronworkflow/etl", "CronWorkflow"),
        ("CronWorkflow/etl", "CronWorkflow"),
        ("cronworkflows/etl", "CronWorkflow"),
        ("cronwf/etl", "CronWorkflow"),
        ("cwf/etl", "CronWorkflow"),
    ],
)
def test_from_accepts_the_argo_cli_spellings_and_the_crd_short_names(text, kind):
    assert parse_source(text) == (kind, "etl")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wft/etl", "'wft' is not a kind a Workflow can be submitted from"),
        ("workflow/etl", "'workflow' is not a kind"),
        ("wf/etl", "'wf' is not a kind"),
        ("etl", "no '/' in it"),
        ("wftmpl/", "the name must be a non-empty string"),
        ("wftmpl/Bad_Name", "'Bad_Name' is not a valid name"),
        ("wftmpl/a/b", "'a/b' is not a valid name"),
    ],
)
def test_from_refusals_say_why(text, expected):
    with pytest.raises(ValueError) as info:
        parse_source(text)
    assert expected in str(info.value)
    assert str(info.value).startswith(repr(text))


# ------------------------------------------------------------------ through the CLI: nothing is sent


@pytest.mark.parametrize(
    ("args", "hint", "expected"),
    [
        (("submit", "--from", "wftmpl/etl", "--generate-name", "BAD_"), "--generate-name", "'BAD_' is not a valid"),
        (("submit", "--from", "wftmpl/etl", "-n", "Bad_NS"), "-n/--namespace", "'Bad_NS' is not a valid namespace"),
        (("submit", "--from", "wftmpl/Bad_Name"), "--from", "'Bad_Name' is not a valid name"),
        (("submit", "--from", "wft/etl"), "--from", "'wft' is not a kind"),
        (("submit", "--from", "wftmpl/etl", "-p", "a b=1"), "-p", "'a b' is not a valid parameter name"),
        (("submit", "--from", "wftmpl/etl", "-p", "novalue"), "-p", "'novalue' is not NAME=VALUE"),
        (("submit", "--from", "wftmpl/etl", "--entrypoint", "a_b"), "--entrypoint", "not a valid template name"),
        (("watch", "Bad_Name"), "NAME", "'Bad_Name' is not a valid name"),
        (("watch", "ok", "-n", "Bad_NS"), "-n/--namespace", "'Bad_NS' is not a valid namespace"),
        (("watch", "-l", "app=x", "-n", "a" * 64), "-n/--namespace", "is not a valid namespace"),
        (("apply", "-f", "-", "-n", "Bad_NS"), "-n/--namespace", "'Bad_NS' is not a valid namespace"),
        (("diff", "--live", "-", "-n", "Bad_NS"), "-n/--namespace", "'Bad_NS' is not a valid namespace"),
    ],
)
def test_a_bad_name_is_exit_2_before_any_request(kube, args, hint, expected):
    result = run(*args, input=WFT.format(kind="WorkflowTemplate", body="templates: [{name: t, suspend: {}}]"))
    assert result.exit_code == 2, result.output
    assert f"Invalid value for {hint}: " in result.stderr and expected in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert kube.state.requests == []


@pytest.mark.parametrize("command", [("watch", "some-run"), ("submit", "--from", "wftmpl/etl")])
def test_an_invalid_kubeconfig_namespace_is_exit_2_before_any_request(kube, tmp_path, monkeypatch, command):
    monkeypatch.setenv("KUBECONFIG", kube.kubeconfig(tmp_path / "bad-ns", namespace="Not_Valid"))
    result = run(*command)
    assert result.exit_code == 2, result.output
    assert "the kubeconfig's namespace 'Not_Valid' is not a valid namespace" in result.stderr
    assert "give -n NAMESPACE" in result.stderr
    assert kube.state.requests == []
    # -n overrides it: then the command goes on (and the cluster answers)
    assert run(*command, "-n", "argo").exit_code != 2


@pytest.mark.parametrize(
    ("spelling", "kind", "plural", "body"),
    [
        ("wftmpl", "WorkflowTemplate", "workflowtemplates", "templates: [{name: t, suspend: {}}]"),
        ("cwft", "ClusterWorkflowTemplate", "clusterworkflowtemplates", "templates: [{name: t, suspend: {}}]"),
        (
            "cwf",
            "CronWorkflow",
            "cronworkflows",
            "schedules: ['0 * * * *']\n  workflowSpec: {entrypoint: t, templates: [{name: t, suspend: {}}]}",
        ),
        (
            "cronwf",
            "CronWorkflow",
            "cronworkflows",
            "schedules: ['0 * * * *']\n  workflowSpec: {entrypoint: t, templates: [{name: t, suspend: {}}]}",
        ),
    ],
)
def test_submit_from_each_spelling_creates_the_workflow(kube, tmp_path, spelling, kind, plural, body):
    source = tmp_path / "src.yaml"
    source.write_text(WFT.format(kind=kind, body=body))
    assert run("apply", "-f", str(source)).exit_code == 0
    result = run("submit", "--from", f"{spelling}/etl", "--generate-name", "nightly-", "-p", "who=me", "-o", "name")
    assert result.exit_code == 0, result.output
    created = result.stdout.strip().removeprefix("workflow.argoproj.io/")
    assert created.startswith("nightly-")
    wf = kube.get("workflows", created)
    assert wf is not None and wf["spec"]["arguments"]["parameters"] == [{"name": "who", "value": "me"}]
    label = {"WorkflowTemplate": "workflow-template", "ClusterWorkflowTemplate": "cluster-workflow-template"}
    key = f"workflows.argoproj.io/{label.get(kind, 'cron-workflow')}"
    assert wf["metadata"]["labels"] == {key: "etl"}
    assert any(m == "GET" and f"/{plural}/etl" in p for m, p in kube.state.requests)


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ("{name: Bad_Name}", "metadata.name 'Bad_Name' is not a valid name"),
        ("{name: ok, namespace: Bad_NS}", "metadata.namespace 'Bad_NS' is not a valid namespace"),
    ],
)
def test_diff_live_checks_the_manifests_names_before_any_request(kube, tmp_path, metadata, expected):
    good = WFT.format(kind="WorkflowTemplate", body="templates: [{name: t, suspend: {}}]")
    (tmp_path / "a.yaml").write_text(good)  # a good object first: still nothing is read from the cluster
    (tmp_path / "b.yaml").write_text(good.replace("metadata:\n  name: etl", f"metadata: {metadata}"))
    result = run("diff", "--live", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr and "nothing was compared" in result.stderr
    assert kube.state.requests == []
