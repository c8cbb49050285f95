"""WF118 parameters: input and output parameter declarations that Argo accepts."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.names import PARAM_NAME
from wfctl.argo.spec import as_dict, empty_names, input_parameters, named, output_parameters, template_type
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

SOURCES = ("path", "jqFilter", "jsonPath", "parameter", "expression", "supplied", "event", "configMapKeyRef")


class Parameters(Rule):
    """Input and output parameters: names required (not empty), unique, `^[-a-zA-Z0-9_]+$`. An output parameter has
    `value` or `valueFrom` (not both); `valueFrom` has exactly one source; container, script and
    containerSet outputs read a `path`; resource outputs a `jqFilter` or `jsonPath`; steps and DAG outputs
    a `parameter` or `expression`.
    """

    code = "WF118"
    name = "parameters"
    severity = Severity.ERROR
    summary = "Malformed input or output parameter"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for tpl_path, tpl in ctx.templates():
            inputs, outputs = input_parameters(tpl), output_parameters(tpl)
            if not inputs and not outputs:
                continue
            kind = template_type(tpl)
            for where, params in (("inputs", inputs), ("outputs", outputs)):
                for i in empty_names(params):
                    yield self.finding(
                        ctx, (*tpl_path, where, "parameters", i, "name"), f"{where[:-1]} parameter name is empty"
                    )
                for i, p, name, again in named(params):
                    path = (*tpl_path, where, "parameters", i)
                    if not PARAM_NAME.match(name):
                        yield self.finding(
                            ctx, (*path, "name"), f"parameter name {name!r} may only contain alphanumerics, '_' and '-'"
                        )
                    if again:
                        yield self.finding(ctx, (*path, "name"), f"{where} parameter {name!r} is declared twice")
                    if where == "outputs":
                        yield from self._output(ctx, path, p, name, kind)

    def _output(self, ctx: RuleContext, path: tuple, p: dict, name: str, kind: str | None) -> Iterator[Finding]:
        value_from = p.get("valueFrom")
        if p.get("value") is not None and value_from is not None:
            yield self.finding(
                ctx, path, f"output parameter {name!r} has both value and valueFrom: choose one", at_key=True
            )
            return
        if p.get("value") is None and value_from is None:
            yield self.finding(ctx, path, f"output parameter {name!r} has neither value nor valueFrom", at_key=True)
            return
        if value_from is None:
            return
        vf = as_dict(value_from)
        sources = [s for s in SOURCES if vf.get(s) is not None]
        if not sources:
            yield self.finding(
                ctx,
                (*path, "valueFrom"),
                f"output parameter {name!r}: valueFrom needs one of path, jqFilter, jsonPath,"
                " parameter, expression, supplied",
                at_key=True,
            )
        elif len(sources) > 1 and set(sources) != {"parameter", "expression"}:
            yield self.finding(
                ctx,
                (*path, "valueFrom"),
                f"output parameter {name!r}: valueFrom has several sources ({', '.join(sources)})",
                at_key=True,
            )
        if (
            kind in ("container", "script", "containerSet")
            and sources
            and vf.get("path") is None
            and vf.get("supplied") is None
        ):
            yield self.finding(
                ctx,
                (*path, "valueFrom"),
                f"output parameter {name!r}: a {kind} template reads outputs from a file (valueFrom.path)",
                at_key=True,
            )
        if kind == "resource" and sources and vf.get("jqFilter") is None and vf.get("jsonPath") is None:
            yield self.finding(
                ctx,
                (*path, "valueFrom"),
                f"output parameter {name!r}: a resource template needs valueFrom.jqFilter or jsonPath",
                at_key=True,
            )
        if kind in ("steps", "dag"):
            if vf.get("parameter") is None and vf.get("expression") is None and vf.get("supplied") is None:
                yield self.finding(
                    ctx,
                    (*path, "valueFrom"),
                    f"output parameter {name!r}: a {kind} template needs valueFrom.parameter or expression",
                    at_key=True,
                )
            elif vf.get("parameter") is not None and vf.get("expression") is not None:
                yield self.finding(
                    ctx,
                    (*path, "valueFrom"),
                    f"output parameter {name!r}: use valueFrom.parameter or expression, not both",
                    at_key=True,
                )
