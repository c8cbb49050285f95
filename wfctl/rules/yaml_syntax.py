"""WF010 yaml-syntax: yAML syntax error (including tab indentation)."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class YamlSyntax(Rule):
    """YAML syntax error (including tab indentation).

    The file is not valid YAML, so nothing in it can be checked after the error. Tabs are not allowed in
    YAML indentation; replace them with spaces.
    """

    code = "WF010"
    name = "yaml-syntax"
    severity = Severity.ERROR
    summary = "YAML syntax error (including tab indentation)"
    stage = "input"
