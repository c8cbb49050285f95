"""A yes/no JSON Schema check compiled to Python closures, for the common case: a valid document.

It covers the keywords wfctl's generated schemas use and refuses any other at compile time, so it
can never pass what it does not understand. Semantics match `jsonschema` applied to the document
with `key: null` entries removed (Go's decoder reads them as "not set"); only when this check says
"no" does wfctl import jsonschema to explain why. A test compares the two on many documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# The `x-full-crds-*` marks are not JSON Schema: wfctl/schema/fullcrds.py reads them (WF006).
_IGNORED = {"$schema", "$comment", "$defs", "format", "title", "description", "default"} | {
    "x-full-crds-required",
    "x-full-crds-scalar",
}
_SUPPORTED = _IGNORED | {
    "type",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "$ref",
    "const",
    "enum",
}


def _always(_: Any) -> bool:
    return True


def _is_int(x: Any) -> bool:
    t = type(x)
    return t is int or (t is float and x.is_integer())


_TYPES: dict[str, Check] = {
    "string": lambda x: type(x) is str,
    "integer": _is_int,
    "number": lambda x: type(x) in (int, float),
    "boolean": lambda x: type(x) is bool,
    "object": lambda x: type(x) is dict,
    "array": lambda x: type(x) is list,
    "null": lambda x: x is None,
}


def _same(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


class Compiler:
    """Compiles one schema document (with its `$defs`) into checks; refs are compiled once."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.compiled: dict[str, Check] = {}
        _audit(root)  # every keyword and $ref is known: lazy compilation below can never fail later

    def ref(self, ref: str) -> Check:
        """A definition's check, compiled on its first use: a run that meets a few kinds of objects
        compiles only those (a one-file run pays for a fraction of the schema)."""
        name = ref[len("#/$defs/") :]
        if name not in self.compiled:
            slot: list[Check] = []

            def lazy(x: Any) -> bool:
                if not slot:
                    slot.append(self.compile(self.defs[name]))
                    self.compiled[name] = slot[0]  # checks compiled from now on call it directly
                return slot[0](x)

            self.compiled[name] = lazy
        return self.compiled[name]

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return _always
        if schema is False:
            return lambda _: False
        unknown = set(schema) - _SUPPORTED
        if unknown:
            raise ValueError(f"fastcheck does not support {sorted(unknown)}")
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        if "type" in schema:
            checks.append(self._type(schema["type"]))
        if "const" in schema:
            const = schema["const"]
            checks.append(lambda x: _same(x, const))
        if "enum" in schema:
            values = list(schema["enum"])
            checks.append(lambda x: any(_same(x, v) for v in values))
        if {"properties", "additionalProperties", "required"} & set(schema):
            checks.append(self._object(schema))
        if "items" in schema:
            item = self.compile(schema["items"])
            checks.append(lambda x: type(x) is not list or all(item(v) for v in x))
        if "anyOf" in schema:
            branches = [self.compile(s) for s in schema["anyOf"]]
            checks.append(lambda x: any(b(x) for b in branches))
        if "oneOf" in schema:
            branches = [self.compile(s) for s in schema["oneOf"]]
            checks.append(lambda x: sum(1 for b in branches if b(x)) == 1)
        if "allOf" in schema:
            checks.extend(self.compile(s) for s in schema["allOf"])
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:  # the usual pair (`type` and the object's fields): no generator per value
            first, second = checks
            return lambda x: first(x) and second(x)
        return lambda x: all(c(x) for c in checks)

    @staticmethod
    def _type(types: Any) -> Check:
        if isinstance(types, str):
            return _TYPES[types]
        options = [_TYPES[t] for t in types]
        return lambda x: any(t(x) for t in options)

    def _object(self, schema: dict[str, Any]) -> Check:
        props = {k: self.compile(v) for k, v in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        extra_check: Check | None = None if isinstance(extra, bool) else self.compile(extra)
        closed = extra is False

        def check(x: Any) -> bool:
            if type(x) is not dict:
                return True  # `type` decides whether an object is required
            for key in required:
                if x.get(key) is None:
                    return False
            for key, value in x.items():
                if value is None:
                    continue
                prop = props.get(key)
                if prop is not None:
                    if not prop(value):
                        return False
                elif closed or (extra_check is not None and not extra_check(value)):
                    return False
            return True

        return check


def _audit(root: Any) -> None:
    """Refuse (ValueError) a schema with a keyword this module does not implement or a $ref that is
    not to one of its own `$defs`, anywhere in it."""
    defs = root.get("$defs", {}) if isinstance(root, dict) else {}
    todo = [root]
    while todo:
        schema = todo.pop()
        if not isinstance(schema, dict):
            continue
        unknown = set(schema) - _SUPPORTED
        if unknown:
            raise ValueError(f"fastcheck does not support {sorted(unknown)}")
        ref = schema.get("$ref")
        if ref is not None and not (ref.startswith("#/$defs/") and ref[len("#/$defs/") :] in defs):
            raise ValueError(f"unsupported $ref {ref!r}")
        for key in ("items", "additionalProperties"):
            if key in schema:
                todo.append(schema[key])
        for key in ("anyOf", "oneOf", "allOf"):
            todo.extend(schema.get(key, ()))
        todo.extend(schema.get("properties", {}).values())
        todo.extend(schema.get("$defs", {}).values())


def compile_schema(schema: dict[str, Any]) -> Check:
    """A predicate that is True exactly when `schema` accepts the (null-stripped) instance."""
    return Compiler(schema).compile(schema)
