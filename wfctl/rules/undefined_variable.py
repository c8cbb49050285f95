"""WF115 undefined-variable: every `{{...}}` variable resolves in its scope, as Argo scopes them."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.expr import tags
from wfctl.argo.scope import CHECKED_ROOTS, LABEL_PREFIX
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class UndefinedVariable(Rule):
    """A `{{...}}` variable must exist where it is used; Argo fails with `failed to resolve {{...}}`.

    Scopes follow Argo: a template sees its own `inputs.*`, `outputs.*` and (pod templates)
    `pod.name`; a step sees the outputs of steps in *earlier* groups only; a DAG task sees the outputs of
    its dependencies (direct or indirect) only; `item` exists only in a looping step or task;
    `workflow.parameters.X` needs X in `spec.arguments`; `workflow.failures` exists only in exit
    handlers (the `onExit` template, lifecycle hooks, and the templates they call). Referencing a step's
    or task's outputs checks that the called template declares them (`outputs.result` only for
    container, script, data, http and plugin templates). References that cannot be known offline (an
    unresolved templateRef, a step name computed from `{{...}}`) are accepted. Labels that the file does
    not set are WF130's (a warning: they can be added at submission).
    """

    code = "WF115"
    name = "undefined-variable"
    severity = Severity.ERROR
    summary = "{{...}} variable that does not resolve in its scope"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, text, scope in ctx.scoped_strings():
            for tag in tags(text):
                if tag.expression or not tag.text:
                    continue
                root = tag.text.split(".", 1)[0]
                if root not in CHECKED_ROOTS or tag.text.startswith(LABEL_PREFIX):
                    continue
                problem = scope.resolve(tag.text)
                if problem:
                    yield self.finding(ctx, path, f"{{{{{tag.text}}}}} does not resolve: {problem}")
