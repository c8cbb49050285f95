"""Hera modules to Argo documents, remembering which Python line built each object.

Importing a module runs the user's code, so this happens only for an explicit `--hera`. While the
module is imported, the `__post_init__` of Hera's base mixin records, for every Hera object, the
first frame in the user's file: the line that built it. That hook is private to Hera, so the supported
versions are pinned (`hera>=6.0,<8`; CI tests the lowest and the newest); with a Hera that lacks it,
findings keep their position in the rendered document instead of failing.

Findings in the rendered document are then moved to that line (the template, DAG task or step they
concern, else the workflow itself); what cannot be placed keeps its position in the rendered
document, named `FILE::variable`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wfctl.argo.kinds import CRON_WORKFLOW
from wfctl.errors import InputError
from wfctl.loader.discovery import Source, display_path, not_a_file
from wfctl.model import Finding

INSTALL_HINT = "Hera is not installed: pip install 'wfctl[hera]'"
HOOK = "__post_init__"  # Hera's private per-object hook (hera>=6.0); absent before


@dataclass
class Rendered:
    """One Hera object rendered to YAML, and where its parts were built in Python."""

    source: Source
    py_file: str
    variable: str
    data: dict[str, Any]
    locations: dict[tuple[str, ...], int] = field(default_factory=dict)  # ("t", name[, "task", name]) -> line

    def place(self, finding: Finding) -> None:
        """Move a finding to the Python line that built what it concerns, when known."""
        line = self._line_for(finding.path)
        if line is not None:
            finding.file = self.py_file
            finding.line, finding.column, finding.end_line, finding.end_column = line, 1, line, 1
            finding.message = f"{finding.message} (in Hera object {self.variable!r})"

    def _line_for(self, path: tuple[Any, ...]) -> int | None:
        spec = self.data.get("spec") or {}
        prefix: tuple[Any, ...] = ("spec",)
        if self.data.get("kind") == CRON_WORKFLOW:
            spec, prefix = spec.get("workflowSpec") or {}, ("spec", "workflowSpec")
        if len(path) >= len(prefix) + 2 and path[: len(prefix) + 1] == (*prefix, "templates"):
            i = path[len(prefix) + 1]
            templates = spec.get("templates") or []
            if isinstance(i, int) and i < len(templates):
                tname = str(templates[i].get("name"))
                rest = path[len(prefix) + 2 :]
                tpl = templates[i]
                call = None
                if rest[:2] == ("dag", "tasks") and len(rest) > 2 and isinstance(rest[2], int):
                    tasks = (tpl.get("dag") or {}).get("tasks") or []
                    call = tasks[rest[2]].get("name") if rest[2] < len(tasks) else None
                elif rest[:1] == ("steps",) and len(rest) > 2:
                    try:
                        call = tpl["steps"][rest[1]][rest[2]].get("name")
                    except (IndexError, KeyError, TypeError):
                        call = None
                if call is not None and ("t", tname, "call", str(call)) in self.locations:
                    return self.locations[("t", tname, "call", str(call))]
                if ("t", tname) in self.locations:
                    return self.locations[("t", tname)]
        return self.locations.get(())


class _Recorder:
    """Records the line in `filename` that created each Hera object while a module is imported."""

    def __init__(self, filename: str) -> None:
        self.filename = str(Path(filename).resolve())
        self.lines: dict[int, tuple[Any, int]] = {}

    def __enter__(self) -> _Recorder:
        from hera.workflows._mixins import BaseMixin  # noqa: PLC0415

        self.base = BaseMixin
        self.original = getattr(BaseMixin, HOOK, None)
        if self.original is None:  # a Hera without the hook: no Python lines, nothing patched
            return self
        recorder = self

        def post_init(obj: Any) -> None:
            frame = sys._getframe(1)
            while frame is not None:
                if str(Path(frame.f_code.co_filename).resolve()) == recorder.filename:
                    recorder.lines.setdefault(id(obj), (obj, frame.f_lineno))
                    break
                frame = frame.f_back  # type: ignore[assignment]
            recorder.original(obj)  # type: ignore[misc]

        setattr(BaseMixin, HOOK, post_init)
        return self

    def __exit__(self, *_: Any) -> None:
        if self.original is not None:
            setattr(self.base, HOOK, self.original)

    def line(self, obj: Any) -> int | None:
        entry = self.lines.get(id(obj))
        return entry[1] if entry and entry[0] is obj else None


def _import(spec: str) -> tuple[Any, str, Callable[[], Any] | None, _Recorder]:
    target, _, func = spec.partition(":") if not (len(spec) > 1 and spec[1] == ":") else (spec, "", "")
    path = Path(target)
    if path.suffix == ".py":
        if (why := not_a_file(path)) is not None:
            raise InputError(f"--hera {target}: {why}")
        name = "wfctl_hera_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        mod_spec = importlib.util.spec_from_file_location(name, path)
        if mod_spec is None or mod_spec.loader is None:
            raise InputError(f"--hera {target}: cannot import this file")
        module: Any = importlib.util.module_from_spec(mod_spec)
        filename = str(path)
        run = lambda: mod_spec.loader.exec_module(module)  # type: ignore[union-attr]  # noqa: E731
    else:
        cwd = str(Path.cwd())
        sys.path.insert(0, cwd)
        try:
            found = importlib.util.find_spec(target) if target else None
        except (ImportError, ValueError):
            found = None
        finally:
            sys.path.remove(cwd)
        if found is None or not found.origin:
            raise InputError(f"--hera {target}: no module or .py file of that name")
        filename = found.origin
        module = None
        run = None
    recorder = _Recorder(filename)
    sys.path.insert(0, str(Path.cwd()))
    try:
        with recorder:
            if run is not None and module is not None:
                sys.modules[module.__name__] = module
                run()
            else:
                module = importlib.import_module(target)
    except BaseException as exc:  # the user's code: anything may be raised, even SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == Path(filename).resolve()
        ]
        where = f" (line {frames[-1].lineno})" if frames else ""
        raise InputError(f"importing {target} failed{where}: {exc.__class__.__name__}: {exc}") from None
    finally:
        sys.path.remove(str(Path.cwd()))
    factory = None
    if func:
        factory = getattr(module, func, None)
        if not callable(factory):
            raise InputError(f"--hera {spec}: {target} has no function {func!r}")
    return module, filename, factory, recorder


def load(spec: str) -> list[Rendered]:
    """Import `spec` (FILE.py, module, or either with `:function`) and render its workflows."""
    try:
        import hera.workflows as hw  # noqa: PLC0415
    except ImportError:
        raise InputError(INSTALL_HINT) from None
    module, filename, factory, recorder = _import(spec)
    objects: list[tuple[str, Any]] = []
    if factory is not None:
        with recorder:
            try:
                produced = factory()
            except Exception as exc:  # noqa: BLE001 - the user's code
                raise InputError(f"--hera {spec}: the function raised {exc.__class__.__name__}: {exc}") from None
        items = produced if isinstance(produced, (list, tuple)) else [produced]
        objects = [(f"{spec.rsplit(':', 1)[-1]}()[{i}]", o) for i, o in enumerate(items) if isinstance(o, hw.Workflow)]
    else:
        seen: set[int] = set()
        for var, value in vars(module).items():
            if isinstance(value, hw.Workflow) and id(value) not in seen:
                seen.add(id(value))
                objects.append((var, value))
    if not objects:
        raise InputError(
            f"--hera {spec}: no Hera Workflow, WorkflowTemplate, ClusterWorkflowTemplate or "
            "CronWorkflow object found" + (" in what the function returned" if factory else " at module level")
        )
    from wfctl.yamlout import to_text  # noqa: PLC0415

    shown = display_path(Path(filename))
    out: list[Rendered] = []
    for var, obj in objects:
        try:
            data = obj.to_dict()
        except Exception as exc:  # noqa: BLE001 - Hera's own validation
            raise InputError(f"--hera {spec}: rendering {var!r} failed: {exc.__class__.__name__}: {exc}") from None
        rendered = Rendered(Source(f"{shown}::{var}", content=to_text(data).encode()), shown, var, data)
        top = recorder.line(obj)
        if top is not None:
            rendered.locations[()] = top
        for tpl in getattr(obj, "templates", None) or []:
            tname = getattr(tpl, "name", None)
            line = recorder.line(tpl)
            if tname and line:
                rendered.locations[("t", str(tname))] = line
            for attr in ("tasks", "sub_steps"):
                for call in getattr(tpl, attr, None) or []:
                    members = getattr(call, "sub_steps", None) or [call]
                    for member in members:
                        cname, cline = getattr(member, "name", None), recorder.line(member)
                        if cname and cline:
                            rendered.locations[("t", str(tname), "call", str(cname))] = cline
        out.append(rendered)
    return out
