"""What `wfctl validate` and `wfctl lint` do once their options are parsed, without importing click.

Both the click commands (wfctl.cli.check) and the start-up fast path (wfctl.cli.fast) call `run_check`
with the same options mapping, so the two cannot answer differently. click is imported only to report
an error (its `echo`, `UsageError`), never on the way to a clean or findings-only result.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from wfctl import progress as progress_mod
from wfctl.engine import run, settings_from
from wfctl.exitcodes import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from wfctl.loader import discovery
from wfctl.model import Finding, Severity, Summary
from wfctl.reporters import get_reporter
from wfctl.term import use_color

from . import say
from .options import split_ids

VALIDATE_STAGES = ("input", "argo")
LINT_STAGES = ("input", "argo", "practice")


def _jobs(value: int | None) -> int:
    if value is None or value <= 0:
        try:
            return len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            return os.cpu_count() or 1
    return value


def run_check(stages: tuple[str, ...], paths: tuple[str, ...], opts: dict[str, Any]) -> int:
    settings, cfg = settings_from(
        stages=stages,
        config=opts.get("config"),
        isolated=bool(opts.get("isolated")),
        argo_version=opts.get("argo_version"),
        select=split_ids(opts.get("select") or ()),
        ignore=split_ids(opts.get("ignore") or ()),
        max_file_size=opts.get("max_file_size"),
        strict_refs=bool(opts.get("strict_refs")),
    )
    exclude = tuple(opts.get("exclude") or ()) + tuple(cfg.get("exclude") or ())
    hera, metaflow = tuple(opts.get("hera") or ()), tuple(opts.get("metaflow") or ())
    if not paths and not hera and not metaflow:
        import click  # noqa: PLC0415

        raise click.UsageError("give PATHS, --hera MODULE or --metaflow FLOW.py")
    fix_errors = _fix_first(paths, settings, exclude, opts) if opts.get("fix") and paths else []
    sources, errors = discovery.discover(
        paths,
        exclude=exclude,
        stdin_name=opts.get("stdin_filename") or "<stdin>",
        default_excludes=not opts.get("no_default_excludes"),
    )
    placers = {}
    if hera or metaflow:
        from wfctl.python.inputs import python_sources  # noqa: PLC0415

        for ps in python_sources(hera, metaflow, opts.get("metaflow_timeout")):
            sources.append(ps.source)
            placers[ps.source.display] = ps.place
    template_paths = list(opts.get("templates") or ()) + [str(cfg.base / p) for p in (cfg.get("templates") or [])]
    template_sources, template_errors = discovery.discover(tuple(template_paths))
    errors.extend(f"--templates {e}" for e in template_errors)
    cache = None
    if not opts.get("no_cache") and any(s.path is not None for s in sources):
        from wfctl import cache as cache_mod  # noqa: PLC0415

        cache = cache_mod.Cache(cache_mod.default_dir(opts.get("cache_dir"), cfg.path), cache_mod.run_key(settings))
    stream = sys.stdout
    quiet = bool(opts.get("quiet"))
    verbosity = -1 if quiet else int(opts.get("verbose") or 0)
    reporter = get_reporter(
        opts["output"], stream, color=use_color(opts.get("color", "auto"), stream), verbosity=verbosity
    )
    shown = progress_mod.wanted(sys.stderr, quiet=quiet, output=opts["output"])
    progress = progress_mod.Progress(len(sources), enabled=shown)
    summary = Summary()
    try:
        results = run(sources, settings, template_sources=template_sources, jobs=_jobs(opts.get("jobs")), cache=cache)
        for loaded, result in results:
            progress.advance()
            if result is None:
                errors.append(loaded.error or f"{loaded.source.display}: unreadable")
                continue
            place = placers.get(loaded.source.display)
            if place is not None:
                for finding in result.findings:
                    place(finding)
                result.findings.sort(key=Finding.sort_key)
            summary.add(result)
            if result.findings or verbosity > 0:
                progress.clear()
            reporter.write(result)
    except Exception as exc:
        parallel = sys.modules.get("wfctl.parallel")  # loaded only when worker processes were started
        if parallel is None or not isinstance(exc, parallel.WorkerDied):
            raise
        errors.append(str(exc))  # what was checked is still reported (a complete document), then the error
    finally:
        progress.finish()
    reporter.flush(summary)
    stream.flush()
    errors = fix_errors + errors
    for message in errors:
        say(f"wfctl: error: {message}")
    if errors:
        return EXIT_INPUT
    fail_on = Severity.parse(opts.get("fail_on") or "error")
    failing = sum(summary.count(s) for s in Severity if s >= fail_on)
    if failing and not opts.get("exit_zero"):
        return EXIT_FINDINGS
    return EXIT_OK


def _fix_first(paths: tuple[str, ...], settings: Any, exclude: tuple[str, ...], opts: dict[str, Any]) -> list[str]:
    """`lint --fix`: rewrite the fixable findings lint would report (wfctl.fix), then lint the result."""
    from wfctl.errors import InputError  # noqa: PLC0415
    from wfctl.fix.run import fix_paths  # noqa: PLC0415

    try:
        outcome = fix_paths(paths, settings, write=True, unsafe=bool(opts.get("unsafe_fixes")), exclude=exclude)
    except InputError as exc:
        return [f"--fix: {exc}"]
    if outcome.failed:
        return [f"--fix: {f.display}: {f.error} (no file was fixed)" for f in outcome.failed]
    fixed = sum(len(f.applied) for f in outcome.changed)
    if fixed:
        say(f"wfctl: fixed {fixed} finding{'s' if fixed != 1 else ''} in {len(outcome.changed)} files")
    return [f"--fix: {message}" for message in outcome.refused]
