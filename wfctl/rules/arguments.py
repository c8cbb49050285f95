"""WF106 arguments: workflow and step/task arguments: names, values, enums, valueFrom, artifacts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.argo.names import PARAM_NAME
from wfctl.argo.spec import as_dict, empty_names, iter_invocations, named, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

ARG_VALUE_FROM = {"configMapKeyRef", "event", "supplied", "default"}
LOCATIONS = ("s3", "git", "http", "artifactory", "hdfs", "raw", "oss", "gcs", "azure", "plugin")


class Arguments(Rule):
    """Arguments (of the workflow, and passed by steps and tasks) must be well formed.

    Parameter names are required (not empty), unique, `^[-a-zA-Z0-9_]+$`. Step and task arguments need a `value`
    or `valueFrom`; so do a CronWorkflow's workflow arguments (Argo validates them without lint
    leniency). `valueFrom` in arguments only takes `configMapKeyRef`, `event`, `supplied`, `default`.
    An `enum` must not be empty and must contain the `value`. Artifacts need `from`, `fromExpression`
    or a location, not both `from` and `fromExpression`.
    """

    code = "WF106"
    name = "arguments"
    severity = Severity.ERROR
    summary = "Malformed arguments: names, missing values, enum, valueFrom, artifact sources"
    stage = "argo"

    def _arguments(self, ctx: RuleContext, path: tuple[Any, ...], args: Any, need_value: bool) -> Iterator[Finding]:
        args = as_dict(args)
        for kind in ("parameters", "artifacts"):
            for i in empty_names(args.get(kind)):
                yield self.finding(ctx, (*path, kind, i, "name"), f"{kind[:-1]} name is empty")
            for i, item, name, again in named(args.get(kind)):
                here = (*path, kind, i)
                if "{{" not in name and not PARAM_NAME.match(name) and kind == "parameters":
                    yield self.finding(
                        ctx, (*here, "name"), f"parameter name {name!r} may only contain alphanumerics, '_' and '-'"
                    )
                if again:
                    yield self.finding(ctx, (*here, "name"), f"{kind[:-1]} {name!r} is given twice")
                if kind == "parameters":
                    yield from self._parameter(ctx, here, item, name, need_value)
                else:
                    has_from = item.get("from") is not None
                    has_expr = item.get("fromExpression") is not None
                    has_loc = any(item.get(k) is not None for k in LOCATIONS)
                    if has_from and has_expr:
                        yield self.finding(
                            ctx, here, f"artifact {name!r} has both from and fromExpression", at_key=True
                        )
                    if not (has_from or has_expr or has_loc or item.get("optional")):
                        yield self.finding(
                            ctx,
                            here,
                            f"artifact {name!r} needs from, fromExpression or a location (s3, git, http, ...)",
                            at_key=True,
                        )

    def _parameter(
        self, ctx: RuleContext, here: tuple[Any, ...], p: dict[str, Any], name: str, need_value: bool
    ) -> Iterator[Finding]:
        value_from = p.get("valueFrom")
        if value_from is not None:
            bad = sorted(set(as_dict(value_from)) - ARG_VALUE_FROM)
            if bad:
                yield self.finding(
                    ctx,
                    (*here, "valueFrom"),
                    f"argument {name!r}: valueFrom may only use configMapKeyRef, event, supplied or"
                    f" default here, not {', '.join(bad)}",
                )
        elif need_value and p.get("value") is None:
            yield self.finding(ctx, here, f"argument {name!r} needs a value or valueFrom", at_key=True)
        enum = p.get("enum")
        if isinstance(enum, list):
            if not enum:
                yield self.finding(ctx, (*here, "enum"), f"parameter {name!r}: enum must list at least one value")
            elif (
                p.get("value") is not None
                and str(p["value"]) not in {str(e) for e in enum}
                and "{{" not in str(p["value"])
            ):
                yield self.finding(
                    ctx, (*here, "value"), f"parameter {name!r}: value {p['value']!r} is not in its enum {enum!r}"
                )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        yield from self._arguments(
            ctx, (*prefix, "arguments"), spec.get("arguments"), need_value=ctx.doc.kind == CRON_WORKFLOW
        )
        for path, call, _, _ in iter_invocations(ctx.doc):
            args = call.get("arguments")
            if isinstance(args, dict):  # otherwise nothing to check
                yield from self._arguments(ctx, (*path, "arguments"), args, need_value=True)
