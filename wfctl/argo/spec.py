"""Read-only views over an Argo document: where its workflow spec and templates live."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wfctl.loader.documents import Document

Path_ = tuple[Any, ...]

TEMPLATE_TYPES = (
    "container",
    "script",
    "resource",
    "dag",
    "steps",
    "suspend",
    "data",
    "http",
    "plugin",
    "containerSet",
)


def workflow_spec(doc: Document) -> tuple[Path_, dict[str, Any]]:
    """The workflow spec and its path: `spec`, or `spec.workflowSpec` for a CronWorkflow."""
    spec = doc.spec
    if doc.kind == "CronWorkflow":
        inner = spec.get("workflowSpec")
        return ("spec", "workflowSpec"), inner if isinstance(inner, dict) else {}
    return ("spec",), spec


def iter_templates(doc: Document) -> Iterator[tuple[Path_, dict[str, Any]]]:
    prefix, spec = workflow_spec(doc)
    templates = spec.get("templates")
    if not isinstance(templates, list):
        return
    for i, tpl in enumerate(templates):
        if isinstance(tpl, dict):
            yield (*prefix, "templates", i), tpl


def template_type(tpl: dict[str, Any]) -> str | None:
    for t in TEMPLATE_TYPES:
        if tpl.get(t) is not None:
            return t
    return None


def templates_by_name(doc: Document) -> dict[str, tuple[Path_, dict[str, Any]]]:
    result: dict[str, tuple[Path_, dict[str, Any]]] = {}
    for path, tpl in iter_templates(doc):
        name = tpl.get("name")
        if isinstance(name, str) and name not in result:
            result[name] = (path, tpl)
    return result


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
