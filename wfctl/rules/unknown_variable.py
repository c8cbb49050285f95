"""WF116 unknown-variable: a `{{...}}` whose root is not one of Argo's (usually a typo)."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.expr import tags
from wfctl.argo.scope import FOREIGN_PREFIXES, KNOWN_ROOTS
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext
from wfctl.text import suggest


class UnknownVariable(Rule):
    """`{{input.parameters.x}}`, `{{workflows.name}}` or `{{step.a.outputs.result}}` are not Argo
    variables. Argo does not check such tags: it leaves them in place, and the container gets the
    literal text. wfctl warns and suggests the root that was probably meant (inputs, outputs, steps,
    tasks, workflow, item, pod, retries, lastRetry, node, cronworkflow).

    Tags starting with `$` (`{{$}}`, `{{$.inputs.parameters['text']}}`) are Kubeflow Pipelines
    placeholders that KFP's launcher fills in inside the container; Argo passes them through untouched,
    and so does wfctl.
    """

    code = "WF116"
    name = "unknown-variable"
    severity = Severity.WARNING
    summary = "{{...}} tag whose root is not an Argo variable (likely a typo)"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, text, _ in ctx.scoped_strings():
            for tag in tags(text):
                if tag.expression:
                    continue
                root = tag.text.split(".", 1)[0]
                if root in KNOWN_ROOTS or tag.text.startswith(FOREIGN_PREFIXES):
                    continue
                hint = suggest(root, list(KNOWN_ROOTS))
                yield self.finding(
                    ctx,
                    path,
                    f"{{{{{tag.text}}}}} is not an Argo variable and will be left as literal text"
                    + (f"; did you mean {{{{{hint}{tag.text[len(root) :]}}}}}?" if hint else ""),
                )
