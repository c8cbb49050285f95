"""`wfctl fix`: safe, comment-preserving rewrites that belong to rules (see README, "wfctl fix").

This module stays light (the engine imports it to know which rules are fixable); the fixes themselves
live in one module per rule: `argo4` (WF132 removed-field), `quote` (WF002 wrong-type), `onexit`
(WF209 deprecated-field). `attach` computes a finding's fix, `run` applies fixes to files.
"""

from __future__ import annotations

# rule code -> ("safe" | "unsafe", module that builds the fix)
FIXERS: dict[str, tuple[str, str]] = {
    "WF132": ("safe", "wfctl.fix.argo4"),
    "WF002": ("safe", "wfctl.fix.quote"),
    "WF209": ("unsafe", "wfctl.fix.onexit"),
}


def fix_kind(code: str) -> str | None:
    """Whether the rule's fix is "safe" or "unsafe"; None when the rule has no automatic fix."""
    entry = FIXERS.get(code)
    return entry[0] if entry else None
