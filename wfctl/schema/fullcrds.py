"""What only Argo 3.7's *full* CRDs reject (WF006), found through the `x-full-crds-*` marks of a schema.

Argo 3.7's default install uses the minimal CRDs (the API server checks nothing inside `spec`) and Argo
decodes with Go types, which enforce no `required`. `schemas/generate.py` therefore keeps out of the
v3.7 schema's `required` the fields that only the full CRDs require, and marks them instead:
`x-full-crds-required` (a list of fields, beside `required`) and `x-full-crds-scalar` (a value Argo
reads as AnyString: the full CRDs want a string, Argo reads a list or a mapping as ""). This module
compiles, once per (version, kind), a finder that walks a document along the parts of the schema that
can reach a mark, and nothing else. A schema without marks (v4) has no finder.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from wfctl.schema import load, normalize_version

REQUIRED = "x-full-crds-required"
SCALAR = "x-full-crds-scalar"

Path = tuple[Any, ...]
# ("required", path of the object, missing field) or ("scalar", path of the value, the value)
Hit = tuple[str, Path, Any]
Visit = Callable[[Any, Path, list[Hit]], None]


def finder(version: str, kind: str) -> Callable[[Any], list[Hit]] | None:
    """The WF006 finder of `kind` for an Argo version, or None when its schema has no marks."""
    return _finder(normalize_version(version), kind)


@cache
def _finder(label: str, kind: str) -> Callable[[Any], list[Hit]] | None:
    visit = _Compiler(load(label, kind)).compile_root()
    if visit is None:
        return None

    def find(data: Any) -> list[Hit]:
        hits: list[Hit] = []
        visit(data, (), hits)
        return hits

    return find


def _refs_and_marks(schema: Any) -> tuple[set[str], bool]:
    """The `$defs` a schema body refers to (not following them), and whether the body itself holds a mark."""
    refs: set[str] = set()
    marked = False
    todo = [schema]
    while todo:
        node = todo.pop()
        if not isinstance(node, dict):
            continue
        if REQUIRED in node or SCALAR in node:
            marked = True
        ref = node.get("$ref")
        if isinstance(ref, str):
            refs.add(ref.rsplit("/", 1)[1])
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                todo.append(node[key])
        todo.extend(v for v in node.get("properties", {}).values() if isinstance(v, dict))
    return refs, marked


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.compiled: dict[str, Visit] = {}
        # definitions from which a mark can be reached (a fixpoint over `$ref`s)
        bodies = {name: _refs_and_marks(body) for name, body in self.defs.items()}
        self.reaching = {name for name, (_, marked) in bodies.items() if marked}
        changed = True
        while changed:
            changed = False
            for name, (refs, _) in bodies.items():
                if name not in self.reaching and refs & self.reaching:
                    self.reaching.add(name)
                    changed = True

    def compile_root(self) -> Visit | None:
        body = {k: v for k, v in self.root.items() if k != "$defs"}
        return self.compile(body)

    def _reaches(self, schema: Any) -> bool:
        refs, marked = _refs_and_marks(schema)
        return marked or bool(refs & self.reaching)

    def ref(self, name: str) -> Visit:
        if name not in self.compiled:
            slot: list[Visit] = []

            def lazy(value: Any, path: Path, hits: list[Hit]) -> None:
                if not slot:
                    compiled = self.compile(self.defs[name])
                    slot.append(compiled or _nothing)
                    self.compiled[name] = slot[0]
                slot[0](value, path, hits)

            self.compiled[name] = lazy
        return self.compiled[name]

    def compile(self, schema: Any) -> Visit | None:
        """A visitor for values of `schema`, or None when nothing under it is marked."""
        if not isinstance(schema, dict) or not self._reaches(schema):
            return None
        visits: list[Visit] = []
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.rsplit("/", 1)[1] in self.reaching:
            visits.append(self.ref(ref.rsplit("/", 1)[1]))
        if schema.get(SCALAR):
            visits.append(_scalar)
        if schema.get(REQUIRED):
            visits.append(_required(tuple(schema[REQUIRED])))
        props = {k: v for k, v in ((k, self.compile(s)) for k, s in schema.get("properties", {}).items()) if v}
        if props:
            visits.append(_properties(props))
        extra = self.compile(schema.get("additionalProperties"))
        if extra is not None:
            visits.append(_map(extra, frozenset(schema.get("properties", {}))))
        item = self.compile(schema.get("items"))
        if item is not None:
            visits.append(_items(item))
        if not visits:
            return None
        if len(visits) == 1:
            return visits[0]

        def all_of(value: Any, path: Path, hits: list[Hit]) -> None:
            for visit in visits:
                visit(value, path, hits)

        return all_of


def _nothing(value: Any, path: Path, hits: list[Hit]) -> None:
    return None


def _scalar(value: Any, path: Path, hits: list[Hit]) -> None:
    if isinstance(value, (list, dict)):
        hits.append(("scalar", path, value))


def _required(fields: tuple[str, ...]) -> Visit:
    def visit(value: Any, path: Path, hits: list[Hit]) -> None:
        if isinstance(value, dict):
            hits.extend(("required", path, f) for f in fields if value.get(f) is None)

    return visit


def _properties(props: dict[str, Visit]) -> Visit:
    def visit(value: Any, path: Path, hits: list[Hit]) -> None:
        if isinstance(value, dict):
            for key, sub in props.items():
                child = value.get(key)
                if child is not None:
                    sub(child, (*path, key), hits)

    return visit


def _map(sub: Visit, named: frozenset[str]) -> Visit:
    def visit(value: Any, path: Path, hits: list[Hit]) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                if child is not None and key not in named:
                    sub(child, (*path, key), hits)

    return visit


def _items(sub: Visit) -> Visit:
    def visit(value: Any, path: Path, hits: list[Hit]) -> None:
        if isinstance(value, list):
            for i, child in enumerate(value):
                if child is not None:
                    sub(child, (*path, i), hits)

    return visit
