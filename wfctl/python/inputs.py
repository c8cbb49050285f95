"""`--hera` and `--metaflow` inputs as ordinary sources, each with a way to place its findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wfctl.loader.discovery import Source
from wfctl.model import Finding


@dataclass
class PythonSource:
    source: Source
    place: Callable[[Finding], None]


def python_sources(
    hera: tuple[str, ...] = (),
    metaflow: tuple[str, ...] = (),
    timeout: float | None = None,
    *,
    metaflow_user_store: bool = False,
) -> list[PythonSource]:
    """The rendered documents; Metaflow compiles against a throw-away store unless `metaflow_user_store`."""
    out: list[PythonSource] = []
    if hera:
        from wfctl.python import hera as hera_mod  # noqa: PLC0415

        for spec in hera:
            out.extend(PythonSource(r.source, r.place) for r in hera_mod.load(spec))
    if metaflow:
        from wfctl.python import metaflow as mf  # noqa: PLC0415

        for flow in metaflow:
            compiled = mf.CompiledFlow(flow, timeout or mf.DEFAULT_TIMEOUT, throwaway_store=not metaflow_user_store)
            out.append(PythonSource(compiled.source, compiled.place))
    return out
