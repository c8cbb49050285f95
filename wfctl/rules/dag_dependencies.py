"""WF113 dag-dependencies: `dependencies` and `depends` name existing tasks and parse."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.expr import TASK_RESULTS, ParseError, parse_depends
from wfctl.argo.spec import as_dict, as_list, iter_tasks
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext
from wfctl.text import suggest


class DagDependencies(Rule):
    """DAG task dependencies must make sense before the DAG runs:

    - every name in `dependencies` or in a `depends` expression is a task of the same DAG;
    - `depends` parses (`A && (B.Failed || !C)`), and results are one of Succeeded, Failed, Errored,
      Skipped, Omitted, Daemoned, AnySucceeded, AllFailed (the last two only for looping tasks);
    - one DAG does not mix `dependencies` and `depends`, and `continueOn` is not used with `depends`;
    - a DAG has at least one task, and `target` names tasks.
    Argo misses `depends` syntax errors until run time; wfctl reports them with the column.
    """

    code = "WF113"
    name = "dag-dependencies"
    severity = Severity.ERROR
    summary = "Unknown DAG dependency, bad depends expression or mixed dependency styles"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for tpl_path, tpl in ctx.templates():
            dag = tpl.get("dag")
            if not isinstance(dag, dict):
                continue
            tasks = list(iter_tasks(tpl_path, tpl))
            if not tasks:
                yield self.finding(
                    ctx, (*tpl_path, "dag"), f"DAG {tpl.get('name')!r} must have at least one task", at_key=True
                )
                continue
            by_name = {str(t.get("name")): t for _, t in tasks}
            names = list(by_name)
            uses_depends = any(t.get("depends") for _, t in tasks)
            uses_deps = any(t.get("dependencies") is not None for _, t in tasks)
            if uses_depends and uses_deps:
                first = next(p for p, t in tasks if t.get("dependencies") is not None)
                yield self.finding(
                    ctx,
                    (*first, "dependencies"),
                    f"DAG {tpl.get('name')!r} uses both 'depends' and 'dependencies': choose one",
                    at_key=True,
                )
            for path, task in tasks:
                tname = task.get("name")
                if uses_depends and task.get("continueOn") is not None:
                    yield self.finding(
                        ctx,
                        (*path, "continueOn"),
                        "continueOn cannot be used when the DAG uses depends; use "
                        "'task.Failed'/'task.Errored' in depends instead",
                        at_key=True,
                    )
                for i, dep in enumerate(as_list(task.get("dependencies"))):
                    if not isinstance(dep, str):  # null, a number, a list: WF002 names the wrong type
                        continue
                    if str(dep) not in by_name:
                        hint = suggest(str(dep), names)
                        yield self.finding(
                            ctx,
                            (*path, "dependencies", i),
                            f"task {tname!r} depends on {dep!r}, which is not a task of this DAG"
                            + (f"; did you mean {hint!r}?" if hint else ""),
                        )
                    elif str(dep) == tname:
                        yield self.finding(ctx, (*path, "dependencies", i), f"task {tname!r} depends on itself")
                depends = task.get("depends")
                if isinstance(depends, str) and depends.strip():  # Argo reads "" as no dependency
                    yield from self._depends(ctx, path, str(tname), depends, by_name, names)
            target = dag.get("target")
            if isinstance(target, str) and "{{" not in target:
                for t in target.split():
                    if t not in by_name:
                        yield self.finding(ctx, (*tpl_path, "dag", "target"), f"target {t!r} is not a task of this DAG")

    def _depends(
        self, ctx: RuleContext, path: tuple, tname: str, depends: str, by_name: dict, names: list[str]
    ) -> Iterator[Finding]:
        try:
            refs = parse_depends(depends)
        except ParseError as exc:
            yield self.finding(ctx, (*path, "depends"), f"task {tname!r}: depends {depends!r} does not parse: {exc}")
            return
        for ref in refs:
            if ref.task not in by_name:
                hint = suggest(ref.task, names)
                yield self.finding(
                    ctx,
                    (*path, "depends"),
                    f"task {tname!r} depends on {ref.task!r}, which is not a task of this DAG"
                    + (f"; did you mean {hint!r}?" if hint else ""),
                )
                continue
            if ref.task == tname:
                yield self.finding(ctx, (*path, "depends"), f"task {tname!r} depends on itself")
            if ref.result is not None:
                if ref.result not in TASK_RESULTS:
                    hint = suggest(ref.result, list(TASK_RESULTS))
                    yield self.finding(
                        ctx,
                        (*path, "depends"),
                        f"task {tname!r}: {ref.task}.{ref.result} is not a task result"
                        + (f"; did you mean {ref.task}.{hint}?" if hint else f" ({', '.join(TASK_RESULTS)})"),
                    )
                elif ref.result in ("AnySucceeded", "AllFailed"):
                    dep = as_dict(by_name[ref.task])
                    if not any(dep.get(k) is not None for k in ("withItems", "withParam", "withSequence")):
                        yield self.finding(
                            ctx,
                            (*path, "depends"),
                            f"task {tname!r}: {ref.task}.{ref.result} needs {ref.task!r} to loop"
                            " (withItems, withParam or withSequence)",
                        )
