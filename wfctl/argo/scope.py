"""Which `{{...}}` variables resolve where, with Argo's scoping rules.

Globals come from the workflow (name, parameters, labels, annotations, global outputs...). A
template adds its inputs, its outputs (self-references), `pod.name` and retry variables. A step sees
the steps of *earlier* groups; a DAG task sees only its (transitive) dependencies. Loops add `item`.
`resolve` returns None when a variable resolves, else a message saying why not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wfctl.argo.dag import ancestors, dependency_graph
from wfctl.argo.expr import split_reference
from wfctl.argo.kinds import CRON_WORKFLOW, LIBRARY_KINDS
from wfctl.argo.refs import resolve_call
from wfctl.argo.spec import (
    RESULT_TYPES,
    as_dict,
    as_list,
    input_artifacts,
    input_parameters,
    iter_steps,
    iter_tasks,
    iter_templates,
    output_artifacts,
    output_parameters,
    template_type,
    workflow_spec,
)
from wfctl.records import dataclass, field
from wfctl.text import suggest

if TYPE_CHECKING:
    from wfctl.argo.index import TemplateIndex
    from wfctl.loader.documents import Document

# Roots Argo checks at validation time (workflow/common/common.go); others are left to runtime.
CHECKED_ROOTS = ("item", "steps", "inputs", "outputs", "pod", "workflow", "tasks")
# metric-only variables (util/variables/keys): duration, exitCode, resourcesDuration.*, status
KNOWN_ROOTS = (
    *CHECKED_ROOTS,
    "retries",
    "lastRetry",
    "node",
    "cronworkflow",
    "status",
    "duration",
    "exitCode",
    "resourcesDuration",
)
# `{{$...}}` (`{{$}}`, `{{$.inputs.parameters['x']}}`) are Kubeflow Pipelines placeholders, which KFP's
# own launcher fills in inside the container. Argo's validation skips tags that do not start with one
# of its roots (checkValidWorkflowVariablePrefix) and its substitution leaves unknown tags as they are,
# so they reach KFP intact: not Argo variables, and not typos of one.
FOREIGN_PREFIXES = ("$",)
NODE_FIELDS = ("id", "ip", "status", "exitCode", "startedAt", "finishedAt", "hostNodeName", "name", "message")
_CONTROLLER_KEYS = ("workflows.argoproj.io/",)
_CONTROLLER_PREFIXES = frozenset(
    f"workflow.{what}.{key}".rstrip("/") for key in _CONTROLLER_KEYS for what in ("labels", "annotations")
)
# `{{workflow.labels.X}}` for a label the file does not set: labels can be added at submission
# (`argo submit -l`), so WF115 leaves these to the WF130 warning.
LABEL_PREFIX = "workflow.labels."


# the workflow.* variables every workflow has
WORKFLOW_VARIABLES = frozenset(
    f"workflow.{f}"
    for f in (
        "name",
        "namespace",
        "mainEntrypoint",
        "serviceAccountName",
        "uid",
        "status",
        "duration",
        "scheduledTime",
        "priority",
        "parameters",
        "parameters.json",
        "labels",
        "labels.json",
        "annotations",
        "annotations.json",
        "outputs.parameters",
        "outputs.artifacts",
        "creationTimestamp",
    )
)


@dataclass
class Globals:
    exact: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    parameters: list[str] = field(default_factory=list)

    def resolves(self, name: str) -> bool:
        if name in self.exact:
            return True
        return any(name == p or name.startswith(p + ".") or name.startswith(p + "/") for p in self.prefixes)


def build_globals(doc: Document, index: TemplateIndex) -> Globals:
    g = Globals()
    g.exact |= WORKFLOW_VARIABLES
    g.prefixes.add("workflow.creationTimestamp")
    _, spec = workflow_spec(doc)
    specs = [spec]
    ref = as_dict(spec.get("workflowTemplateRef"))
    templated = doc.kind in LIBRARY_KINDS
    if ref.get("name"):
        target = index.lookup(str(ref["name"]), cluster_scope=bool(ref.get("clusterScope")), namespace=doc.namespace)
        if target is None:
            templated = True  # nothing known about the referenced spec: be lenient
        else:
            specs.append(target.spec)
    labels: set[str] = set()
    annotations: set[str] = set()
    meta = doc.metadata
    labels |= set(as_dict(meta.get("labels")))
    annotations |= set(as_dict(meta.get("annotations")))
    for s in specs:
        for p in as_list(as_dict(s.get("arguments")).get("parameters")):
            if isinstance(p, dict) and isinstance(p.get("name"), str):
                g.parameters.append(p["name"])
                g.exact.add(f"workflow.parameters.{p['name']}")
        wm = as_dict(s.get("workflowMetadata"))
        labels |= set(as_dict(wm.get("labels"))) | set(as_dict(wm.get("labelsFrom")))
        annotations |= set(as_dict(wm.get("annotations")))
    if doc.kind == CRON_WORKFLOW:
        labels |= set(as_dict(as_dict(doc.spec.get("workflowMetadata")).get("labels")))
    g.exact |= {f"workflow.labels.{k}" for k in labels} | {f"workflow.annotations.{k}" for k in annotations}
    g.prefixes |= _CONTROLLER_PREFIXES
    if templated:
        # the Workflow that runs this template supplies parameters and annotations (labels: see LABEL_PREFIX)
        g.prefixes |= {"workflow.parameters", "workflow.annotations"}
    for _, tpl in iter_templates(doc):
        for p in output_parameters(tpl):
            name = p.get("globalName")
            if isinstance(name, str):
                if "{{" in name:
                    g.prefixes.add("workflow.outputs.parameters")
                g.exact.add(f"workflow.outputs.parameters.{name}")
        for a in output_artifacts(tpl):
            name = a.get("globalName")
            if isinstance(name, str):
                if "{{" in name:
                    g.prefixes.add("workflow.outputs.artifacts")
                g.exact.add(f"workflow.outputs.artifacts.{name}")
    return g


@dataclass
class NodeInfo:
    """A step or task as a source of variables."""

    name: str
    template: dict[str, Any] | None  # None: unknown offline (unresolved templateRef, parameterised)
    template_name: str
    loop: bool


@dataclass
class Scope:
    # the workflow's globals, or a function that builds them on first use (most tags are not workflow.*)
    globals_of: Globals | Callable[[], Globals]
    template: dict[str, Any]
    root: str = ""  # "steps" or "tasks" inside steps/DAG templates
    visible: dict[str, NodeInfo] = field(default_factory=dict)
    all_nodes: dict[str, NodeInfo] = field(default_factory=dict)
    current: str = ""
    item: str | None = None  # None (no loop), "scalar", "any"
    item_keys: set[str] = field(default_factory=set)
    # True: runs in an exit handler or hook; False: certainly not; None: unknown. May be given as a
    # function that answers on first use (few strings need it, and it means following every call).
    exit_of: bool | Callable[[], bool | None] | None = None

    @property
    def globals(self) -> Globals:
        if callable(self.globals_of):
            self.globals_of = self.globals_of()
        return self.globals_of

    @property
    def exit_handler(self) -> bool | None:
        if callable(self.exit_of):
            self.exit_of = self.exit_of()
        return self.exit_of

    def resolve(self, name: str) -> str | None:
        """None if `{{name}}` resolves here; otherwise the reason it does not."""
        root = name.split(".", 1)[0]
        if "{{" in name:
            # a nested tag (`{{steps.run-{{inputs.parameters.d}}.status}}`): only step and task names
            # can still be matched offline; the inner tags are resolved on their own
            return self._nodes(root, name) if root in ("steps", "tasks") else None
        if root == "workflow":
            if name == "workflow.failures":
                if self.exit_handler is False:
                    return (
                        "workflow.failures is only defined in an exit handler (spec.onExit, a lifecycle hook,"
                        " and the templates they call)"
                    )
                return None
            if self.globals.resolves(name):
                return None
            if name.startswith("workflow.parameters."):
                param = name.split(".", 2)[2]
                hint = suggest(param, self.globals.parameters)
                return f"the workflow has no parameter {param!r} in spec.arguments" + (
                    f" (did you mean {hint!r}?)" if hint else ""
                )
            if name.startswith(("workflow.labels.", "workflow.annotations.")):
                return f"{name.split('.')[1][:-1]} {name.split('.', 2)[2]!r} is not set on the workflow"
            if name.startswith("workflow.outputs."):
                return "no template exports a global output with that globalName"
            return f"{name!r} is not a workflow variable"
        if root == "inputs":
            return self._inputs(name)
        if root == "outputs":
            return None  # self-references in outputs and metrics
        if root == "pod":
            return None if name == "pod.name" else f"{name!r} is not a pod variable (only pod.name)"
        if root == "item":
            if self.item is None:
                return "'item' is only defined in a step or task with withItems, withParam or withSequence"
            if name == "item" or self.item == "any" or name.split(".", 1)[1].split(".")[0] in self.item_keys:
                return None
            return f"the items of this loop have no key {name.split('.', 1)[1]!r}"
        if root in ("steps", "tasks"):
            return self._nodes(root, name)
        return None

    def _inputs(self, name: str) -> str | None:
        parts = name.split(".")
        if name in ("inputs.parameters", "inputs.artifacts"):
            return None
        if len(parts) >= 3 and parts[1] == "parameters":
            names = [p.get("name") for p in input_parameters(self.template)]
            if parts[2] in names and (len(parts) == 3 or parts[3:] == ["json"]):
                return None
            hint = suggest(parts[2], [n for n in names if isinstance(n, str)])
            return f"template {self.template.get('name')!r} has no input parameter {parts[2]!r}" + (
                f" (did you mean {hint!r}?)" if hint else ""
            )
        if len(parts) >= 3 and parts[1] == "artifacts":
            names = [a.get("name") for a in input_artifacts(self.template)]
            if parts[2] in names:
                return None
            return f"template {self.template.get('name')!r} has no input artifact {parts[2]!r}"
        return f"{name!r} is not an inputs variable (inputs.parameters.NAME, inputs.artifacts.NAME)"

    def _nodes(self, root: str, name: str) -> str | None:
        parts = split_reference(name)
        if len(parts) < 2 or name in ("steps.name", "tasks.name"):
            return None
        what = "step" if root == "steps" else "task"
        if root != self.root:
            return f"{{{{{root}.…}}}} is only defined inside a {'steps' if root == 'steps' else 'DAG'} template"
        node_name = parts[1]
        node = self.visible.get(node_name)
        if node is None:
            if "{{" in node_name and node_name not in self.all_nodes:
                return None  # a name computed at run time
            if node_name in self.all_nodes:
                if root == "steps":
                    return f"step {node_name!r} does not run before this step (only earlier step groups are visible)"
                return f"task {node_name!r} is not a dependency of task {self.current!r} (add it to depends)"
            hint = suggest(node_name, list(self.all_nodes))
            return f"no {what} named {node_name!r} in this template" + (f" (did you mean {hint!r}?)" if hint else "")
        rest = parts[2:]
        if not rest or rest[0] in NODE_FIELDS:
            return None
        if rest[0] != "outputs" or len(rest) < 2:
            return f"{name!r}: expected {root}.{node_name}.outputs.… or a node field ({', '.join(NODE_FIELDS)})"
        target = node.template
        if target is None:
            return None  # not known offline
        kind = template_type(target)
        if rest[1] in ("result", "exitCode"):
            if kind in RESULT_TYPES or kind is None:
                return None
            return f"{what} {node_name!r} runs a {kind} template, which has no outputs.{rest[1]}"
        if rest[1] == "parameters":
            if len(rest) == 2:
                return None
            names = [p.get("name") for p in output_parameters(target)]
            if rest[2] in names:
                return None
            return f"template {node.template_name!r} (run by {what} {node_name!r}) has no output parameter {rest[2]!r}"
        if rest[1] == "artifacts":
            if len(rest) == 2:
                return None
            names = [a.get("name") for a in output_artifacts(target)]
            if rest[2] in names:
                return None
            return f"template {node.template_name!r} (run by {what} {node_name!r}) has no output artifact {rest[2]!r}"
        return f"{name!r}: unknown output {rest[1]!r} (result, exitCode, parameters, artifacts)"


def node_info(call: dict[str, Any], doc: Document, index: TemplateIndex) -> NodeInfo:
    target = resolve_call(call, doc, index)
    name = call.get("template") or as_dict(call.get("templateRef")).get("template") or "inline"
    loop = any(call.get(k) is not None for k in ("withItems", "withParam", "withSequence"))
    return NodeInfo(str(call.get("name")), target.template, str(name), loop)


def loop_item(call: dict[str, Any]) -> tuple[str | None, set[str]]:
    if call.get("withParam") is not None or call.get("withSequence") is not None:
        return ("any" if call.get("withParam") is not None else "scalar"), set()
    items = call.get("withItems")
    if isinstance(items, list):
        keys: set[str] = set()
        any_scalar = False
        for item in items:
            if isinstance(item, dict):
                keys |= {str(k) for k in item}
            else:
                any_scalar = True
        if keys and not any_scalar:
            return "scalar", keys
        return ("any" if keys else "scalar"), keys
    return None, set()


WORKFLOW_KEYS = ("arguments", "hooks", "workflowMetadata", "podMetadata", "metrics", "podSpecPatch")
HOOK_KEYS = ("hooks", "onExit")  # a step's or task's own hooks see the step or task itself


def scoped_strings(doc: Document, index: TemplateIndex) -> list[tuple[tuple[Any, ...], str, Scope]]:
    """Every string of the document's templates (and of the workflow-level `arguments`, `hooks`,
    `workflowMetadata`, `podMetadata`, `metrics`, `podSpecPatch`) that holds `{{`, with the scope it is
    read in. Order: the workflow-level keys in that order; then each template: for steps and DAG
    templates the strings of its calls (call by call), of its other fields, of inline templates.

    The strings come from the document's one walk (wfctl.argo.walk); a scope (globals, the nodes a step
    or task sees, exit handlers) is worked out only where some string needs it."""
    from wfctl.argo.walk import templated_by_place  # noqa: PLC0415

    by_field, by_template = templated_by_place(doc)
    by_key = {key: by_field[key] for key in WORKFLOW_KEYS if key in by_field}
    if not by_key and not by_template:
        return []
    return _Scoper(doc, index).scoped(by_key, by_template)


class _Scoper:
    """Puts each string with its scope; what the scopes need is computed on first use."""

    def __init__(self, doc: Document, index: TemplateIndex) -> None:
        self.doc, self.index = doc, index
        self._globals: Globals | None = None
        self._exits: Any = False  # False: not computed yet (None is a result)

    def globals(self) -> Globals:
        if self._globals is None:
            self._globals = build_globals(self.doc, self.index)
        return self._globals

    def in_exit(self, tpl: dict[str, Any]) -> bool | None:
        if self._exits is False:
            from wfctl.argo.reach import exit_context  # noqa: PLC0415

            self._exits = exit_context(self.doc)
        exits = self._exits
        return exits.in_exit_handler(tpl.get("name"), self.doc.kind) if exits is not None else None

    def scoped(
        self,
        by_key: dict[str, list[tuple[tuple[Any, ...], str]]],
        by_template: dict[Any, list[tuple[tuple[Any, ...], str]]],
    ) -> list[tuple[tuple[Any, ...], str, Scope]]:
        out: list[tuple[tuple[Any, ...], str, Scope]] = []
        if by_key:
            workflow_scope = Scope(self.globals, {})  # the method: globals are built on first use
            for key in WORKFLOW_KEYS:
                out.extend((path, text, workflow_scope) for path, text in by_key.get(key, ()))
        if by_template:
            for tpl_path, tpl in iter_templates(self.doc):
                hits = by_template.get(tpl_path[-1])
                if hits:
                    self._template(tpl_path, tpl, hits, out)
        return out

    def _template(
        self,
        tpl_path: tuple[Any, ...],
        tpl: dict[str, Any],
        hits: list[tuple[tuple[Any, ...], str]],
        out: list[tuple[tuple[Any, ...], str, Scope]],
    ) -> None:
        kind = template_type(tpl)
        if kind not in ("steps", "dag"):
            base = Scope(self.globals, tpl, exit_of=lambda: self.in_exit(tpl))
            out.extend((path, text, base) for path, text in hits)
            return
        root = "steps" if kind == "steps" else "tasks"
        calls = (
            [(p, s, grp) for p, grp, s in iter_steps(tpl_path, tpl)]
            if kind == "steps"
            else [(p, t, 0) for p, t in iter_tasks(tpl_path, tpl)]
        )
        d = len(tpl_path)
        number = {path: n for n, (path, _, _) in enumerate(calls)}
        call_hits: dict[int, list[tuple[tuple[Any, ...], str, bool]]] = {}  # call number -> (path, text, in a hook)
        inline_hits: dict[int, list[tuple[tuple[Any, ...], str]]] = {}
        whole_hits: list[tuple[tuple[Any, ...], str]] = []
        for path, text in hits:
            key = path[d]
            if key == "steps" or key == "dag":
                if key == "dag" and kind == "dag" and len(path) == d + 2 and path[d + 1] == "target":
                    whole_hits.append((path, text))
                    continue
                n = number.get(path[: d + 3]) if len(path) > d + 3 else None
                if n is None:
                    continue  # not inside a call (other fields of `dag`, another kind's steps or tasks)
                field_ = path[d + 3]
                if field_ == "inline":
                    if isinstance(calls[n][1].get("inline"), dict):
                        inline_hits.setdefault(n, []).append((path, text))
                else:
                    call_hits.setdefault(n, []).append((path, text, field_ in HOOK_KEYS))
            else:
                whole_hits.append((path, text))
        g = self.globals  # the method (see Scope.globals_of)
        exit_here: Callable[[], bool | None] | None = None
        infos: dict[str, NodeInfo] = {}
        if call_hits or whole_hits:
            exit_here = functools.partial(self.in_exit, tpl)
            infos = {str(c.get("name")): node_info(c, self.doc, self.index) for _, c, _ in calls}
        graph = dependency_graph(tpl) if kind == "dag" and call_hits else {}
        for n in sorted(call_hits):
            _, call, group = calls[n]
            name = str(call.get("name"))
            if kind == "steps":
                visible = {m: infos[m] for p, c, grp in calls if grp < group for m in [str(c.get("name"))]}
            else:
                visible = {m: infos[m] for m in ancestors(graph, name) if m in infos}
            item, keys = loop_item(call)
            scope = Scope(g, tpl, root, visible, infos, name, item, keys, exit_here)
            hook_scope = None
            for path, text, hooked in call_hits[n]:
                if hooked:
                    if hook_scope is None:
                        hook_scope = Scope(g, tpl, root, {**visible, name: infos[name]}, infos, name, item, keys)
                    out.append((path, text, hook_scope))
                else:
                    out.append((path, text, scope))
        if whole_hits:
            whole = Scope(g, tpl, root, dict(infos), infos, "", None, set(), exit_here)
            out.extend((path, text, whole) for path, text in whole_hits)
        for n in sorted(inline_hits):
            inline_scope = Scope(g, calls[n][1]["inline"])
            out.extend((path, text, inline_scope) for path, text in inline_hits[n])
