"""WF117 expression-syntax: `{{= ...}}` expressions and other expression fields parse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.expr import blank_tags, check_expression, tags
from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.argo.spec import as_dict, iter_invocations, output_parameters, strings, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class ExpressionSyntax(Rule):
    """Expressions are only evaluated when the workflow runs, so a typo in one fails a running
    workflow. wfctl checks the syntax (not the meaning) of `{{= ...}}` tags, of hook `expression`s, of
    `valueFrom.expression`, of `when` conditions (balanced parentheses and quotes, operators between
    operands) and of a CronWorkflow's `when`/`stopStrategy.expression`.
    """

    code = "WF117"
    name = "expression-syntax"
    severity = Severity.ERROR
    summary = "Expression that does not parse ({{= }}, when, hooks, valueFrom.expression)"
    stage = "argo"

    def _raw(self, ctx: RuleContext) -> Iterator[tuple[tuple[Any, ...], str, str]]:
        prefix, spec = workflow_spec(ctx.doc)
        for name, hook in as_dict(spec.get("hooks")).items():
            expr = as_dict(hook).get("expression")
            if isinstance(expr, str) and "{{" not in expr:
                yield (*prefix, "hooks", name, "expression"), expr, f"hook {name!r} expression"
        for path, call, _, _ in iter_invocations(ctx.doc):
            for name, hook in as_dict(call.get("hooks")).items():
                expr = as_dict(hook).get("expression")
                if isinstance(expr, str) and "{{" not in expr:
                    yield (*path, "hooks", name, "expression"), expr, f"hook {name!r} expression"
            when = call.get("when")
            if isinstance(when, str) and "{{=" not in when:
                yield (*path, "when"), when, "when condition"
        for tpl_path, tpl in ctx.templates():
            for i, p in enumerate(output_parameters(tpl)):
                expr = as_dict(p.get("valueFrom")).get("expression")
                if isinstance(expr, str):
                    yield (
                        (*tpl_path, "outputs", "parameters", i, "valueFrom", "expression"),
                        expr,
                        "valueFrom.expression",
                    )
        if ctx.doc.kind == CRON_WORKFLOW:
            for path, text in strings(ctx.spec.get("when"), ("spec", "when")):
                yield path, text, "cron when"
            expr = as_dict(ctx.spec.get("stopStrategy")).get("expression")
            if isinstance(expr, str):
                yield ("spec", "stopStrategy", "expression"), expr, "stopStrategy.expression"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, text, _ in ctx.scoped_strings():
            for tag in tags(text):
                if tag.expression:
                    problem = check_expression(tag.text)
                    if problem:
                        yield self.finding(ctx, path, f"expression {{{{= {tag.text}}}}} does not parse: {problem}")
        for path, text, what in self._raw(ctx):
            # `when` uses govaluate after {{...}} substitution: blank the tags (nested ones too) first
            plain = blank_tags(text)
            problem = check_expression(plain)
            if problem:
                yield self.finding(ctx, path, f"{what} {text!r} does not parse: {problem}")
