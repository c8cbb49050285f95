"""The rule registry: every module in this package declares one rule; selection by code, name, prefix."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from wfctl.rules.base import BY_NAME, REGISTRY, Rule

_loaded = False


def load_all() -> dict[str, type[Rule]]:
    """Import every rule module once; returns the registry keyed by code."""
    global _loaded
    if not _loaded:
        for info in pkgutil.iter_modules(__path__):
            if info.name != "base":
                importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True
    return dict(sorted(REGISTRY.items()))


def resolve(ident: str) -> list[str]:
    """Codes matched by a code (`WF201`), a name (`unpinned-image`), a prefix (`WF2`) or `ALL`."""
    registry = load_all()
    ident = ident.strip()
    if ident.upper() == "ALL":
        return list(registry)
    if ident.upper() in registry:
        return [ident.upper()]
    if ident in BY_NAME:
        return [BY_NAME[ident].code]
    if ident.upper().startswith("WF") and ident[2:].isdigit():
        matched = [c for c in registry if c.startswith(ident.upper())]
        if matched:
            return matched
    raise KeyError(ident)


def resolve_many(idents: Iterable[str]) -> set[str]:
    codes: set[str] = set()
    for ident in idents:
        codes.update(resolve(ident))
    return codes
