"""`wfctl diff --live`: the cluster's copy of each object in the files, without server fields."""

from __future__ import annotations

from typing import Any

from wfctl.argo.kinds import is_cluster_scoped
from wfctl.argo.meta import Resource, strip_server_fields
from wfctl.errors import InputError
from wfctl.kube.client import Connection, Kube
from wfctl.kube.names import name_problem, namespace_problem


def live_resources(resources: list[Resource], kube_opts: dict[str, Any]) -> list[Resource]:
    kube = Kube(
        Connection(
            kube_opts.get("kubeconfig"),
            kube_opts.get("context"),
            kube_opts.get("namespace"),
            kube_opts.get("request_timeout", 30.0),
        )
    )
    live: list[Resource] = []
    for r in resources:  # every name checked before the first request
        if r.generated:
            continue
        if not r.name:  # `metadata: null`, no name: an empty name would read the whole collection
            raise InputError(f"{r.file}: a {r.kind} without metadata.name; nothing to compare with the cluster")
        ns = None if is_cluster_scoped(r.kind) else (r.namespace or kube.namespace)
        where = "metadata.namespace" if r.namespace else "the kubeconfig's namespace"
        problem = name_problem(r.name, "metadata.name") or (ns is not None and namespace_problem(ns, where))
        if problem:
            raise InputError(f"{r.file}: {r.kind} {r.name}: {problem}; nothing was compared")
    for r in resources:
        if r.generated:
            continue  # a generateName Workflow is a new run each time: nothing on the cluster to compare
        ns = None if is_cluster_scoped(r.kind) else (r.namespace or kube.namespace)
        obj = kube.get(r.kind, r.name, ns)
        if obj is None:
            continue
        data = strip_server_fields(obj)
        if not r.namespace:
            data.get("metadata", {}).pop("namespace", None)
        live.append(Resource(r.kind, r.name, r.namespace, _drop_defaults(data, r.data), r.file))
    return live


def _drop_defaults(live: Any, mine: Any) -> Any:
    """Keep only the fields the file has: what the server adds or defaults (labels set by controllers,
    defaulted fields) is not a difference the author made. Items of a named list that the file no longer
    has still show, as removed."""
    if isinstance(live, dict) and isinstance(mine, dict):
        return {k: _drop_defaults(v, mine[k]) for k, v in live.items() if k in mine}
    if isinstance(live, list) and isinstance(mine, list) and len(live) == len(mine):
        return [_drop_defaults(a, b) for a, b in zip(live, mine, strict=False)]
    return live
