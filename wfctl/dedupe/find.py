"""Which templates merge into which: identical bodies apart from the name, to a fixed point.

Rule for the one kept: the first in file order (predictable, and it keeps the name a reader meets
first). Merging rewrites references, which can make more templates identical (two DAGs that called
two copies now call the same one), so the search repeats until nothing changes.
"""

from __future__ import annotations

import copy
from typing import Any

from wfctl.argo.calls import references
from wfctl.argo.canonical import fingerprint, template_body
from wfctl.argo.paths import set_at
from wfctl.argo.spec import as_list


def merge_plan(spec: dict[str, Any], self_ref: tuple[str, bool] | None = None) -> dict[str, str]:
    """removed template name -> kept template name, for one workflow spec."""
    work = copy.deepcopy(spec)
    plan: dict[str, str] = {}
    names = [t.get("name") for t in as_list(spec.get("templates")) if isinstance(t, dict)]
    if len(names) != len({repr(n) for n in names}):  # a name used twice: Argo refuses it, merging would lose one
        return plan
    while True:
        templates = [
            t for t in as_list(work.get("templates")) if isinstance(t, dict) and isinstance(t.get("name"), str)
        ]
        first: dict[str, str] = {}
        round_map: dict[str, str] = {}
        for tpl in templates:
            key = fingerprint(template_body(tpl))
            if key in first and first[key] != tpl["name"]:  # a repeated name is not a merge (no self-loop)
                round_map[tpl["name"]] = first[key]
            else:
                first[key] = tpl["name"]
        if not round_map:
            return plan
        plan.update(round_map)
        for removed in list(plan):  # follow chains a -> b -> c
            target = plan[removed]
            while target in plan:
                target = plan[target]
            plan[removed] = target
        for path, name in list(references(work, self_ref)):
            if name in round_map:
                set_at(work, path, round_map[name])
        work["templates"] = [t for t in templates if t["name"] not in round_map]
