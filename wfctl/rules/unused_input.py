"""WF405 unused-input: declared input parameters are used."""

from __future__ import annotations

import json
from collections.abc import Iterator

from wfctl.argo.spec import input_parameters, template_type
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class UnusedInput(Rule):
    """An input parameter that the template never reads (`{{inputs.parameters.NAME}}`, or in an
    expression) is either left over or a sign that the wrong name is used where it was meant.
    Suspend templates are skipped: their inputs are the documented intermediate parameters, values a
    person supplies when resuming the workflow (`argo resume`, the UI), read by the steps after it.
    """

    code = "WF405"
    name = "unused-input"
    severity = Severity.WARNING
    summary = "Input parameter the template never uses"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, tpl in ctx.templates():
            params = input_parameters(tpl)
            if not params or template_type(tpl) == "suspend":
                continue
            body = json.dumps({k: v for k, v in tpl.items() if k != "inputs"}, default=str)
            if "inputs.parameters}}" in body.replace(" ", "") or "inputs.parameters.json" in body:
                continue
            for i, p in enumerate(params):
                name = p.get("name")
                if not isinstance(name, str) or not name:
                    continue  # an empty name is WF118's
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
