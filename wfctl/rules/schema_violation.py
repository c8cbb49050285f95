"""WF005 schema-violation: other violation of Argo's schema."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class SchemaViolation(Rule):
    """Other violation of Argo's schema.

    The document breaks a constraint of Argo's schema not covered by a more specific rule.
    """

    code = "WF005"
    name = "schema-violation"
    severity = Severity.ERROR
    summary = "Other violation of Argo's schema"
    stage = "input"
