"""WF405 unused-input: declared input parameters are used."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from wfctl.argo.spec import input_parameters, template_type
from wfctl.argo.walk import templated_by_place
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

_PLAIN_NAME = re.compile(r"[\x20-\x7e]+")  # printable ASCII: JSON writes it as it is


def _all_used(params: list[dict[str, Any]], templated: Any, depth: int) -> bool:
    """Whether every named parameter is read as `inputs.parameters.NAME` in a `{{` string outside
    `inputs`: such a string is in the serialised body verbatim, so `check` would find each one used."""
    texts = [text for path, text in templated if path[depth] != "inputs"]
    if not texts:
        return False
    for p in params:
        name = p.get("name")
        if not isinstance(name, str) or not name:
            continue
        if '"' in name or "\\" in name or not _PLAIN_NAME.fullmatch(name):
            return False
        needle = f"inputs.parameters.{name}"
        if not any(needle in text for text in texts):
            return False
    return True


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
        _, by_template = templated_by_place(ctx.doc)
        for path, tpl in ctx.templates():
            params = input_parameters(tpl)
            if not params or template_type(tpl) == "suspend":
                continue
            if _all_used(params, by_template.get(path[-1], ()), len(path)):
                continue  # the common case, decided without serialising the template
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
