"""WF128 synchronization: mutexes, semaphores and memoization are complete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.duration import is_duration
from wfctl.argo.spec import as_dict, as_list, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class Synchronization(Rule):
    """Argo only finds these at run time: a mutex needs a `name`; a semaphore a `configMapKeyRef`
    (name and key) or a `database` key; `memoize` needs a `key` and `cache.configMap.name`, and its
    `maxAge` is a duration (`1h`, `30m`).
    """

    code = "WF128"
    name = "synchronization"
    severity = Severity.ERROR
    summary = "Incomplete mutex, semaphore or memoize settings"
    stage = "argo"

    def _sync(self, ctx: RuleContext, path: tuple[Any, ...], value: Any) -> Iterator[Finding]:
        sync = as_dict(value)
        for i, mutex in enumerate(as_list(sync.get("mutexes"))):
            if not as_dict(mutex).get("name"):
                yield self.finding(ctx, (*path, "mutexes", i), "mutex needs a name", at_key=True)
        for i, sem in enumerate(as_list(sync.get("semaphores"))):
            sem = as_dict(sem)
            ref = as_dict(sem.get("configMapKeyRef"))
            if not ref and not sem.get("database"):
                yield self.finding(
                    ctx, (*path, "semaphores", i), "semaphore needs configMapKeyRef or database", at_key=True
                )
            elif ref and (not ref.get("name") or not ref.get("key")):
                yield self.finding(
                    ctx,
                    (*path, "semaphores", i, "configMapKeyRef"),
                    "semaphore configMapKeyRef needs name and key",
                    at_key=True,
                )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        yield from self._sync(ctx, (*prefix, "synchronization"), spec.get("synchronization"))
        for path, tpl in ctx.templates():
            sync = tpl.get("synchronization")
            if isinstance(sync, dict):  # otherwise nothing to check (most templates)
                yield from self._sync(ctx, (*path, "synchronization"), sync)
            memo = tpl.get("memoize")
            if isinstance(memo, dict):
                if not memo.get("key"):
                    yield self.finding(ctx, (*path, "memoize"), "memoize needs a key", at_key=True)
                if not as_dict(as_dict(memo.get("cache")).get("configMap")).get("name"):
                    yield self.finding(ctx, (*path, "memoize"), "memoize needs cache.configMap.name", at_key=True)
                age = memo.get("maxAge")
                if isinstance(age, str) and age and "{{" not in age and not is_duration(age):
                    yield self.finding(ctx, (*path, "memoize", "maxAge"), f"maxAge {age!r} is not a duration")
