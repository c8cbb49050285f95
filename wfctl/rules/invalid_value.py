"""WF004 invalid-value: value not among the allowed ones."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class InvalidValue(Rule):
    """Value not among the allowed ones.

    The field only takes a fixed set of values (an enumeration) and this is not one of them.
    """

    code = "WF004"
    name = "invalid-value"
    severity = Severity.ERROR
    summary = "Value not among the allowed ones"
    stage = "input"
