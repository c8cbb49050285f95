"""Two sets of resources to a list of changes (deepdiff does the comparison, imported only when it runs)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from wfctl.argo.canonical import fingerprint
from wfctl.argo.meta import Resource
from wfctl.argo.spec import as_dict
from wfctl.diff.match import match_resources
from wfctl.diff.normalize import denormalize, normalize, render_path, reorders

__all__ = ["Change", "DiffResult", "Resource", "compare", "match_resources"]


@dataclass
class Change:
    """One difference; `old_file`/`new_file` say where the resource was read on each side."""

    resource: str
    op: str  # added, removed, changed, renamed, reordered
    path: str
    before: Any = None
    after: Any = None
    template: str | None = None
    old_file: str | None = None
    new_file: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "op": self.op,
            "path": self.path,
            "before": self.before,
            "after": self.after,
            "old_file": self.old_file,
            "new_file": self.new_file,
        }


@dataclass
class DiffResult:
    changes: list[Change] = field(default_factory=list)
    resources_compared: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why): not Argo manifests


def _template_of(path: list[Any]) -> str | None:
    for i, part in enumerate(path[:-1]):
        if part == "templates" and isinstance(path[i + 1], str) and path[i + 1].startswith("["):
            return path[i + 1][1:-1]
    return None


def _renames(old: dict[str, Any], new: dict[str, Any], resource: str, changes: list[Change]) -> None:
    """Templates removed and added with the same body: report (and drop) them as renames."""

    def templates(data: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
        spec = as_dict(data.get("spec"))
        holder = as_dict(spec.get("workflowSpec")) if isinstance(spec.get("workflowSpec"), dict) else spec
        tpls = holder.get("templates")
        return (["spec", "workflowSpec"] if holder is not spec else ["spec"]), (tpls if isinstance(tpls, dict) else {})

    prefix, before = templates(old)
    _, after = templates(new)
    gone = [k for k in before if k not in after]
    came = [k for k in after if k not in before]
    by_body: dict[str, list[str]] = {}
    for k in came:
        by_body.setdefault(fingerprint({x: y for x, y in after[k].items() if x != "name"}), []).append(k)
    for k in gone:
        body = fingerprint({x: y for x, y in before[k].items() if x != "name"})
        if by_body.get(body):
            target = by_body[body].pop(0)
            changes.append(
                Change(
                    resource,
                    "renamed",
                    render_path([*prefix, "templates", k]),
                    k[1:-1],
                    target[1:-1],
                    template=target[1:-1],
                )
            )
            after[k] = after.pop(target)  # compare the rest as if unchanged (after the rename)
            after[k]["name"] = before[k].get("name")


def compare(old: list[Resource], new: list[Resource], ignore: tuple[str, ...] = ()) -> DiffResult:
    from deepdiff import DeepDiff  # noqa: PLC0415 - only `wfctl diff` pays for it

    result = DiffResult()
    for a, b in match_resources(old, new):
        result.resources_compared += 1
        files = {"old_file": a.file if a else None, "new_file": b.file if b else None}
        if a is None and b is not None:
            result.changes.append(Change(b.label, "added", "", None, b.data, **files))
            continue
        if b is None and a is not None:
            result.changes.append(Change(a.label, "removed", "", a.data, None, **files))
            continue
        assert a is not None and b is not None
        label = b.label
        na, nb = normalize(a.data), normalize(b.data)
        found: list[Change] = []
        _renames(na, nb, label, found)
        tree = DeepDiff(na, nb, view="tree", verbose_level=2)
        for kind, items in tree.items():
            for item in items:
                parts = item.path(output_format="list")
                path = render_path(parts)
                if kind in ("dictionary_item_added", "iterable_item_added"):
                    op, before, after = "added", None, denormalize(item.t2)
                elif kind in ("dictionary_item_removed", "iterable_item_removed"):
                    op, before, after = "removed", denormalize(item.t1), None
                else:
                    op, before, after = "changed", denormalize(item.t1), denormalize(item.t2)
                found.append(Change(label, op, path, before, after, template=_template_of(parts)))
        for parts, before_order, after_order in reorders(na, nb):
            found.append(
                Change(
                    label, "reordered", render_path(list(parts)), before_order, after_order, _template_of(list(parts))
                )
            )
        for c in found:
            c.old_file, c.new_file = files["old_file"], files["new_file"]
        result.changes.extend(c for c in found if not any(fnmatch.fnmatch(c.path, pattern) for pattern in ignore))
    return result
