"""WF017 wrong-api-version: argo kind with an apiVersion other than argoproj.io/v1alpha1."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class WrongApiVersion(Rule):
    """Argo kind with an apiVersion other than argoproj.io/v1alpha1.

    Workflow, WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow exist only as
    `argoproj.io/v1alpha1`; with another apiVersion the API server does not know the object. When
    the `apiVersion` key itself is missing the message says so, and names a key that looks like a
    misspelling of it (`apiVersions:`, `apiversion:`), pointing at that key's value.
    """

    code = "WF017"
    name = "wrong-api-version"
    severity = Severity.ERROR
    summary = "Argo kind with an apiVersion other than argoproj.io/v1alpha1"
    stage = "input"
