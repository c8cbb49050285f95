"""Object identity and server-managed metadata: what a diff pairs on and what the API server owns.

`Resource` is one Argo object on one side of a comparison (files, a git revision, the cluster);
`strip_server_fields` removes what the API server maintains (status, managedFields, uid...), so that
`diff --live` and `apply` compare only what an author wrote. Used by `diff/` and `kube/` alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SERVER_METADATA = ("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink")
SERVER_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


@dataclass
class Resource:
    """One Argo object on one side of a diff.

    `file` is where it was read (shown to the user); `origin` is the file's path relative to the side's
    root, the same on both sides for the same file (used to pair Workflows that only have generateName).
    """

    kind: str
    name: str
    namespace: str
    data: dict[str, Any]
    file: str = ""
    generated: bool = False  # only generateName: `name` holds the generateName
    origin: str = ""

    @property
    def label(self) -> str:
        name = self.name + ("*" if self.generated else "")
        return f"{self.kind}/{self.namespace}/{name}" if self.namespace else f"{self.kind}/{name}"


def strip_server_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What `kubectl diff` ignores: status and the metadata the API server maintains."""
    out = {k: v for k, v in data.items() if k != "status"}
    meta = dict(out.get("metadata") or {})
    for key in SERVER_METADATA:
        meta.pop(key, None)
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in SERVER_ANNOTATIONS}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    labels = meta.get("labels")
    if labels == {}:
        meta.pop("labels")
    out["metadata"] = meta
    return out
