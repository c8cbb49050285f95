"""WF013 binary-file: binary file where a manifest was expected."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class BinaryFile(Rule):
    """Binary file where a manifest was expected.

    The file contains NUL bytes: it is not YAML or JSON text.
    """

    code = "WF013"
    name = "binary-file"
    severity = Severity.ERROR
    summary = "Binary file where a manifest was expected"
    stage = "input"
