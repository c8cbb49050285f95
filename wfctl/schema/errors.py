"""Schema validation of one document, and jsonschema's errors turned into findings a person reads.

`anyOf`/`oneOf` failures are reduced to the branch that fits the value's type (then to that
branch's own errors) instead of a dump of every branch; unknown fields get "did you mean".
Each finding takes its severity from its rule's entry (`wfctl/rules/*.py`), like the loader's.
What only Argo 3.7's full CRDs reject is WF006 (a warning; see `wfctl/schema/fullcrds.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl import rules
from wfctl.model import Finding, Severity
from wfctl.rules.base import REGISTRY
from wfctl.schema import drop_nulls, fast_check, full_validator
from wfctl.schema.fullcrds import finder as full_crds_finder

_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    dict: "object",
    list: "array",
    type(None): "null",
}


def json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else json_type(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _got(value: Any) -> str:
    """`integer 3`, `string 'x'`; a mapping or a list is named once (`array`, not `array array`)."""
    if isinstance(value, (dict, list)) or value is None:  # `null`, not `null None`
        return json_type(value)
    return f"{json_type(value)} {_show(value)}"


def severity(code: str) -> Severity:
    """The severity declared by the rule entry of `code` (WF001-WF006), so that editing it there counts."""
    if code not in REGISTRY:
        rules.load_all()
    return REGISTRY[code].severity


def _owner(path: tuple[Any, ...]) -> str:
    """The last named place of a path, with its list indexes: `container`, `volumeMounts[0]`."""
    indexes = ""
    for part in reversed(path):
        if not isinstance(part, int):
            return f"{part}{indexes}"
        indexes = f"[{part}]{indexes}"
    return indexes


def _finding(code: str, message: str, path: tuple[Any, ...], *, at_key: bool = False) -> Finding:
    return Finding(code, severity(code), message, path=path, at_key=at_key)


def validate(data: dict[str, Any], version: str, kind: str) -> list[Finding]:
    """Findings for `data` against the strict schema of `kind` (empty when it is valid), and what only
    the full CRDs of that Argo version reject (WF006: Argo 3.7)."""
    find_full_crds = full_crds_finder(version, kind)
    extra = [_full_crds_finding(hit) for hit in find_full_crds(data)] if find_full_crds else []
    if fast_check(version, kind)(data):
        return extra
    validator = full_validator(version, kind)
    findings: list[Finding] = []
    for error in validator.iter_errors(drop_nulls(data)):
        findings.extend(_explain(error))
    unique: dict[tuple[str, tuple[Any, ...], str], Finding] = {}
    for f in [*findings, *extra]:
        unique.setdefault((f.rule, f.path, f.message), f)
    return list(unique.values())


def _full_crds_finding(hit: tuple[str, tuple[Any, ...], Any]) -> Finding:
    """WF006: the default Argo 3.7 install accepts this; a cluster with 3.7's full CRDs rejects it."""
    what, path, detail = hit
    if what == "required":
        where = f" in {_owner(path)!r}" if path else ""
        message = f"missing field {detail!r}{where}: required only by Argo 3.7's full CRDs"
        message += " (the default install accepts it)"
        return _finding("WF006", message, path, at_key=True)
    message = (
        f"a {'list' if isinstance(detail, list) else 'mapping'} where Argo 3.7's full CRDs want a string: "
        "the default install accepts it and Argo reads it as an empty string"
    )
    return _finding("WF006", message, path)


def _type_names(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return list(t)
    if "properties" in schema or "additionalProperties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def _explain(error: Any) -> Iterator[Finding]:
    path = tuple(error.absolute_path)
    validator = error.validator
    value = error.instance
    if validator == "additionalProperties" and isinstance(value, dict):
        known = sorted(error.schema.get("properties", {}))
        for key in value:
            if key in error.schema.get("properties", {}):
                continue
            from wfctl.text import suggest  # noqa: PLC0415 - difflib: only when explaining a failure

            hint = suggest(str(key), known)
            message = f"unknown field {key!r}"
            if hint:
                message += f": did you mean {hint!r}?"
            elif known and len(known) <= 12:
                message += f" (expected one of: {', '.join(known)})"
            yield _finding("WF001", message, (*path, key), at_key=True)
        return
    if validator == "required" and isinstance(value, dict):
        for key in error.validator_value:
            if value.get(key) is None:
                where = f" in {_owner(path)!r}" if path else ""
                yield _finding("WF003", f"missing required field {key!r}{where}", path, at_key=True)
        return
    if validator == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        message = f"expected {' or '.join(names)}, got {_got(value)}"
        if "string" in names and isinstance(value, (bool, int, float)):
            message += " (quote the value to make it a string)"
        yield _finding("WF002", message, path)
        return
    if validator in ("enum", "const"):
        allowed = error.validator_value if validator == "enum" else [error.validator_value]
        shown = ", ".join(repr(a) for a in allowed[:10])
        yield _finding("WF004", f"invalid value {_show(value)}: expected one of {shown}", path)
        return
    if validator in ("anyOf", "oneOf") and error.context:
        yield from _explain_branches(error)
        return
    yield _finding("WF005", f"schema violation: {error.message}", path)


def _explain_branches(error: Any) -> Iterator[Finding]:
    """Pick the branch meant for this value's type, and explain that branch only."""
    by_branch: dict[int, list[Any]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.schema_path[0], []).append(sub)
    branches = error.validator_value
    value = error.instance
    fitting = []
    for i, errors in by_branch.items():
        top_type_error = any(e.validator == "type" and not e.relative_path for e in errors)
        if not top_type_error:
            fitting.append((len(errors), i))
    if not fitting:
        names: list[str] = []
        for b in branches:
            for n in _type_names(b) or ["object"]:
                if n not in names:
                    names.append(n)
        path = tuple(error.absolute_path)
        yield _finding("WF002", f"expected {' or '.join(names)}, got {_got(value)}", path)
        return
    fitting.sort()
    for sub in by_branch[fitting[0][1]]:
        yield from _explain(sub)
