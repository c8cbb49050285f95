"""Read-only views over an Argo document: where its workflow spec and templates live."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.argo.paths import Path_

if TYPE_CHECKING:
    from wfctl.loader.documents import Document


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
    """The workflow spec and its path: `spec`, or `spec.workflowSpec` for a CronWorkflow (found once per
    document: most rules start here)."""
    cached = doc.cache.get("workflow_spec")
    if cached is None:
        cached = doc.cache["workflow_spec"] = _workflow_spec(doc)
    return cached  # type: ignore[no-any-return]


def _workflow_spec(doc: Document) -> tuple[Path_, dict[str, Any]]:
    spec = doc.spec
    if doc.kind == CRON_WORKFLOW:
        inner = spec.get("workflowSpec")
        return ("spec", "workflowSpec"), inner if isinstance(inner, dict) else {}
    return ("spec",), spec


def iter_templates(doc: Document) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """(path, template) for every template; listed once per document (many rules walk them)."""
    cached = doc.cache.get("templates")
    if cached is None:
        cached = doc.cache["templates"] = list(_templates(doc))
    return iter(cached)


def _templates(doc: Document) -> Iterator[tuple[Path_, dict[str, Any]]]:
    prefix, spec = workflow_spec(doc)
    templates = spec.get("templates")
    if not isinstance(templates, list):
        return
    for i, tpl in enumerate(templates):
        if isinstance(tpl, dict):
            yield (*prefix, "templates", i), tpl


def sync_places(doc: Document) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """(path, mapping) of every object that may hold `synchronization` or `memoize`: the workflow spec
    (a CronWorkflow's `workflowSpec`), `templateDefaults` and every template."""
    prefix, spec = workflow_spec(doc)
    yield prefix, spec
    defaults = spec.get("templateDefaults")
    if isinstance(defaults, dict):
        yield (*prefix, "templateDefaults"), defaults
    yield from iter_templates(doc)


def template_type(tpl: dict[str, Any]) -> str | None:
    for t in TEMPLATE_TYPES:
        if tpl.get(t) is not None:
            return t
    return None


def templates_by_name(doc: Document) -> dict[str, tuple[Path_, dict[str, Any]]]:
    """name -> (path, template); computed once per document (rules ask for it for every call)."""
    cached = doc.cache.get("templates_by_name")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result: dict[str, tuple[Path_, dict[str, Any]]] = {}
    for path, tpl in iter_templates(doc):
        name = tpl.get("name")
        if isinstance(name, str) and name not in result:
            result[name] = (path, tpl)
    doc.cache["templates_by_name"] = result
    return result


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


LEAF_TYPES = ("container", "script", "resource", "suspend", "data", "http", "plugin", "containerSet")
POD_TYPES = ("container", "script", "resource", "data", "containerSet")
RESULT_TYPES = ("container", "script", "data", "http", "plugin", "containerSet")


def iter_steps(tpl_path: Path_, tpl: dict[str, Any]) -> Iterator[tuple[Path_, int, dict[str, Any]]]:
    """(path, group index, step) for every step of a steps template (groups keep their order)."""
    groups = tpl.get("steps")
    if not isinstance(groups, list):
        return iter(())  # most templates: asked by several rules, answered without a generator
    out = []
    for g, group in enumerate(groups):
        if isinstance(group, list):
            for s, step in enumerate(group):
                if isinstance(step, dict):
                    out.append(((*tpl_path, "steps", g, s), g, step))
    return iter(out)


def iter_tasks(tpl_path: Path_, tpl: dict[str, Any]) -> Iterator[tuple[Path_, dict[str, Any]]]:
    dag = tpl.get("dag")
    tasks = dag.get("tasks") if isinstance(dag, dict) else None
    if not isinstance(tasks, list):
        return iter(())
    return iter([((*tpl_path, "dag", "tasks", t), task) for t, task in enumerate(tasks) if isinstance(task, dict)])


def iter_invocations(doc: Document) -> Iterator[tuple[Path_, dict[str, Any], dict[str, Any], str]]:
    """Every step and DAG task: (path, the call, its template, "step"|"task"); listed once per document."""
    cached = doc.cache.get("invocations")
    if cached is None:
        cached = doc.cache["invocations"] = list(_invocations(doc))
    return iter(cached)


def _invocations(doc: Document) -> Iterator[tuple[Path_, dict[str, Any], dict[str, Any], str]]:
    for tpl_path, tpl in iter_templates(doc):
        for path, _, step in iter_steps(tpl_path, tpl):
            yield path, step, tpl, "step"
        for path, task in iter_tasks(tpl_path, tpl):
            yield path, task, tpl, "task"


def _io(tpl: dict[str, Any], side: str, kind: str) -> list[dict[str, Any]]:
    # as_list(as_dict(tpl.get(side)).get(kind)), the mappings only; written out: many rules ask, per template
    io = tpl.get(side)
    if not isinstance(io, dict):
        return []
    items = io.get(kind)
    if not isinstance(items, list):
        return []
    return [p for p in items if isinstance(p, dict)]


def input_parameters(tpl: dict[str, Any]) -> list[dict[str, Any]]:
    return _io(tpl, "inputs", "parameters")


def input_artifacts(tpl: dict[str, Any]) -> list[dict[str, Any]]:
    return _io(tpl, "inputs", "artifacts")


def output_parameters(tpl: dict[str, Any]) -> list[dict[str, Any]]:
    return _io(tpl, "outputs", "parameters")


def output_artifacts(tpl: dict[str, Any]) -> list[dict[str, Any]]:
    return _io(tpl, "outputs", "artifacts")


def containers(tpl: dict[str, Any]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every container-like object of a template, with its path relative to the template."""
    out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    # written out (no generator, no as_list/as_dict): asked for every template of every document
    c = tpl.get("container")
    if isinstance(c, dict):
        out.append((("container",), c))
    c = tpl.get("script")
    if isinstance(c, dict):
        out.append((("script",), c))
    for key in ("initContainers", "sidecars"):
        items = tpl.get(key)
        if isinstance(items, list):
            out.extend(((key, i), c) for i, c in enumerate(items) if isinstance(c, dict))
    cs = tpl.get("containerSet")
    items = cs.get("containers") if isinstance(cs, dict) else None
    if isinstance(items, list):
        out.extend((("containerSet", "containers", i), c) for i, c in enumerate(items) if isinstance(c, dict))
    return out


def iter_containers(doc: Document) -> Iterator[tuple[Path_, str, dict[str, Any], dict[str, Any]]]:
    """(path, field, container, template) for every container-like object of every template, where
    `field` is the template field holding it (`container`, `script`, `initContainers`, `sidecars`,
    `containerSet`); listed once per document (the pod rules all walk them)."""
    cached = doc.cache.get("containers")
    if cached is None:
        cached = doc.cache["containers"] = [
            ((*tpl_path, *sub), sub[0], c, tpl) for tpl_path, tpl in iter_templates(doc) for sub, c in containers(tpl)
        ]
    return iter(cached)


def strings(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every string (values, not keys) under `value`, with its path, in document order."""
    out: list[tuple[Path_, str]] = []
    if isinstance(value, str):
        out.append((path, value))
    else:
        _collect_strings(value, path, out)
    return iter(out)


def _collect_strings(value: Any, path: Path_, out: list[tuple[Path_, str]]) -> None:
    # a plain recursive walk into a list: a generator chain costs a resume per level for every string
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for k, v in items:
        t = type(v)
        if t is str:
            out.append(((*path, k), v))
        elif t is dict or t is list:
            _collect_strings(v, (*path, k), out)
        elif isinstance(v, str):
            out.append(((*path, k), v))
        elif isinstance(v, (dict, list)):
            _collect_strings(v, (*path, k), out)


def named(items: Any) -> Iterator[tuple[int, dict[str, Any], str, bool]]:
    """(index, item, name, already seen) for the items of a list that have a name; nameless items are
    left to the schema (WF003)."""
    if not isinstance(items, list) or not items:
        return iter(())
    out = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name:
            out.append((i, item, name, name in seen))
            seen.add(name)
    return iter(out)


def empty_names(items: Any) -> Iterator[int]:
    """Indices of the items of a list whose `name` is the empty string (Argo: "[i].name is required";
    a missing name is the schema's WF003)."""
    if not isinstance(items, list) or not items:
        return iter(())
    return iter([i for i, item in enumerate(items) if isinstance(item, dict) and item.get("name") == ""])
