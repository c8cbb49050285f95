"""WF016 not-a-mapping: document is a scalar or a list, not an object."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class NotAMapping(Rule):
    """Document is a scalar or a list, not an object.

    Every Kubernetes manifest is a mapping with `apiVersion`, `kind` and `metadata`. A document that is a
    plain string or a list cannot be one.
    """

    code = "WF016"
    name = "not-a-mapping"
    severity = Severity.ERROR
    summary = "Document is a scalar or a list, not an object"
    stage = "input"
