"""One walk over a document's spec whose results several rules read: every string that holds `{{`
(variables, for the scope rules) and every resource quantity (WF129), each with its path, in document
order. A spec has hundreds of nodes and walking it costs more than most rules: it is walked once per
document, and the path tuple is built only for what is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wfctl.argo.paths import Path_
from wfctl.records import dataclass

if TYPE_CHECKING:
    from wfctl.loader.documents import Document

# maps whose values are resource quantities, by the key that holds them
QUANTITY_MAPS = frozenset(("requests", "limits"))
RESOURCE_KEYS = frozenset(("resources", "podResources"))
# free-form places where a `resources:` key is not Kubernetes' (plugin parameters, manifests, metadata)
OPAQUE = frozenset(("plugin", "manifest", "metadata"))


@dataclass
class SpecWalk:
    """What one walk of `spec` found (paths start with "spec")."""

    templated: list[tuple[Path_, str]]  # strings holding `{{`
    quantities: list[tuple[Path_, Any]]  # `resources.requests/limits` values, `podResources...`, `sizeLimit`


def spec_walk(doc: Document) -> SpecWalk:
    """The walk of `doc.spec`; computed once per document."""
    cached = doc.cache.get("spec_walk")
    if cached is None:
        templated: list[tuple[Path_, str]] = []
        quantities: list[tuple[Path_, Any]] = []
        _walk(doc.spec, ["spec"], None, True, templated, quantities)
        cached = doc.cache["spec_walk"] = SpecWalk(templated, quantities)
    return cached  # type: ignore[no-any-return]


def templated_by_place(doc: Document) -> tuple[dict[Any, list[tuple[Path_, str]]], dict[Any, list[tuple[Path_, str]]]]:
    """The strings holding `{{` of the workflow spec (`spec`, a CronWorkflow's `spec.workflowSpec`),
    grouped: (field of the workflow spec -> strings under it, except `templates`; template index ->
    strings of that template), each in document order; computed once per document."""
    cached = doc.cache.get("templated_by_place")
    if cached is None:
        from wfctl.argo.kinds import CRON_WORKFLOW  # noqa: PLC0415

        by_field: dict[Any, list[tuple[Path_, str]]] = {}
        by_template: dict[Any, list[tuple[Path_, str]]] = {}
        prefix: Path_ = ("spec",)
        if doc.kind == CRON_WORKFLOW:
            prefix = ("spec", "workflowSpec")
        if doc.kind != CRON_WORKFLOW or isinstance(doc.spec.get("workflowSpec"), dict):
            depth = len(prefix)
            for hit in spec_walk(doc).templated:
                path = hit[0]
                if len(path) <= depth or path[:depth] != prefix:
                    continue
                key = path[depth]
                if key == "templates":
                    if len(path) > depth + 1:
                        by_template.setdefault(path[depth + 1], []).append(hit)
                else:
                    by_field.setdefault(key, []).append(hit)
        cached = doc.cache["templated_by_place"] = (by_field, by_template)
    return cached  # type: ignore[no-any-return]


def _walk(value: Any, stack: list[Any], parent: Any, quant: bool, templated: list[Any], quantities: list[Any]) -> None:
    """`quant`: quantities are looked for here (not inside opaque places, nor inside a quantity map,
    whose entries are taken whole); `parent`: the key that holds the nearest mapping."""
    if isinstance(value, dict):
        in_resources = quant and parent in RESOURCE_KEYS
        for key, item in value.items():
            t = type(item)
            if t is str:  # most values: plain strings
                if "{{" in item:
                    templated.append(((*stack, key), item))
                if quant and key == "sizeLimit":
                    quantities.append(((*stack, key), item))
                continue
            if t is not dict and t is not list and not isinstance(item, (dict, list)):
                if isinstance(item, str) and "{{" in item:
                    templated.append(((*stack, key), item))
                if quant and key == "sizeLimit":
                    quantities.append(((*stack, key), item))
                continue
            deeper = quant
            if quant:
                if key in OPAQUE:
                    deeper = False
                elif key == "sizeLimit":
                    quantities.append(((*stack, key), item))
                    deeper = False
                elif in_resources and key in QUANTITY_MAPS and isinstance(item, dict):
                    here = (*stack, key)
                    quantities.extend(((*here, name), q) for name, q in item.items())
                    deeper = False
            stack.append(key)
            _walk(item, stack, key, deeper, templated, quantities)
            stack.pop()
    else:
        for i, item in enumerate(value):
            t = type(item)
            if t is str:
                if "{{" in item:
                    templated.append(((*stack, i), item))
            elif t is dict or t is list or isinstance(item, (dict, list)):
                stack.append(i)
                _walk(item, stack, parent, quant, templated, quantities)
                stack.pop()
            elif isinstance(item, str) and "{{" in item:
                templated.append(((*stack, i), item))
