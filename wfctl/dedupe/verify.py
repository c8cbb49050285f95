"""Proof obligations for a rewrite: same behaviour, template by template, with references expanded.

A template's *expansion* is its body with every reference to another template replaced by that
template's expansion (recursion marked by depth, names ignored). A rewrite is equivalent when every
original template name, followed through the merge plan, expands to the same thing, and everything
outside `templates` is equal once the entrypoint, onExit and hooks are replaced by expansions too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from wfctl.argo.calls import references, template_refs
from wfctl.argo.canonical import fingerprint, template_body
from wfctl.argo.paths import Path_, get_at, set_at
from wfctl.argo.spec import as_dict, as_list

Resolver = Callable[[str, str], dict[str, Any] | None]  # (WorkflowTemplate name, template) -> template


class Expander:
    def __init__(self, spec: dict[str, Any], self_ref: tuple[str, bool] | None, external: Resolver | None = None):
        self.templates = {
            t["name"]: t
            for t in as_list(spec.get("templates"))
            if isinstance(t, dict) and isinstance(t.get("name"), str)
        }
        self.self_ref = self_ref
        self.external = external
        self.memo: dict[str, str] = {}

    def expand(self, name: str, stack: tuple[str, ...] = ()) -> str:
        if name in stack:
            return f"<recursion {len(stack) - stack.index(name)}>"
        if name in self.memo:
            return self.memo[name]
        tpl = self.templates.get(name)
        if tpl is None:
            return f"<missing {name}>"
        body = copy.deepcopy(template_body(tpl))
        cyclic = False
        for path, target in list(template_refs(tpl, (), self.self_ref)):
            value = self.expand(target, (*stack, name))
            cyclic = cyclic or value.startswith("<recursion")
            self._put(body, path, value)
        self._external_refs(body, (*stack, name))
        result = fingerprint(body)
        if not cyclic:
            self.memo[name] = result
        return result

    def _external_refs(self, body: Any, stack: tuple[str, ...]) -> None:
        """templateRefs to other WorkflowTemplates that an extraction introduced: expand them too."""
        if self.external is None:
            return
        calls = [c for g in as_list(body.get("steps")) for c in as_list(g) if isinstance(c, dict)]
        calls += [t for t in as_list(as_dict(body.get("dag")).get("tasks")) if isinstance(t, dict)]
        for call in calls:
            ref = call.get("templateRef")
            if (
                isinstance(ref, dict)
                and isinstance(ref.get("template"), str)
                and not isinstance(call.get("template"), str)
            ):
                target = self.external(str(ref.get("name")), ref["template"])
                if target is not None:
                    inner = Expander({"templates": [target]}, None, self.external)
                    call.pop("templateRef")
                    call["template"] = inner.expand(target["name"], stack)

    @staticmethod
    def _put(body: dict[str, Any], path: Path_, value: str) -> None:
        # a templateRef to this template's own WorkflowTemplate becomes a plain reference
        if path[-2:-1] == ("templateRef",):
            call = get_at(body, path[:-2])
            call.pop("templateRef", None)
            call["template"] = value
        else:
            set_at(body, path, value)


def workflow_view(spec: dict[str, Any], self_ref: tuple[str, bool] | None, external: Resolver | None = None) -> str:
    """Everything outside `templates`, with root references expanded."""
    expander = Expander(spec, self_ref, external)
    outside = {k: copy.deepcopy(v) for k, v in spec.items() if k != "templates"}
    for path, name in references(spec, self_ref):
        if path[0] != "templates":
            set_at(outside, path, expander.expand(name))
    return fingerprint(outside)


def equivalent(
    old_spec: dict[str, Any],
    new_spec: dict[str, Any],
    plan: dict[str, str],
    self_ref: tuple[str, bool] | None,
    external: Resolver | None = None,
) -> str | None:
    """None when equivalent; otherwise the first template (or part) that differs."""
    old_x, new_x = Expander(old_spec, self_ref), Expander(new_spec, self_ref, external)
    for name in old_x.templates:
        if name in new_x.templates or name in plan:
            if old_x.expand(name) != new_x.expand(plan.get(name, name)):
                return f"template {name!r} would behave differently"
        elif external is None:
            return f"template {name!r} disappeared"
    if workflow_view(old_spec, self_ref) != workflow_view(new_spec, self_ref, external):
        return "the workflow's entrypoint, exit handler, hooks or settings would change"
    return None
