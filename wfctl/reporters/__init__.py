"""Output formats for findings: the module name is the format name (`-o sarif` → `sarif.py`)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import IO, Any

from wfctl.reporters.base import Reporter


def names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name != "base")


def get_reporter(name: str, stream: IO[str], *, color: bool = False, verbosity: int = 0, **extra: Any) -> Reporter:
    module = importlib.import_module(f"{__name__}.{name}")
    reporter: Reporter = module.REPORTER(stream, color=color, verbosity=verbosity, **extra)
    return reporter
