"""The index of WorkflowTemplates and ClusterWorkflowTemplates that `templateRef`s resolve against."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from wfctl.argo.kinds import CLUSTER_WORKFLOW_TEMPLATE, WORKFLOW_TEMPLATE
from wfctl.records import dataclass, field

if TYPE_CHECKING:
    from wfctl.loader.documents import Document


@dataclass
class TemplateIndex:
    """WorkflowTemplates by (namespace, name) and by name; ClusterWorkflowTemplates by name."""

    namespaced: dict[tuple[str, str], Document] = field(default_factory=dict)
    by_name: dict[str, list[Document]] = field(default_factory=dict)
    cluster: dict[str, Document] = field(default_factory=dict)
    dupes: set[tuple[bool, str, str]] = field(default_factory=set)  # (cluster scope, namespace, name) defined twice

    def add(self, docs: Iterable[Document]) -> None:
        for doc in docs:
            name = doc.metadata.get("name")
            if not isinstance(name, str):
                continue
            if doc.kind == WORKFLOW_TEMPLATE:
                if self.namespaced.setdefault((doc.namespace, name), doc) is not doc:
                    self.dupes.add((False, doc.namespace, name))
                self.by_name.setdefault(name, []).append(doc)
            elif doc.kind == CLUSTER_WORKFLOW_TEMPLATE and self.cluster.setdefault(name, doc) is not doc:
                self.dupes.add((True, "", name))

    def ambiguous(self, name: str, *, cluster_scope: bool, namespace: str = "") -> bool:
        """Whether the files define the referenced template more than once, so that which one the cluster
        holds cannot be known offline (Argo's own offline lint calls this a duplicate, not a miss)."""
        if cluster_scope:
            return (True, "", name) in self.dupes
        if (False, namespace, name) in self.dupes:
            return True
        return not self._has(namespace, name) and self._named(name) > 1

    def _has(self, namespace: str, name: str) -> bool:
        return (namespace, name) in self.namespaced

    def _named(self, name: str) -> int:
        return len(self.by_name.get(name, []))

    def lookup(self, name: str, *, cluster_scope: bool, namespace: str = "") -> Document | None:
        """The referenced template; a WorkflowTemplate is looked up in `namespace`, else by name alone
        when exactly one WorkflowTemplate has that name (manifests often leave the namespace out)."""
        if cluster_scope:
            return self.cluster.get(name)
        doc = self.namespaced.get((namespace, name))
        if doc is not None:
            return doc
        candidates = self.by_name.get(name, [])
        return candidates[0] if len(candidates) == 1 or (candidates and not namespace) else None

    def __bool__(self) -> bool:
        return bool(self.namespaced or self.cluster)
