"""WF121 unknown-argument: arguments passed to a template that does not declare them."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.refs import resolve_call
from wfctl.argo.spec import as_dict, as_list, input_artifacts, input_parameters, iter_invocations
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext
from wfctl.text import suggest


class UnknownArgument(Rule):
    """A step or task passes an argument the called template has no input for. Argo ignores it
    silently (issues #1574, #14603), so a misspelled argument name usually means the template runs with
    its default instead of the value meant.
    """

    code = "WF121"
    name = "unknown-argument"
    severity = Severity.WARNING
    summary = "Argument passed to a template that has no such input"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, call, _, what in iter_invocations(ctx.doc):
            if not isinstance(call.get("arguments"), dict):
                continue  # passes nothing
            target = resolve_call(call, ctx.doc, ctx.index)
            if target.template is None or target.how == "inline":
                continue
            args = as_dict(call.get("arguments"))
            for kind, declared in (
                ("parameters", input_parameters(target.template)),
                ("artifacts", input_artifacts(target.template)),
            ):
                names = [str(d.get("name")) for d in declared]
                for i, arg in enumerate(as_list(args.get(kind))):
                    name = as_dict(arg).get("name")
                    if isinstance(name, str) and name not in names and "{{" not in name:
                        hint = suggest(name, names)
                        yield self.finding(
                            ctx,
                            (*path, "arguments", kind, i, "name"),
                            f"{what} {call.get('name')!r} passes {kind[:-1]} {name!r}, but template"
                            f" {target.template.get('name')!r} has no such input"
                            + (f"; did you mean {hint!r}?" if hint else ""),
                        )
