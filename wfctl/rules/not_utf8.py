"""WF012 not-utf8: file is not valid UTF-8 text."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class NotUtf8(Rule):
    """File is not valid UTF-8 text.

    Kubernetes manifests are UTF-8. The file contains bytes that are not valid UTF-8 (a Latin-1 editor
    save, or a file that is not text at all).
    """

    code = "WF012"
    name = "not-utf8"
    severity = Severity.ERROR
    summary = "File is not valid UTF-8 text"
    stage = "input"
