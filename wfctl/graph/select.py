"""What `wfctl graph` draws: which object, which templates (its own, or those of the WorkflowTemplate it
references with `workflowTemplateRef`), and which template is the root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wfctl.argo.index import TemplateIndex
from wfctl.argo.kinds import ARGO_KINDS, template_kind
from wfctl.argo.spec import as_dict, templates_by_name, workflow_spec
from wfctl.errors import InputError
from wfctl.loader.documents import Document


@dataclass
class Target:
    """The object to draw, the templates its calls resolve against, and the root template."""

    doc: Document
    templates: dict[str, dict[str, Any]]
    root: str
    via: Document | None = None  # the WorkflowTemplate the templates came from

    @property
    def title(self) -> str:
        return f"{self.root} (from {self.via.label()})" if self.via is not None else self.root


def pick(docs: list[Document], name: str | None, where: str) -> Document:
    found = [d for d in docs if d.kind in ARGO_KINDS and (name is None or d.name == name)]
    if not found:
        raise InputError(f"{where}: no Argo workflow" + (f" named {name!r}" if name else ""))
    return found[0]


def _own(doc: Document) -> dict[str, dict[str, Any]]:
    return {k: v[1] for k, v in templates_by_name(doc).items()}


def resolve(doc: Document, index: TemplateIndex, template: str | None) -> Target:
    """Templates and root for `doc`; a `workflowTemplateRef` is followed through `index`."""
    _, spec = workflow_spec(doc)
    templates = _own(doc)
    entrypoint = spec.get("entrypoint")
    via = None
    ref = as_dict(spec.get("workflowTemplateRef"))
    if ref:
        name = ref.get("name")
        cluster = bool(ref.get("clusterScope"))
        target = index.lookup(str(name), cluster_scope=cluster, namespace=doc.namespace) if name else None
        if target is None:
            kind = template_kind(cluster)
            raise InputError(
                f"{doc.file}: {doc.label()} uses workflowTemplateRef {kind} {name!r}, which is not among the files:"
                " give its file too, or pass it with --templates PATH"
            )
        via = target
        templates = {**_own(target), **templates}
        if not isinstance(entrypoint, str) or not entrypoint:
            entrypoint = workflow_spec(target)[1].get("entrypoint")
    root = template or entrypoint
    choices = ", ".join(sorted(templates)) or "none"
    if not isinstance(root, str) or not root:
        raise InputError(
            f"{doc.file}: {doc.label()} has no entrypoint: choose one with --template (templates: {choices})"
        )
    if root not in templates:
        raise InputError(f"{doc.file}: template {root!r} not found in {doc.label()} (templates: {choices})")
    return Target(doc, templates, root, via)
