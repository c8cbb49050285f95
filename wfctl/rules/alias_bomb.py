"""WF015 alias-bomb: yAML aliases expand beyond the limit, or refer to themselves."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class AliasBomb(Rule):
    """YAML aliases expand beyond the limit, or refer to themselves.

    YAML anchors and aliases can make a tiny file expand to billions of nodes ('billion laughs').
    wfctl stops reading a document whose aliases add more than 100,000 nodes, or whose anchor
    contains itself.
    """

    code = "WF015"
    name = "alias-bomb"
    severity = Severity.ERROR
    summary = "YAML aliases expand beyond the limit, or refer to themselves"
    stage = "input"
