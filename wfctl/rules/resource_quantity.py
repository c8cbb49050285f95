"""WF129 resource-quantity: resource requests, limits and size limits that Kubernetes can parse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.quantity import quantity_problem
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

# maps whose values are quantities, by the key that holds them
QUANTITY_MAPS = ("requests", "limits")
RESOURCE_KEYS = ("resources", "podResources")
# free-form places where a `resources:` key is not Kubernetes' (plugin parameters)
OPAQUE = ("plugin", "manifest", "metadata")


def quantities(value: Any, path: tuple[Any, ...] = (), parent: Any = None) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every resource quantity under `value`: `resources.requests/limits`,
    `podResources.requests/limits`, `volumeClaimTemplates[].spec.resources` and `sizeLimit`."""
    out: list[tuple[tuple[Any, ...], Any]] = []
    _collect(value, path, parent, out)
    return iter(out)


def _collect(value: Any, path: tuple[Any, ...], parent: Any, out: list[tuple[tuple[Any, ...], Any]]) -> None:
    # a plain recursive walk that skips scalars: this rule looks at every node of every document
    if isinstance(value, dict):
        for key, item in value.items():
            if key in OPAQUE:
                continue
            if key in QUANTITY_MAPS and parent in RESOURCE_KEYS and isinstance(item, dict):
                here = (*path, key)
                out.extend(((*here, name), q) for name, q in item.items())
            elif key == "sizeLimit":
                out.append(((*path, key), item))
            elif isinstance(item, (dict, list)):
                _collect(item, (*path, key), key, out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _collect(item, (*path, i), parent, out)


class ResourceQuantity(Rule):
    """Resource requests and limits (`cpu`, `memory`, `ephemeral-storage`, GPUs...), pod-level
    resources, volume claim sizes and `emptyDir.sizeLimit` are Kubernetes quantities: a number and an
    optional unit, no spaces. `memory: 4GB` (write `4Gi` or `4G`) and `cpu: "1 core"` (write `1`) are
    rejected when the workflow is decoded or its pod is created. Units: Ki, Mi, Gi, Ti, Pi, Ei (powers
    of 1024), n, u, m, k, M, G, T, P, E (powers of 1000), or an exponent (`1e3`). Values with `{{...}}`
    are not checked.
    """

    code = "WF129"
    name = "resource-quantity"
    severity = Severity.ERROR
    summary = "Resource quantity that Kubernetes cannot parse (memory: 4GB, cpu: 1 core)"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, value in quantities(ctx.doc.spec, ("spec",)):
            if isinstance(value, bool) or not isinstance(value, str) or "{{" in value:
                continue  # numbers are quantities; booleans and the like are the schema's
            problem = quantity_problem(value)
            if problem:
                yield self.finding(ctx, path, f"{path[-1]} {value!r} is not a Kubernetes quantity: {problem}")
