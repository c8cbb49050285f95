"""WF018 unknown-suppression: a `# wfctl: disable=` comment names a rule that does not exist."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class UnknownSuppression(Rule):
    """A suppression comment names a rule ID or name that wfctl does not know, so it silences nothing
    (often a typo: `WF2O1`). `wfctl rules` lists the IDs and names.
    """

    code = "WF018"
    name = "unknown-suppression"
    severity = Severity.WARNING
    summary = "Suppression comment naming an unknown rule"
    stage = "input"
