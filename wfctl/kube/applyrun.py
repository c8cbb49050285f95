"""`wfctl apply` from inputs to outcomes, in the order that keeps a cluster safe: read and check every
input, then plan every object, then list what `--prune` would delete, then apply, then prune.

Anything wrong before the first request raises InputError (unreadable input: each problem as every
command prints it, then "nothing was applied"), so the command exits 2 with the cluster untouched.
The command module only parses flags and prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from wfctl.errors import InputError
from wfctl.kube import plan as planning
from wfctl.loader.documents import Document
from wfctl.loader.report import UnreadableInput, error_line
from wfctl.model import FileResult, Severity


def read_inputs(
    paths: tuple[str, ...],
    hera: tuple[str, ...],
    *,
    argo_version: str,
    validate: bool,
    report: Callable[[FileResult], None],
) -> list[Document]:
    """Every Argo document of the inputs, or InputError. Reading and YAML problems stop apply even
    without validation (never apply half a tree); with `validate`, so do errors of `wfctl validate`
    (settings from `.wfctl.yaml` as for validate), each file's errors handed to `report` first."""
    from wfctl.argo.index import TemplateIndex  # noqa: PLC0415
    from wfctl.engine import Checker, load, settings_from  # noqa: PLC0415

    sources, walk_problems = planning.walk_inputs(paths)
    if walk_problems:  # each as every command prints it (wfctl.loader.report), then what it means here
        raise UnreadableInput([*(error_line(p) for p in walk_problems), error_line("nothing was applied")])
    if hera:
        from wfctl.python.inputs import python_sources  # noqa: PLC0415

        sources += [ps.source for ps in python_sources(hera)]
    settings, _ = settings_from(argo_version=argo_version)
    loaded = [load(s, settings) for s in sources]
    read_problems = planning.input_problems(loaded)
    if read_problems:
        raise UnreadableInput([*read_problems, error_line("nothing was applied")])
    docs = [d for lf in loaded for d in lf.documents]
    if validate:
        index = TemplateIndex()
        index.add(docs)
        checker = Checker(settings, index)
        results = [checker.check(lf) for lf in loaded]
        if any(f.severity >= Severity.ERROR for r in results for f in r.findings):
            for r in results:
                r.findings = [f for f in r.findings if f.severity >= Severity.ERROR]
                report(r)
            raise InputError("validation failed; nothing was applied (--no-validate to skip)")
    return docs


def apply_documents(
    kube: Any,
    docs: list[Document],
    *,
    namespace: str | None,
    dry_run: str,
    force_conflicts: bool,
    replace: bool,
    prune_selector: Any,
) -> list[Any]:
    """Plan, list the prune candidates (read-only), apply, then prune; the outcomes in that order.
    `kube` is None for a client dry run, which sends no request at all (and so cannot know what
    --prune would delete)."""
    from wfctl.kube.apply import apply_planned, prune, prune_candidates  # noqa: PLC0415

    default_ns = (kube.namespace if kube is not None else namespace) or "default"
    plan = planning.plan_documents(docs, namespace, default_ns)
    candidates = []
    if prune_selector is not None and kube is not None:
        namespaces = {p.namespace for p in plan if p.namespace} or {kube.namespace}
        candidates = prune_candidates(kube, plan, prune_selector, namespaces)
    outcomes = apply_planned(kube, plan, dry_run=dry_run, force_conflicts=force_conflicts, replace=replace)
    if candidates and kube is not None:  # only after every object was applied
        outcomes += prune(kube, candidates, dry_run=dry_run)
    return outcomes


def write_outcomes(outcomes: list[Any], output: str, dry_run: str, stream: TextIO) -> None:
    """What was done, as `-o text|name|json|yaml` (json/yaml: a v1 List of the server's answers)."""
    if output in ("json", "yaml"):
        doc = {"apiVersion": "v1", "kind": "List", "items": [o.object for o in outcomes]}
        if output == "json":
            json.dump(doc, stream, indent=2)
            stream.write("\n")
        else:
            from wfctl.yamlout import dump  # noqa: PLC0415

            dump(doc, stream)
    else:
        suffix = {"none": "", "client": " (dry run)", "server": " (server dry run)"}[dry_run]
        for o in outcomes:
            stream.write(f"{o.resource}\n" if output == "name" else f"{o.resource} {o.action}{suffix}\n")
    stream.flush()
