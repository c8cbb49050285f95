"""WF002 wrong-type: value of the wrong type (string where a list is needed, ...)."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class WrongType(Rule):
    """Value of the wrong type (string where a list is needed, ...).

    The value does not have the type Argo's API expects here. Unquoted YAML scalars are a frequent cause:
    `yes`, `on` and `1.0` are not strings. Quote them when a string is meant.

    **Fails**: `args: echo hi`  **Passes**: `args: [echo, hi]`
    """

    code = "WF002"
    name = "wrong-type"
    severity = Severity.ERROR
    summary = "Value of the wrong type (string where a list is needed, ...)"
    stage = "input"
