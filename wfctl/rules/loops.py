"""WF114 loops: withItems, withParam and withSequence are used one at a time and well formed."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_dict, iter_invocations
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class Loops(Rule):
    """A step or task loops over at most one of `withItems`, `withParam`, `withSequence`.
    `withSequence` takes `count` or `end`, not both; `withParam` is a string (JSON or a `{{...}}`
    expression producing a JSON list).
    """

    code = "WF114"
    name = "loops"
    severity = Severity.ERROR
    summary = "Conflicting or malformed withItems/withParam/withSequence"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, call, _, what in iter_invocations(ctx.doc):
            loops = [k for k in ("withItems", "withParam", "withSequence") if call.get(k) is not None]
            if len(loops) > 1:
                yield self.finding(
                    ctx,
                    (*path, loops[1]),
                    f"{what} {call.get('name')!r}: only one of {', '.join(loops)} can be used",
                    at_key=True,
                )
            seq = as_dict(call.get("withSequence"))
            if seq.get("count") is not None and seq.get("end") is not None:
                yield self.finding(
                    ctx,
                    (*path, "withSequence"),
                    f"{what} {call.get('name')!r}: withSequence takes count or end, not both",
                    at_key=True,
                )
            param = call.get("withParam")
            if param is not None and not isinstance(param, str):
                yield self.finding(
                    ctx,
                    (*path, "withParam"),
                    "withParam must be a string (a JSON list or a {{...}} producing one);"
                    " use withItems for a YAML list",
                )
