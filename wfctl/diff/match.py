"""Which old resource is which new one.

Named objects pair by (kind, namespace, name). Workflows that only have `generateName` have no identity
of their own (many files share `generateName: coinflip-`), so they pair by the file they were read from
first (`Resource.origin`: the same relative path on both sides), in order within that file; then what is
left pairs by content similarity, best first, and only above `MIN_SIMILARITY`: two unrelated workflows
are never paired, they show as one removed and one added.
"""

from __future__ import annotations

import json
from typing import Any

from wfctl.argo.meta import Resource
from wfctl.diff.normalize import normalize

MIN_SIMILARITY = 0.7  # measured: see the README (diff, "generateName")

Pair = tuple[Resource | None, Resource | None]


def leaves(value: Any, path: str = "") -> set[str]:
    """Every leaf of a normalised document as `path=value` (named lists keyed, so order does not count)."""
    if isinstance(value, dict):
        if not value:
            return {f"{path}={{}}"}
        out: set[str] = set()
        for k, v in value.items():
            out |= leaves(v, f"{path}.{k}")
        return out
    if isinstance(value, list):
        if not value:
            return {f"{path}=[]"}
        out = set()
        for i, v in enumerate(value):
            out |= leaves(v, f"{path}[{i}]")
        return out
    return {f"{path}={json.dumps(value, default=str)}"}


def similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Jaccard index of the two documents' leaves: 1.0 identical, 0.0 nothing in common."""
    return _jaccard(leaves(normalize(a)), leaves(normalize(b)))


def _jaccard(la: set[str], lb: set[str]) -> float:
    union = la | lb
    return len(la & lb) / len(union) if union else 1.0


def _by_origin(old: list[Resource], new: list[Resource]) -> tuple[list[Pair], list[Resource], list[Resource]]:
    """Pair items read from the same file, in order; return the pairs and what is left on each side."""
    pairs: list[Pair] = []
    left_new = list(new)
    left_old: list[Resource] = []
    for a in old:
        b = next((r for r in left_new if r.origin == a.origin), None)
        if b is None:
            left_old.append(a)
        else:
            pairs.append((a, b))
            left_new.remove(b)
    return pairs, left_old, left_new


def _by_similarity(old: list[Resource], new: list[Resource]) -> list[Pair]:
    if not old or not new:
        return [(a, None) for a in old] + [(None, b) for b in new]
    old_leaves = [leaves(normalize(a.data)) for a in old]
    new_leaves = [leaves(normalize(b.data)) for b in new]
    scored = sorted(
        ((_jaccard(la, lb), i, j) for i, la in enumerate(old_leaves) for j, lb in enumerate(new_leaves)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[Pair] = []
    for score, i, j in scored:
        if score < MIN_SIMILARITY or i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old[i], new[j]))
    pairs.sort(key=lambda p: old.index(p[0]))  # type: ignore[arg-type]
    pairs += [(a, None) for i, a in enumerate(old) if i not in used_old]
    pairs += [(None, b) for j, b in enumerate(new) if j not in used_new]
    return pairs


def match_resources(old: list[Resource], new: list[Resource]) -> list[Pair]:
    """Every resource of both sides exactly once: (old, new), (old, None) removed, (None, new) added."""

    def group(items: list[Resource]) -> dict[tuple[str, str, str, bool], list[Resource]]:
        out: dict[tuple[str, str, str, bool], list[Resource]] = {}
        for r in items:
            out.setdefault((r.kind, r.namespace, r.name, r.generated), []).append(r)
        return out

    a, b = group(old), group(new)
    pairs: list[Pair] = []
    for key in list(a) + [k for k in b if k not in a]:
        olds, news = a.get(key, []), b.get(key, [])
        same_file, olds, news = _by_origin(olds, news)
        pairs.extend(same_file)
        if key[3]:
            pairs.extend(_by_similarity(olds, news))
        else:  # the same name is the same object wherever it moved; duplicates pair in order
            pairs.extend((x, y) for x, y in zip(olds, news, strict=False))
            pairs.extend((x, None) for x in olds[len(news) :])
            pairs.extend((None, y) for y in news[len(olds) :])
    return pairs
