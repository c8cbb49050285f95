"""WF011 duplicate-key: duplicate key in a YAML mapping."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class DuplicateKey(Rule):
    """Duplicate key in a YAML mapping.

    YAML forbids the same key twice in one mapping. Kubernetes keeps only one of the values (silently
    losing the other) and Argo's strict decoder rejects the document, while `argo lint` drops it without
    a word. Merge the two entries.
    """

    code = "WF011"
    name = "duplicate-key"
    severity = Severity.ERROR
    summary = "Duplicate key in a YAML mapping"
    stage = "input"
