"""Which templates merge into which: identical bodies apart from the name, to a fixed point.

Rule for the one kept: the first in file order (predictable, and it keeps the name a reader meets
first). Merging rewrites references, which can make more templates identical (two DAGs that called
two copies now call the same one), so the search repeats until nothing changes.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from wfctl.argo.canonical import fingerprint, template_body
from wfctl.argo.spec import as_dict, as_list

Path_ = tuple[Any, ...]


def _call_refs(call: dict[str, Any], path: Path_, self_ref: tuple[str, bool] | None) -> Iterator[tuple[Path_, str]]:
    if isinstance(call.get("template"), str):
        yield (*path, "template"), call["template"]
    if isinstance(call.get("onExit"), str):
        yield (*path, "onExit"), call["onExit"]
    ref = call.get("templateRef")
    if (
        isinstance(ref, dict)
        and self_ref
        and ref.get("name") == self_ref[0]
        and bool(ref.get("clusterScope")) == self_ref[1]
        and isinstance(ref.get("template"), str)
    ):
        yield (*path, "templateRef", "template"), ref["template"]
    for name, hook in as_dict(call.get("hooks")).items():
        if isinstance(hook, dict):
            yield from _call_refs(hook, (*path, "hooks", name), self_ref)
    if isinstance(call.get("inline"), dict):
        yield from _template_refs(call["inline"], (*path, "inline"), self_ref)


def _template_refs(tpl: dict[str, Any], path: Path_, self_ref: tuple[str, bool] | None) -> Iterator[tuple[Path_, str]]:
    for g, group in enumerate(as_list(tpl.get("steps"))):
        for s, step in enumerate(as_list(group)):
            if isinstance(step, dict):
                yield from _call_refs(step, (*path, "steps", g, s), self_ref)
    for t, task in enumerate(as_list(as_dict(tpl.get("dag")).get("tasks"))):
        if isinstance(task, dict):
            yield from _call_refs(task, (*path, "dag", "tasks", t), self_ref)


def references(spec: dict[str, Any], self_ref: tuple[str, bool] | None = None) -> Iterator[tuple[Path_, str]]:
    """(path relative to the spec, template name) of every reference to a template of this spec."""
    for key in ("entrypoint", "onExit"):
        if isinstance(spec.get(key), str):
            yield (key,), spec[key]
    for name, hook in as_dict(spec.get("hooks")).items():
        if isinstance(hook, dict) and isinstance(hook.get("template"), str):
            yield ("hooks", name, "template"), hook["template"]
    for i, tpl in enumerate(as_list(spec.get("templates"))):
        if isinstance(tpl, dict):
            yield from _template_refs(tpl, ("templates", i), self_ref)


def _set(root: Any, path: Path_, value: Any) -> None:
    node = root
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def merge_plan(spec: dict[str, Any], self_ref: tuple[str, bool] | None = None) -> dict[str, str]:
    """removed template name -> kept template name, for one workflow spec."""
    work = copy.deepcopy(spec)
    plan: dict[str, str] = {}
    names = [t.get("name") for t in as_list(spec.get("templates")) if isinstance(t, dict)]
    if len(names) != len({repr(n) for n in names}):  # a name used twice: Argo refuses it, merging would lose one
        return plan
    while True:
        templates = [
            t for t in as_list(work.get("templates")) if isinstance(t, dict) and isinstance(t.get("name"), str)
        ]
        first: dict[str, str] = {}
        round_map: dict[str, str] = {}
        for tpl in templates:
            key = fingerprint(template_body(tpl))
            if key in first and first[key] != tpl["name"]:  # a repeated name is not a merge (no self-loop)
                round_map[tpl["name"]] = first[key]
            else:
                first[key] = tpl["name"]
        if not round_map:
            return plan
        plan.update(round_map)
        for removed in list(plan):  # follow chains a -> b -> c
            target = plan[removed]
            while target in plan:
                target = plan[target]
            plan[removed] = target
        for path, name in list(references(work, self_ref)):
            if name in round_map:
                _set(work, path, round_map[name])
        work["templates"] = [t for t in templates if t["name"] not in round_map]
