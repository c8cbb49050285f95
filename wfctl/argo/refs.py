"""Resolving what a step, task, hook or workflow calls: a local template, a templateRef, a
workflowTemplateRef, with the index of WorkflowTemplates across every file given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wfctl.argo.kinds import template_kind
from wfctl.argo.spec import as_dict, templates_by_name, workflow_spec
from wfctl.records import dataclass

if TYPE_CHECKING:
    from wfctl.argo.index import TemplateIndex
    from wfctl.loader.documents import Document


@dataclass
class Target:
    """What a call resolves to. `template` is None when it cannot be known offline."""

    how: str  # "local", "ref", "inline", "none"
    template: dict[str, Any] | None = None
    holder: Document | None = None
    unresolved: str | None = None  # why a templateRef could not be followed
    parameterised: bool = False  # the reference itself contains {{...}}


def holder_templates(doc: Document, index: TemplateIndex) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Templates a `template:` name may refer to: the document's, or, for a Workflow with a
    workflowTemplateRef and no templates, the referenced template's."""
    own = templates_by_name(doc)
    if own:
        return own
    ref = as_dict(workflow_spec(doc)[1].get("workflowTemplateRef"))
    if ref.get("name"):
        target = index.lookup(str(ref["name"]), cluster_scope=bool(ref.get("clusterScope")), namespace=doc.namespace)
        if target is not None:
            return templates_by_name(target)
    return own


def resolve_ref(ref: dict[str, Any], doc: Document, index: TemplateIndex) -> Target:
    name, template = ref.get("name"), ref.get("template")
    if not isinstance(name, str) or not isinstance(template, str):
        return Target("ref", unresolved="incomplete templateRef")
    if "{{" in name or "{{" in template:
        return Target("ref", parameterised=True, unresolved="parameterised templateRef")
    cluster = bool(ref.get("clusterScope"))
    kind = template_kind(cluster)
    if index.ambiguous(name, cluster_scope=cluster, namespace=doc.namespace):  # which one? the cluster's
        return Target("ref", parameterised=True, unresolved=f"{kind} {name!r} is defined more than once")
    target_doc = index.lookup(name, cluster_scope=cluster, namespace=doc.namespace)
    if target_doc is None:
        return Target("ref", unresolved=f"{kind} {name!r} is not among the files given (nor --templates)")
    found = templates_by_name(target_doc).get(template)
    if found is None:
        return Target("ref", holder=target_doc, unresolved=f"missing:{kind} {name!r} has no template {template!r}")
    return Target("ref", found[1], target_doc)


def resolve_call(call: dict[str, Any], doc: Document, index: TemplateIndex) -> Target:
    """The template a step, task or hook invokes; worked out once per call and index (several rules
    ask for every step and task)."""
    cache = doc.cache.setdefault("resolved_calls", {})
    hit = cache.get(id(call))
    if hit is not None and hit[0] is call and hit[1] is index:
        return hit[2]  # type: ignore[no-any-return]
    target = _resolve_call(call, doc, index)
    cache[id(call)] = (call, index, target)  # holding `call` keeps its id from being reused
    return target


def _resolve_call(call: dict[str, Any], doc: Document, index: TemplateIndex) -> Target:
    if isinstance(call.get("inline"), dict):
        return Target("inline", call["inline"], doc)
    if isinstance(call.get("templateRef"), dict):
        return resolve_ref(call["templateRef"], doc, index)
    name = call.get("template")
    if isinstance(name, str):
        if "{{" in name:
            return Target("local", parameterised=True)
        found = holder_templates(doc, index).get(name)
        return Target("local", found[1] if found else None, doc)
    return Target("none")
