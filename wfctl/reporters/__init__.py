"""Output formats for findings: the module name is the format name (`-o sarif` → `sarif.py`)."""

from __future__ import annotations

import importlib
import os
from typing import IO, Any

from wfctl.reporters.base import Reporter


def names() -> list[str]:
    """The formats: this package's modules but `base` (a directory listing: pkgutil costs start-up time)."""
    return sorted(
        name[:-3]
        for name in os.listdir(os.path.dirname(__file__))
        if name.endswith(".py") and not name.startswith("_") and name != "base.py"
    )


def get_reporter(name: str, stream: IO[str], *, color: bool = False, verbosity: int = 0, **extra: Any) -> Reporter:
    module = importlib.import_module(f"{__name__}.{name}")
    reporter: Reporter = module.REPORTER(stream, color=color, verbosity=verbosity, **extra)
    return reporter
