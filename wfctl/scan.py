"""The cross-file template index, built cheaply and materialised lazily.

Before any file is checked, every input is scanned for WorkflowTemplates and ClusterWorkflowTemplates:
a file that does not mention `WorkflowTemplate` costs one substring search; a plain block-style
manifest has its kind, name and namespace read by a few regular expressions; anything else (JSON,
flow style, `kind: List`, anchors, other encodings) is parsed for real. The index keeps only
(kind, name, namespace, file) per template. When a rule follows a `templateRef` or
`workflowTemplateRef`, the referenced file is loaded then (a few recent files are kept), so memory
grows with what references need, not with the number of files. Every lookup a file makes is
recorded with a fingerprint of its answer, so the cache knows which part of the index a file used.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wfctl.argo.index import TemplateIndex
from wfctl.argo.kinds import CLUSTER_WORKFLOW_TEMPLATE as CWFT
from wfctl.argo.kinds import WORKFLOW_TEMPLATE as WFT

if TYPE_CHECKING:
    from wfctl.loader.discovery import Source
    from wfctl.loader.documents import Document

# Patterns, compiled on first use through re's own cache: most files mention no WorkflowTemplate and
# need none of them, and compiling them all at import would cost every one-file run (start-up time).
_DOC_SPLIT = rb"(?m)^(?:---|\.\.\.)[ \t]*(?:#[^\n]*)?$"
_KIND = rb"(?m)^kind:[ \t]*([\"']?)([A-Za-z]+)\1[ \t]*(?:#[^\n]*)?\r?$"
_ANY_KIND = rb"(?m)^[\"']?kind[\"']?[ \t]*:"
_API = rb"(?m)^apiVersion:[ \t]*([\"']?)argoproj\.io/v1alpha1\1[ \t]*(?:#[^\n]*)?\r?$"
_META = rb"(?m)^metadata:[ \t]*(?:#[^\n]*)?\r?\n((?:[ \t]+[^\n]*\n?|[ \t]*\r?\n)*)"
_VALUE = rb"([\"']?)([a-z][-a-z0-9.]*)\1[ \t]*(?:#[^\n]*)?\r?$"
_YAML11_WORDS = {b"y", b"n", b"yes", b"no", b"on", b"off", b"true", b"false", b"null"}
_TRICKY = (b"&", b"*", b"<<", b"{", b"[", b"!", b"|", b">", b"\t", b"\\")

Entry = tuple[str, str, str, int]  # kind, name, namespace, number of the source that holds it


def _meta_fields(block: bytes) -> dict[bytes, bytes] | None:
    """name and namespace from a simple indented `metadata:` block; None when it is not simple."""
    fields: dict[bytes, bytes] = {}
    indent: bytes | None = None
    for line in block.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        width = len(line) - len(line.lstrip(b" \t"))
        if indent is None:
            indent = line[:width]
        if len(line[:width]) != len(indent):
            continue  # deeper (labels, annotations...): not ours
        key, sep, value = stripped.partition(b":")
        if not sep:
            return None
        key = key.strip(b"\"'")
        if key in (b"name", b"namespace"):
            if key in fields or any(t in value for t in _TRICKY):
                return None
            match = re.fullmatch(_VALUE, value.strip())
            if match is None or match.group(2) in _YAML11_WORDS:
                return None
            fields[key] = match.group(2)
    return fields


def quick_templates(raw: bytes) -> list[tuple[str, str, str]] | None:
    """(kind, name, namespace) of the templates in a file, read without parsing it; [] when it holds
    none; None when the text is not simple enough to be sure (the caller parses it then)."""
    if b"WorkflowTemplate" not in raw:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:4]:
            return None  # UTF-16/32: the substring test says nothing
        return []
    if raw.lstrip()[:1] in (b"{", b"[") or b"%YAML" in raw[:64]:
        return None
    found = []
    for chunk in re.split(_DOC_SPLIT, raw):
        if b"WorkflowTemplate" not in chunk:
            continue
        kinds = re.findall(_KIND, chunk)
        if len(kinds) != 1 or len(re.findall(_ANY_KIND, chunk)) != 1:
            return None
        kind = kinds[0][1].decode()
        if kind not in (WFT, CWFT):
            if kind == "List":
                return None
            continue
        if len(re.findall(_API, chunk)) != 1:
            return None
        metas = re.findall(_META, chunk)
        if len(metas) != 1:
            return None
        fields = _meta_fields(metas[0])
        if fields is None or b"name" not in fields:
            return None
        found.append((kind, fields[b"name"].decode(), fields.get(b"namespace", b"").decode()))
    return found


class LazyIndex(TemplateIndex):
    """A TemplateIndex whose entries are (kind, name, namespace, source) until a rule needs one."""

    def __init__(
        self,
        sources: list[Source],
        fingerprints: list[str],
        loader: Callable[[Source], list[Document]],
        keep: int = 16,
    ) -> None:
        super().__init__()
        self.sources = sources
        self.fingerprints = fingerprints  # content hash of each source ("" when unknown)
        self.loader = loader
        self.keep = keep
        self.entries_ns: dict[tuple[str, str], Entry] = {}
        self.entries_by_name: dict[str, list[Entry]] = {}
        self.entries_cluster: dict[str, Entry] = {}
        self.recent: OrderedDict[int, list[Document]] = OrderedDict()
        self.deps: list[list[Any]] | None = None  # lookups of the file being checked, when recording
        # Fills the entries; run before the first question (a run in which no file refers to a template
        # never reads its inputs for templates at all).
        self.populate: Callable[[], None] | None = None

    def ready(self) -> None:
        """Fill the entries now if that is still to do (before forking workers, which then share them)."""
        if self.populate is not None:
            populate, self.populate = self.populate, None
            populate()

    def add_entry(self, kind: str, name: str, namespace: str, source_no: int) -> None:
        entry = (kind, name, namespace, source_no)
        if kind == WFT:
            if self.entries_ns.setdefault((namespace, name), entry)[3] != source_no:
                self.dupes.add((False, namespace, name))
            self.entries_by_name.setdefault(name, []).append(entry)
        elif kind == CWFT and self.entries_cluster.setdefault(name, entry)[3] != source_no:
            self.dupes.add((True, "", name))

    def _has(self, namespace: str, name: str) -> bool:
        self.ready()
        return (namespace, name) in self.entries_ns

    def _named(self, name: str) -> int:
        self.ready()
        return len(self.entries_by_name.get(name, []))

    def add_documents(self, docs: list[Document], source_no: int) -> None:
        for doc in docs:
            name = doc.metadata.get("name")
            if isinstance(name, str) and doc.kind in (WFT, CWFT):
                self.add_entry(doc.kind, name, doc.namespace, source_no)

    def entry(self, name: str, *, cluster_scope: bool, namespace: str = "") -> Entry | None:
        """The same choice as TemplateIndex.lookup, on entries."""
        self.ready()
        if cluster_scope:
            return self.entries_cluster.get(name)
        found = self.entries_ns.get((namespace, name))
        if found is not None:
            return found
        candidates = self.entries_by_name.get(name, [])
        return candidates[0] if len(candidates) == 1 or (candidates and not namespace) else None

    def fingerprint(self, name: str, cluster_scope: bool, namespace: str) -> str:
        """What a lookup answers, as a string that changes whenever the answer's content may (or whether
        the template is defined more than once)."""
        self.ready()
        twice = "twice:" * TemplateIndex.ambiguous(self, name, cluster_scope=cluster_scope, namespace=namespace)
        found = self.entry(name, cluster_scope=cluster_scope, namespace=namespace)
        if found is None:
            return twice
        kind, ename, ens, number = found
        return f"{twice}{kind}/{ens}/{ename}@{self.sources[number].display}#{self.fingerprints[number]}"

    def ambiguous(self, name: str, *, cluster_scope: bool, namespace: str = "") -> bool:
        """TemplateIndex.ambiguous, recorded for the cache as a lookup is (its answer is in the fingerprint)."""
        self.ready()
        if self.deps is not None:
            self.deps.append([name, cluster_scope, namespace, self.fingerprint(name, cluster_scope, namespace)])
        return TemplateIndex.ambiguous(self, name, cluster_scope=cluster_scope, namespace=namespace)

    def lookup(self, name: str, *, cluster_scope: bool, namespace: str = "") -> Document | None:
        self.ready()
        if self.deps is not None:
            self.deps.append([name, cluster_scope, namespace, self.fingerprint(name, cluster_scope, namespace)])
        found = self.entry(name, cluster_scope=cluster_scope, namespace=namespace)
        if found is None:
            return None
        kind, ename, ens, number = found
        docs = self.recent.get(number)
        if docs is None:
            docs = self.loader(self.sources[number])
            self.recent[number] = docs
            while len(self.recent) > self.keep:
                self.recent.popitem(last=False)
        else:
            self.recent.move_to_end(number)
        for doc in docs:
            if doc.kind == kind and doc.metadata.get("name") == ename and doc.namespace == ens:
                return doc
        return None

    def still_valid(self, deps: list[list[Any]]) -> bool:
        """Whether every recorded lookup would get the same answer from this index."""
        if not deps:  # the file asked nothing: nothing to fill for it
            return True
        self.ready()
        return all(self.fingerprint(str(n), bool(c), str(ns)) == fp for n, c, ns, fp in deps)

    def __bool__(self) -> bool:
        self.ready()
        return bool(self.entries_ns or self.entries_cluster)
