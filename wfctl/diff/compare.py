"""Two sets of resources to a list of changes (deepdiff does the comparison)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from wfctl.argo.canonical import fingerprint
from wfctl.diff.normalize import denormalize, normalize, render_path


@dataclass
class Resource:
    """One Argo object on one side of a diff."""

    kind: str
    name: str
    namespace: str
    data: dict[str, Any]
    file: str = ""
    generated: bool = False  # matched by generateName

    @property
    def label(self) -> str:
        name = self.name + ("*" if self.generated else "")
        return f"{self.kind}/{self.namespace}/{name}" if self.namespace else f"{self.kind}/{name}"


@dataclass
class Change:
    resource: str
    op: str  # added, removed, changed, renamed
    path: str
    before: Any = None
    after: Any = None
    template: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"resource": self.resource, "op": self.op, "path": self.path, "before": self.before, "after": self.after}


@dataclass
class DiffResult:
    changes: list[Change] = field(default_factory=list)
    resources_compared: int = 0


def match_resources(old: list[Resource], new: list[Resource]) -> list[tuple[Resource | None, Resource | None]]:
    """Pairs by (kind, namespace, name); generateName-only Workflows by generateName, then position."""

    def keyed(items: list[Resource]) -> dict[tuple[str, str, str, int], Resource]:
        counts: dict[tuple[str, str, str], int] = {}
        out = {}
        for r in items:
            base = (r.kind, r.namespace, r.name + ("*" if r.generated else ""))
            n = counts.get(base, 0)
            counts[base] = n + 1
            key = (*base, n)
            out[key] = r
        return out

    a, b = keyed(old), keyed(new)
    pairs = [(a.get(k), b.get(k)) for k in list(a) + [k for k in b if k not in a]]
    return pairs


def _template_of(path: list[Any]) -> str | None:
    for i, part in enumerate(path[:-1]):
        if part == "templates" and isinstance(path[i + 1], str) and path[i + 1].startswith("["):
            return path[i + 1][1:-1]
    return None


def _renames(old: dict[str, Any], new: dict[str, Any], resource: str, changes: list[Change]) -> None:
    """Templates removed and added with the same body: report (and drop) them as renames."""

    def templates(data: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
        spec = data.get("spec") or {}
        holder = spec.get("workflowSpec") if isinstance(spec.get("workflowSpec"), dict) else spec
        tpls = holder.get("templates") if isinstance(holder, dict) else None
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
        if a is None and b is not None:
            result.changes.append(Change(b.label, "added", "", None, b.data))
            continue
        if b is None and a is not None:
            result.changes.append(Change(a.label, "removed", "", a.data, None))
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
        result.changes.extend(c for c in found if not any(fnmatch.fnmatch(c.path, pattern) for pattern in ignore))
    return result
