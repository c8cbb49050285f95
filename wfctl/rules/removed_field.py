"""WF132 removed-field: fields Argo 4 removed (what `argo convert` converts, and a little more)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.argo.paths import Path_
from wfctl.argo.spec import as_dict, sync_places, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

PLURALS = (("mutex", "mutexes"), ("semaphore", "semaphores"))


def _missing(field: str, parent: Path_) -> str:
    """The schema's message for a required field that is absent (see wfctl.schema.errors)."""
    owner = next((p for p in reversed(parent) if not isinstance(p, int)), "")
    return f"missing required field {field!r} in {owner!r}" if parent else f"missing required field {field!r}"


class RemovedField(Rule):
    """Argo 4 removed fields that Argo 3 accepted (deprecated since 3.6); a v4 controller and API
    server reject manifests that still use them. `wfctl fix` rewrites them in place (safe fixes):

    - CronWorkflow `spec.schedule: "x"` -> `spec.schedules: ["x"]` (merged into an existing
      `schedules`, without duplicates);
    - `synchronization.mutex: {...}` -> `synchronization.mutexes: [{...}]`, and `semaphore` ->
      `semaphores`, in the workflow spec, `templateDefaults` and every template (appended to an
      existing list, as Argo's own conversion does, unless the same item is already there);
    - `memoize.cache.configMap.key` (and `optional`) dropped: v4's cache config map is a plain
      object reference (`name` only), the key was never used.

    `podPriority` (removed earlier) has no mechanical fix: create a PriorityClass with that value and
    set `podPriorityClassName` to its name. With `--argo-version 3.7` only `podPriority` is reported
    (the other fields are merely deprecated there: see WF209). This rule's finding replaces the
    schema's "unknown field" error (WF001) for these fields.

    **Fails** (Argo 4): `spec: {schedule: "0 * * * *"}`  **Passes**: `spec: {schedules: ["0 * * * *"]}`
    """

    code = "WF132"
    name = "removed-field"
    severity = Severity.ERROR
    summary = "Field removed in Argo 4 (schedule, mutex, semaphore, cache key, podPriority)"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        superseded: set[tuple[Any, ...]] = ctx.cache.setdefault("superseded", set())
        v4 = ctx.argo_version.startswith("4")
        prefix, spec = workflow_spec(ctx.doc)
        if v4 and ctx.doc.kind == CRON_WORKFLOW and "schedule" in ctx.spec:
            path = ("spec", "schedule")
            superseded.update({("WF001", path), ("WF003", ("spec",), _missing("schedules", ("spec",)))})
            value = ctx.spec.get("schedule")
            yield self.finding(
                ctx, path, f"schedule was removed in Argo 4: use schedules: [{json.dumps(value)}]", at_key=True
            )
        if "podPriority" in spec:
            path = (*prefix, "podPriority")
            superseded.add(("WF001", path))
            yield self.finding(
                ctx,
                path,
                f"podPriority ({spec.get('podPriority')!r}) was removed from Argo: create a PriorityClass with "
                "this value and set podPriorityClassName to its name (no automatic fix)",
                at_key=True,
            )
        if not v4:
            return
        for place, obj in sync_places(ctx.doc):
            sync = as_dict(obj.get("synchronization"))
            for old, new in PLURALS if sync else ():
                if old in sync:
                    path = (*place, "synchronization", old)
                    superseded.add(("WF001", path))
                    yield self.finding(
                        ctx, path, f"synchronization.{old} was removed in Argo 4: use {new} (a list)", at_key=True
                    )
            memoize = obj.get("memoize")
            config_map = as_dict(as_dict(memoize.get("cache")).get("configMap")) if isinstance(memoize, dict) else {}
            for key in ("key", "optional") if config_map else ():
                if key in config_map:
                    path = (*place, "memoize", "cache", "configMap", key)
                    superseded.add(("WF001", path))
                    yield self.finding(
                        ctx,
                        path,
                        f"memoize.cache.configMap.{key} was removed in Argo 4 (the cache config map is named, "
                        "never keyed): drop it",
                        at_key=True,
                    )
