"""WF405 unused-input: declared input parameters are used."""

from __future__ import annotations

import json
from collections.abc import Iterator

from wfctl.argo.spec import input_parameters
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class UnusedInput(Rule):
    """An input parameter that the template never reads (`{{inputs.parameters.NAME}}`, or in an
    expression) is either left over or a sign that the wrong name is used where it was meant.
    """

    code = "WF405"
    name = "unused-input"
    severity = Severity.WARNING
    summary = "Input parameter the template never uses"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, tpl in ctx.templates():
            params = input_parameters(tpl)
            if not params:
                continue
            body = json.dumps({k: v for k, v in tpl.items() if k != "inputs"}, default=str)
            if "inputs.parameters}}" in body.replace(" ", "") or "inputs.parameters.json" in body:
                continue
            for i, p in enumerate(params):
                name = p.get("name")
                if not isinstance(name, str):
                    continue
                used = (
                    f"inputs.parameters.{name}" in body
                    or f"inputs.parameters['{name}']" in body
                    or f'inputs.parameters[\\"{name}\\"]' in body
                )
                if not used:
                    yield self.finding(
                        ctx,
                        (*path, "inputs", "parameters", i, "name"),
                        f"input parameter {name!r} of template {tpl.get('name')!r} is never used",
                    )
