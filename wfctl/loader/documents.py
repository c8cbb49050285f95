"""YAML documents to Argo documents: classification by apiVersion and kind, `kind: List` unpacked;
files that fail to parse and are plainly not Argo manifests (Helm templates, JSONC, JSON arrays) skipped."""

from __future__ import annotations

import re
from typing import Any

from wfctl.argo.kinds import API_VERSION, ARGO_KINDS, GROUP
from wfctl.loader.locate import find
from wfctl.loader.nodes import Node
from wfctl.loader.yaml import Problem, YamlDocument
from wfctl.records import dataclass, field


@dataclass(slots=True)
class Document:
    """An Argo object read from a file, with what is needed to point into its source."""

    file: str
    index: int  # position of the YAML document in the file (0-based)
    kind: str
    data: dict[str, Any]
    node: Node | None
    problems: list[Problem] = field(default_factory=list)
    item: int | None = None  # index in `items` when unpacked from a `kind: List`
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # derived views, computed once

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        meta = self.metadata
        name = meta.get("name") or meta.get("generateName") or ""
        return str(name)

    @property
    def namespace(self) -> str:
        return str(self.metadata.get("namespace") or "")

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    def label(self) -> str:
        return f"{self.kind}/{self.name}" if self.name else self.kind


@dataclass(slots=True)
class Skipped:
    """A document that is not an Argo object (kept for the summary and --verbose)."""

    index: int
    description: str
    problem: Problem | None = None  # a file skipped because it does not parse (apply refuses such input)


def describe(data: Any) -> str:
    if isinstance(data, dict):
        kind = data.get("kind") or "(no kind)"
        name = (data.get("metadata") or {}).get("name") if isinstance(data.get("metadata"), dict) else None
        api = data.get("apiVersion") or "(no apiVersion)"
        return f"{api} {kind}" + (f"/{name}" if name else "")
    return type(data).__name__


def classify(file: str, ydoc: YamlDocument) -> tuple[list[Document], list[Skipped], list[Problem]]:
    """Argo documents in one YAML document (several for a List), skipped ones, and problems."""
    data = ydoc.data
    problems = list(ydoc.problems)
    if data is None:
        if ydoc.problems:
            return [], [], problems
        return [], [Skipped(ydoc.index, "empty document")], []
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a scalar ({type(data).__name__})"
        line = ydoc.node.start_mark.line + 1 if ydoc.node is not None else 1
        col = ydoc.node.start_mark.column + 1 if ydoc.node is not None else 1
        problems.append(Problem("WF016", f"document is {what}, not a mapping: not a Kubernetes object", line, col))
        return [], [], problems
    kind = data.get("kind")
    if kind == "List" and isinstance(data.get("items"), list):
        docs: list[Document] = []
        skipped: list[Skipped] = []
        for i, item in enumerate(data["items"]):
            _, item_node = find(ydoc.node, ("items", i))
            sub = YamlDocument(ydoc.index, item_node, item)
            d, s, p = classify(file, sub)
            for doc in d:
                doc.item = i
            docs.extend(d)
            skipped.extend(s)
            problems.extend(p)
        return docs, skipped, problems
    api = data.get("apiVersion")
    if kind in ARGO_KINDS:
        if api != API_VERSION:
            key, found = "apiVersion", f"found {api!r}" if api is not None else "found no value"
            if "apiVersion" not in data:  # the key itself is missing or misspelt (`apiVersions:`)
                from wfctl.text import suggest  # noqa: PLC0415

                near = suggest("apiVersion", [k for k in data if isinstance(k, str) and k not in ("kind", "items")])
                key = near or key
                found = "but the apiVersion key is missing" + (f" (is {near!r} a misspelling?)" if near else "")
            _, node = find(ydoc.node, (key,))
            mark = node.start_mark if node is not None else None
            problems.append(
                Problem(
                    "WF017",
                    f"kind {kind} needs apiVersion {API_VERSION!r}, {found}",
                    mark.line + 1 if mark else 1,
                    mark.column + 1 if mark else 1,
                )
            )
            return [], [], problems
        return [Document(file, ydoc.index, kind, data, ydoc.node, problems)], [], []
    # Not Argo's: skipped whole, its own problems too (kubeconform's "skipped").
    return [], [Skipped(ydoc.index, describe(data))], []


# Problems that mean "this file is not YAML/JSON objects we can read": for a file that is plainly not an
# Argo manifest (a Helm template, JSONC, a JSON array) they are not reported, the file is skipped.
PARSE_FAILURES = frozenset({"WF010", "WF011", "WF015", "WF016"})
_ARGO_KIND = re.compile(r"""["']?\bkind["']?\s*:\s*["']?(?:""" + "|".join(ARGO_KINDS) + r")\b")


_ARGO_API_VERSION = re.compile(re.escape(GROUP) + "/v")  # an apiVersion value, not an RBAC api group
_ANY_KIND = re.compile(r"""["']?\bkind["']?\s*:""")


def looks_like_argo(text: str) -> bool:
    """Whether the text declares one of the four Argo Workflows kinds, or names an `argoproj.io/v...`
    apiVersion and no kind at all (a kind that may be templated, a key that lost its colon). Merely
    mentioning `argoproj.io` (an RBAC `apiGroups`, a CRD's `group`) or another project's argoproj.io
    kind (Argo CD's Application) does not count: real Helm charts are full of those (argo-helm: 40)."""
    if _ARGO_KIND.search(text) is not None:
        return True
    return _ARGO_API_VERSION.search(text) is not None and _ANY_KIND.search(text) is None


def not_argo_manifest(text: str, problems: list[Problem], documents: list[Document]) -> Skipped | None:
    """A file-level skip for a file that does not parse and does not look like an Argo manifest, else None.

    A file that mentions `argoproj.io` or an Argo kind keeps its errors; so does any other problem
    (encoding, size) and any file in which an Argo document was found.
    """
    if not problems or documents or any(p.rule not in PARSE_FAILURES for p in problems):
        return None
    if looks_like_argo(text):
        return None
    first = min(problems, key=lambda p: (p.line, p.column))
    return Skipped(
        0,
        f"not an Argo manifest, whole file skipped ({first.rule} at {first.line}:{first.column};"
        " no argoproj.io apiVersion or Argo kind in it)",
        first,
    )
