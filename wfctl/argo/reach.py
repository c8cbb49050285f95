"""Which templates a workflow can reach from its entrypoint, exit handler and hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wfctl.argo.calls import CALL, EXIT, HOOK, called_names, root_refs, tagged_names
from wfctl.argo.kinds import RUNNABLE_KINDS
from wfctl.argo.spec import templates_by_name, workflow_spec
from wfctl.records import dataclass

if TYPE_CHECKING:
    from wfctl.loader.documents import Document


def roots(doc: Document) -> list[str]:
    """Where runs start: the entrypoint, the workflow's exit handler and its hooks."""
    _, spec = workflow_spec(doc)
    return [name for _, name in root_refs(spec)]


def reachable_templates(doc: Document) -> set[str] | None:
    """Names reachable from the roots; None when that cannot be decided (parameterised names)."""
    return _closure(templates_by_name(doc), roots(doc), called_names)


def _closure(templates: dict[str, Any], start: list[str], follow: Any) -> set[str] | None:
    """Names reached from `start` by following `follow(template)`; None at the first `{{...}}` name."""
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
        if kind in RUNNABLE_KINDS and not self.has_exit_roots:
            return False
        return None


def exit_context(doc: Document) -> ExitContext | None:
    """Main-path and exit-handler templates of a document; None when parameterised names hide them."""
    templates = templates_by_name(doc)
    tagged = {name: tagged_names(tpl) for name, (_, tpl) in templates.items()}  # one walk per template

    def main_calls(tpl: dict[str, Any]) -> list[str]:
        return [n for n, role, _ in tagged[tpl["name"]] if role == CALL]

    def all_calls(tpl: dict[str, Any]) -> list[str]:
        return [n for n, _, _ in tagged[tpl["name"]]]

    _, spec = workflow_spec(doc)
    entry = spec.get("entrypoint")
    main = _closure(templates, [entry] if isinstance(entry, str) else [], main_calls)
    exit_roots = [name for _, name in root_refs(spec, roles=(EXIT, HOOK))]
    for name in templates:
        exit_roots.extend(n for n, role, in_inline in tagged[name] if role != CALL and not in_inline)
    exits = _closure(templates, exit_roots, all_calls)
    if main is None or exits is None:
        return None
    return ExitContext(main, exits, bool(exit_roots))
