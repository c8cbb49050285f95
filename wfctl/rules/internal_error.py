"""WF000 internal-error: wfctl could not finish a check on this document."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class InternalError(Rule):
    """wfctl could not finish a check on this document.

    A rule raised an unexpected error on this document. The document may still be fine; please report it
    with the document attached. Other rules still ran.
    """

    code = "WF000"
    name = "internal-error"
    severity = Severity.ERROR
    summary = "wfctl could not finish a check on this document"
    stage = "input"
