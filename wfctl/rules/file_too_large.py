"""WF014 file-too-large: file larger than the size limit."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class FileTooLarge(Rule):
    """File larger than the size limit.

    Files above `--max-file-size` (default 10 MB) are not read. A manifest that large cannot be stored by
    the Kubernetes API anyway (the object limit is about 1.5 MB); split it or raise the limit.
    """

    code = "WF014"
    name = "file-too-large"
    severity = Severity.ERROR
    summary = "File larger than the size limit"
    stage = "input"
