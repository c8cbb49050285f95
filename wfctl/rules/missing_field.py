"""WF003 missing-field: required field missing."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class MissingField(Rule):
    """Required field missing.

    A field that Argo's API requires here is missing (for example a parameter without `name`).

    **Fails**: `parameters: [{value: x}]`  **Passes**: `parameters: [{name: p, value: x}]`
    """

    code = "WF003"
    name = "missing-field"
    severity = Severity.ERROR
    summary = "Required field missing"
    stage = "input"
