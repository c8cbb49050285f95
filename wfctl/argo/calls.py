"""References from one template to another, found by one walker over a workflow spec.

A template is named by a step or DAG task (`template`, or a `templateRef` back into the same
WorkflowTemplate), by an exit handler (`onExit`) and by a lifecycle hook (`hooks.<name>.template`), at
the top of the spec or on a step or task, and inside `inline` templates. Each reference comes with
its path (relative to where the walk starts) and its role, so that `reach` (what runs, and what runs
as an exit handler) and `dedupe` (what to rewrite, what to compare) read the same thing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from wfctl.argo.paths import Path_
from wfctl.argo.spec import as_dict, as_list

SelfRef = tuple[str, bool]  # (name, clusterScope) of the WorkflowTemplate being walked, for its own templateRefs

CALL, EXIT, HOOK = "call", "exit", "hook"
ROLES = frozenset((CALL, EXIT, HOOK))


def _self_ref_template(ref: Any, self_ref: SelfRef | None) -> str | None:
    """The template a `templateRef` names when it points back into the WorkflowTemplate being walked."""
    if (
        isinstance(ref, dict)
        and self_ref
        and ref.get("name") == self_ref[0]
        and bool(ref.get("clusterScope")) == self_ref[1]
        and isinstance(ref.get("template"), str)
    ):
        return str(ref["template"])
    return None


def _call_refs(
    call: dict[str, Any], path: Path_, self_ref: SelfRef | None, roles: Collection[str], inline: bool, role: str
) -> Iterator[tuple[Path_, str]]:
    if role in roles and isinstance(call.get("template"), str):
        yield (*path, "template"), call["template"]
    if role == CALL and EXIT in roles and isinstance(call.get("onExit"), str):
        yield (*path, "onExit"), call["onExit"]
    own = _self_ref_template(call.get("templateRef"), self_ref)
    if role in roles and own is not None:
        yield (*path, "templateRef", "template"), own
    if role != CALL:
        return  # a hook names a template (or templateRef) and nothing else
    for name, hook in as_dict(call.get("hooks")).items():
        if isinstance(hook, dict):
            yield from _call_refs(hook, (*path, "hooks", name), self_ref, roles, inline, HOOK)
    if inline and isinstance(call.get("inline"), dict):
        yield from template_refs(call["inline"], (*path, "inline"), self_ref, roles=roles)


def template_refs(
    tpl: dict[str, Any],
    path: Path_ = (),
    self_ref: SelfRef | None = None,
    *,
    roles: Collection[str] = ROLES,
    inline: bool = True,
) -> Iterator[tuple[Path_, str]]:
    """(path, template name) of every reference a template's steps and DAG tasks make, in `roles`
    (CALL, EXIT, HOOK); `inline=False` leaves out what inline templates reference."""
    for g, group in enumerate(as_list(tpl.get("steps"))):
        for s, step in enumerate(as_list(group)):
            if isinstance(step, dict):
                yield from _call_refs(step, (*path, "steps", g, s), self_ref, roles, inline, CALL)
    for t, task in enumerate(as_list(as_dict(tpl.get("dag")).get("tasks"))):
        if isinstance(task, dict):
            yield from _call_refs(task, (*path, "dag", "tasks", t), self_ref, roles, inline, CALL)


def root_refs(spec: dict[str, Any], *, roles: Collection[str] = ROLES) -> Iterator[tuple[Path_, str]]:
    """(path, template name) of the spec's own references: entrypoint (CALL), onExit (EXIT), hooks (HOOK)."""
    if CALL in roles and isinstance(spec.get("entrypoint"), str):
        yield ("entrypoint",), spec["entrypoint"]
    if EXIT in roles and isinstance(spec.get("onExit"), str):
        yield ("onExit",), spec["onExit"]
    if HOOK in roles:
        for name, hook in as_dict(spec.get("hooks")).items():
            if isinstance(hook, dict) and isinstance(hook.get("template"), str):
                yield ("hooks", name, "template"), hook["template"]


def references(spec: dict[str, Any], self_ref: SelfRef | None = None) -> Iterator[tuple[Path_, str]]:
    """(path relative to the spec, template name) of every reference to a template of this spec."""
    yield from root_refs(spec)
    for i, tpl in enumerate(as_list(spec.get("templates"))):
        if isinstance(tpl, dict):
            yield from template_refs(tpl, ("templates", i), self_ref)


def called_names(tpl: dict[str, Any], *, roles: Collection[str] = ROLES, inline: bool = True) -> list[str]:
    """The names a template references (see `template_refs`), in order, repeats kept."""
    tagged = tagged_names(tpl)
    if roles is ROLES and inline:  # every reference (what reach asks for every template)
        return [name for name, _, _ in tagged]
    return [name for name, role, in_inline in tagged if role in roles and (inline or not in_inline)]


def tagged_names(tpl: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(name, role, inside an inline template) of every reference `template_refs` finds with every role,
    in the same order: one walk answers `called_names` for any roles (reach asks for several)."""
    out: list[tuple[str, str, bool]] = []
    _tag_template(tpl, False, out)
    return out


def _tag_template(tpl: dict[str, Any], in_inline: bool, out: list[tuple[str, str, bool]]) -> None:
    steps = tpl.get("steps")
    if isinstance(steps, list):
        for group in steps:
            if isinstance(group, list):
                for step in group:
                    if isinstance(step, dict):
                        _tag_call(step, in_inline, out)
    dag = tpl.get("dag")
    tasks = dag.get("tasks") if isinstance(dag, dict) else None
    if isinstance(tasks, list):
        for task in tasks:
            if isinstance(task, dict):
                _tag_call(task, in_inline, out)


def _tag_call(call: dict[str, Any], in_inline: bool, out: list[tuple[str, str, bool]]) -> None:
    # `_call_refs` for role CALL without a self reference, every role kept and tagged
    name = call.get("template")
    if isinstance(name, str):
        out.append((name, CALL, in_inline))
    name = call.get("onExit")
    if isinstance(name, str):
        out.append((name, EXIT, in_inline))
    hooks = call.get("hooks")
    if isinstance(hooks, dict):
        for hook in hooks.values():
            if isinstance(hook, dict) and isinstance(hook.get("template"), str):
                out.append((hook["template"], HOOK, in_inline))
    inline = call.get("inline")
    if isinstance(inline, dict):
        _tag_template(inline, True, out)
