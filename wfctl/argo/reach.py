"""Which templates a workflow can reach from its entrypoint, exit handler and hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wfctl.argo.spec import as_dict, iter_steps, iter_tasks, templates_by_name, workflow_spec

if TYPE_CHECKING:
    from wfctl.loader.documents import Document


def called_names(tpl: dict[str, Any]) -> list[str]:
    """Local template names a template calls (steps, tasks, their hooks and onExit)."""
    names: list[str] = []
    calls = [c for _, _, c in iter_steps((), tpl)] + [c for _, c in iter_tasks((), tpl)]
    for call in calls:
        for value in [call.get("template"), call.get("onExit")] + [
            as_dict(h).get("template") for h in as_dict(call.get("hooks")).values()
        ]:
            if isinstance(value, str):
                names.append(value)
        inline = call.get("inline")
        if isinstance(inline, dict):
            names.extend(called_names(inline))
    return names


def roots(doc: Document) -> list[str]:
    _, spec = workflow_spec(doc)
    out = [spec.get("entrypoint"), spec.get("onExit")]
    out += [as_dict(h).get("template") for h in as_dict(spec.get("hooks")).values()]
    return [r for r in out if isinstance(r, str)]


def reachable_templates(doc: Document) -> set[str] | None:
    """Names reachable from the roots; None when that cannot be decided (parameterised names)."""
    templates = templates_by_name(doc)
    todo = roots(doc)
    if any("{{" in r for r in todo):
        return None
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if "{{" in name:
            return None
        seen.add(name)
        if name in templates:
            todo.extend(called_names(templates[name][1]))
    return seen
