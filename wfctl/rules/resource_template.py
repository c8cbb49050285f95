"""WF123 resource-template: resource templates have a valid action and manifest."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_dict, input_artifacts
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

ACTIONS = ("get", "create", "apply", "delete", "replace", "patch")


class ResourceTemplate(Rule):
    """A resource template's `action` is one of get, create, apply, delete, replace, patch; actions
    other than get and delete need `manifest` or `manifestFrom` (not both); `manifest` must be YAML;
    `manifestFrom.artifact` names an input artifact; `mergeStrategy` is strategic, merge or json.
    """

    code = "WF123"
    name = "resource-template"
    severity = Severity.ERROR
    summary = "Resource template with a bad action or manifest"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, tpl in ctx.templates():
            res = tpl.get("resource")
            if not isinstance(res, dict):
                continue
            rpath = (*path, "resource")
            action = res.get("action")
            if not isinstance(action, str) or (action not in ACTIONS and "{{" not in action):
                yield self.finding(
                    ctx,
                    (*rpath, "action") if action is not None else rpath,
                    f"resource action {action!r} must be one of {', '.join(ACTIONS)}",
                    at_key=action is None,
                )
            manifest, manifest_from = res.get("manifest"), res.get("manifestFrom")
            if manifest is not None and manifest_from is not None:
                yield self.finding(ctx, (*rpath, "manifestFrom"), "use manifest or manifestFrom, not both", at_key=True)
            elif manifest is None and manifest_from is None and action not in ("get", "delete"):
                yield self.finding(
                    ctx, rpath, f"resource action {action!r} needs a manifest or manifestFrom", at_key=True
                )
            if isinstance(manifest, str) and "{{" not in manifest:
                from wfctl.loader.yaml import parse  # noqa: PLC0415

                parsed = parse(manifest)
                # the file-level stop (syntax) and each document's own (too deep, alias bomb, bad tag, bad key)
                problems = [parsed.problem] if parsed.problem is not None else []
                problems += [p for d in parsed.documents for p in d.problems]
                for problem in problems:
                    yield self.finding(
                        ctx,
                        (*rpath, "manifest"),
                        f"manifest is not valid YAML (line {problem.line} of the manifest): {problem.message}",
                    )
            art = as_dict(manifest_from).get("artifact")
            if isinstance(art, dict):
                art = art.get("name")
            if isinstance(art, str) and art not in {a.get("name") for a in input_artifacts(tpl)}:
                yield self.finding(
                    ctx,
                    (*rpath, "manifestFrom"),
                    f"manifestFrom names artifact {art!r}, which is not an input artifact",
                    at_key=True,
                )
            merge = res.get("mergeStrategy")
            if isinstance(merge, str) and merge not in ("strategic", "merge", "json"):
                yield self.finding(
                    ctx, (*rpath, "mergeStrategy"), f"mergeStrategy {merge!r} must be strategic, merge or json"
                )
