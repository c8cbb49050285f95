"""WF125 containers: images, reserved names, containerSet structure, mount paths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.dag import find_cycle
from wfctl.argo.names import template_name_problem
from wfctl.argo.spec import (
    as_dict,
    as_list,
    input_artifacts,
    output_artifacts,
    output_parameters,
    workflow_spec,
)
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

RESERVED = ("wait", "supervisor")


class Containers(Rule):
    """Container-level rules Argo enforces: a container or script needs an `image` unless
    `templateDefaults` gives one; sidecars and containerSet containers may not be named `wait` or
    `supervisor` (or `artifact-plugin-*`); init containers need names; a containerSet has at least one
    container, unique valid names, known acyclic `dependencies`, and a container named `main` when the
    template has inputs or outputs; a container mounts each path once, and input artifacts do not land on
    a mounted path.
    """

    code = "WF125"
    name = "containers"
    severity = Severity.ERROR
    summary = "Missing image, reserved container name, bad containerSet or clashing mount paths"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        _, spec = workflow_spec(ctx.doc)
        defaults = as_dict(spec.get("templateDefaults"))
        for path, tpl in ctx.templates():
            tname = tpl.get("name")
            for key in ("container", "script"):
                body = tpl.get(key)
                if isinstance(body, dict) and not body.get("image") and not as_dict(defaults.get(key)).get("image"):
                    yield self.finding(
                        ctx, (*path, key), f"template {tname!r}: {key}.image may not be empty", at_key=True
                    )
            for i, side in enumerate(as_list(tpl.get("sidecars"))):
                name = as_dict(side).get("name")
                if isinstance(name, str) and (name in RESERVED or name.startswith("artifact-plugin-")):
                    yield self.finding(
                        ctx, (*path, "sidecars", i, "name"), f"sidecar name {name!r} is reserved by Argo"
                    )
            for i, init in enumerate(as_list(tpl.get("initContainers"))):
                if isinstance(init, dict) and not init.get("name"):
                    yield self.finding(ctx, (*path, "initContainers", i), "init containers need a name", at_key=True)
            body = as_dict(tpl.get("container")) or as_dict(tpl.get("script"))
            if as_list(body.get("volumeMounts")):  # without mounts there is nothing to clash
                yield from self._mounts(ctx, path, tpl)
            cset = tpl.get("containerSet")
            if isinstance(cset, dict):
                yield from self._container_set(ctx, path, tpl, cset)

    def _mounts(self, ctx: RuleContext, path: tuple[Any, ...], tpl: dict[str, Any]) -> Iterator[Finding]:
        body = as_dict(tpl.get("container")) or as_dict(tpl.get("script"))
        key = "container" if tpl.get("container") is not None else "script"
        mounts: dict[str, int] = {}
        for i, m in enumerate(as_list(body.get("volumeMounts"))):
            mp = as_dict(m).get("mountPath")
            if isinstance(mp, str):
                if mp in mounts:
                    yield self.finding(
                        ctx,
                        (*path, key, "volumeMounts", i, "mountPath"),
                        f"mountPath {mp!r} is already mounted (volumeMounts #{mounts[mp] + 1})",
                    )
                mounts.setdefault(mp, i)
        for i, art in enumerate(input_artifacts(tpl)):
            ap = art.get("path")
            if isinstance(ap, str) and ap in mounts:
                yield self.finding(
                    ctx,
                    (*path, "inputs", "artifacts", i, "path"),
                    f"input artifact path {ap!r} is already a volume mount",
                )

    def _container_set(
        self, ctx: RuleContext, path: tuple[Any, ...], tpl: dict[str, Any], cset: dict[str, Any]
    ) -> Iterator[Finding]:
        cpath = (*path, "containerSet")
        items = [c for c in as_list(cset.get("containers")) if isinstance(c, dict)]
        if not items:
            yield self.finding(ctx, cpath, "a containerSet needs at least one container", at_key=True)
            return
        names = [str(c.get("name")) for c in items]
        seen: set[str] = set()
        for i, c in enumerate(items):
            name = c.get("name")
            if not isinstance(name, str) or not name:
                yield self.finding(ctx, (*cpath, "containers", i), "containerSet container needs a name", at_key=True)
                continue
            problem = template_name_problem(name)
            if problem:
                yield self.finding(ctx, (*cpath, "containers", i, "name"), f"container name {name!r} {problem}")
            if name in seen:
                yield self.finding(ctx, (*cpath, "containers", i, "name"), f"container name {name!r} is not unique")
            if name in RESERVED or name.startswith("artifact-plugin-"):
                yield self.finding(
                    ctx, (*cpath, "containers", i, "name"), f"container name {name!r} is reserved by Argo"
                )
            seen.add(name)
            for j, dep in enumerate(as_list(c.get("dependencies"))):
                if dep not in names:
                    yield self.finding(
                        ctx,
                        (*cpath, "containers", i, "dependencies", j),
                        f"container {name!r} depends on {dep!r}, which is not in the containerSet",
                    )
        graph = {str(c.get("name")): [d for d in as_list(c.get("dependencies")) if d in names] for c in items}
        cycle = find_cycle(graph)
        if cycle:
            yield self.finding(
                ctx, (*cpath, "containers"), f"containerSet dependency cycle: {' -> '.join(cycle)}", at_key=True
            )
        has_io = input_artifacts(tpl) or output_artifacts(tpl) or output_parameters(tpl)
        if has_io and "main" not in names:
            yield self.finding(
                ctx,
                (*cpath, "containers"),
                "a containerSet with inputs or outputs needs a container named 'main'",
                at_key=True,
            )
