"""WF001 unknown-field: field not in Argo's schema for this place (typo or wrong indentation)."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class UnknownField(Rule):
    """Field not in Argo's schema for this place (typo or wrong indentation).

    Argo decodes manifests strictly: an unknown field is rejected (`strict decoding error: unknown field`),
    and `kubectl apply` silently drops it. A misspelled field (`entrypiont`) or a field indented under the
    wrong parent is the usual cause; the message suggests the closest known field.

    **Fails**: `spec: {entrypiont: main}`  **Passes**: `spec: {entrypoint: main}`
    """

    code = "WF001"
    name = "unknown-field"
    severity = Severity.ERROR
    summary = "Field not in Argo's schema for this place (typo or wrong indentation)"
    stage = "input"
