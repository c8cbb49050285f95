"""Give each fixable finding its fix: the rule's fix module turns (finding, document, text) into edits."""

from __future__ import annotations

import importlib
from typing import Any

from wfctl.fix import FIXERS
from wfctl.fix.text import Source, Unfixable
from wfctl.loader.documents import Document
from wfctl.model import Finding


def attach(findings: list[Finding], doc: Document, text: str, argo_version: str) -> None:
    """Set `finding.fix` for every finding whose rule has a fix that applies here; a finding whose fix
    does not fit this layout says why in its message."""
    src: Source | None = None
    for finding in findings:
        entry = FIXERS.get(finding.rule)
        if entry is None or doc.node is None or not text:
            continue
        src = src or Source(text)
        module: Any = importlib.import_module(entry[1])
        try:
            fix = module.build(finding, doc, src, argo_version)
        except Unfixable as exc:
            finding.message += f" (no automatic fix here: {exc})"
            continue
        if fix is not None:
            finding.fix = fix
