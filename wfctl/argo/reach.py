"""Which templates a workflow can reach from its entrypoint, exit handler and hooks."""

from __future__ import annotations

from dataclasses import dataclass
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


def _closure(templates: dict[str, Any], start: list[str], follow: Any) -> set[str] | None:
    todo, seen = list(start), set()
    while todo:
        name = todo.pop()
        if "{{" in name:
            return None
        if name in seen:
            continue
        seen.add(name)
        if name in templates:
            todo.extend(follow(templates[name][1]))
    return seen


def _main_calls(tpl: dict[str, Any]) -> list[str]:
    """Templates a template runs as steps or tasks (not as hooks or exit handlers)."""
    names: list[str] = []
    for call in [c for _, _, c in iter_steps((), tpl)] + [c for _, c in iter_tasks((), tpl)]:
        if isinstance(call.get("template"), str):
            names.append(call["template"])
        inline = call.get("inline")
        if isinstance(inline, dict):
            names.extend(_main_calls(inline))
    return names


def _hook_calls(tpl: dict[str, Any]) -> list[str]:
    """Templates a template's steps and tasks run as exit handlers or lifecycle hooks."""
    names: list[str] = []
    for call in [c for _, _, c in iter_steps((), tpl)] + [c for _, c in iter_tasks((), tpl)]:
        for value in [call.get("onExit")] + [as_dict(h).get("template") for h in as_dict(call.get("hooks")).values()]:
            if isinstance(value, str):
                names.append(value)
    return names


@dataclass
class ExitContext:
    """Which templates run as exit handlers (where `{{workflow.failures}}` exists) and which on the main path."""

    main: set[str]
    exits: set[str]
    has_exit_roots: bool

    def in_exit_handler(self, name: Any, kind: str) -> bool | None:
        """True: the template runs in an exit handler or hook; False: certainly not; None: cannot tell
        (a template of a WorkflowTemplate that nothing here calls may be an exit handler elsewhere)."""
        if name in self.exits:
            return True
        if name in self.main:
            return False
        if kind in ("Workflow", "CronWorkflow") and not self.has_exit_roots:
            return False
        return None


def exit_context(doc: Document) -> ExitContext | None:
    """Main-path and exit-handler templates of a document; None when parameterised names hide them."""
    templates = templates_by_name(doc)
    _, spec = workflow_spec(doc)
    entry = spec.get("entrypoint")
    main = _closure(templates, [entry] if isinstance(entry, str) else [], _main_calls)
    roots = [spec.get("onExit")] + [as_dict(h).get("template") for h in as_dict(spec.get("hooks")).values()]
    for _, tpl in templates.values():
        roots.extend(_hook_calls(tpl))
    exit_roots = [r for r in roots if isinstance(r, str)]
    exits = _closure(templates, exit_roots, called_names)
    if main is None or exits is None:
        return None
    return ExitContext(main, exits, bool(exit_roots))
