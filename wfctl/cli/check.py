"""`wfctl validate` (would Argo accept this?) and `wfctl lint` (validate plus practice rules)."""

from __future__ import annotations

import sys
from typing import Any

import click

from wfctl import config as config_mod
from wfctl import rules as rule_registry
from wfctl.engine import Settings, run
from wfctl.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, ConfigError
from wfctl.loader import discovery
from wfctl.model import Severity, Summary
from wfctl.reporters import get_reporter
from wfctl.term import use_color

from .options import argo_version_option, color_option, output_option, split_ids


def _codes(idents: list[str], where: str) -> set[str]:
    try:
        return rule_registry.resolve_many(idents)
    except KeyError as exc:
        raise ConfigError(f"{where}: unknown rule {exc.args[0]!r} (see `wfctl rules`)") from None


def build_settings(cfg: config_mod.Config, opts: dict[str, Any], stages: tuple[str, ...]) -> Settings:
    settings = Settings(stages=stages)
    settings.argo_version = str(opts.get("argo_version") or cfg.get("argo-version") or "4")
    size = opts.get("max_file_size") or cfg.get("max-file-size")
    if size is not None:
        try:
            settings.max_bytes = config_mod.parse_size(size)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    select = split_ids(opts.get("select") or ()) or list(cfg.get("select") or [])
    if select:
        settings.select = _codes(select, "--select")
    settings.ignore = _codes(list(cfg.get("ignore") or []) + split_ids(opts.get("ignore") or ()), "--ignore")
    for ident, level in (cfg.get("severity") or {}).items():
        for code in _codes([ident], "severity"):
            settings.severity[code] = Severity.parse(level)
    for ident, options in (cfg.get("rules") or {}).items():
        options = dict(options or {})
        level = options.pop("level", None)
        for code in _codes([ident], "rules"):
            if level:
                settings.severity[code] = Severity.parse(level)
            settings.rule_options[code] = options
    for pattern, idents in (cfg.get("per-file-ignores") or {}).items():
        settings.per_file_ignores.append((pattern, _codes(list(idents), "per-file-ignores")))
    settings.strict_refs = bool(opts.get("strict_refs") or cfg.get("strict-refs"))
    return settings


def _run_check(stages: tuple[str, ...], paths: tuple[str, ...], opts: dict[str, Any]) -> int:
    cfg = config_mod.load(opts.get("config"), isolated=bool(opts.get("isolated")))
    settings = build_settings(cfg, opts, stages)
    exclude = tuple(opts.get("exclude") or ()) + tuple(cfg.get("exclude") or ())
    hera, metaflow = tuple(opts.get("hera") or ()), tuple(opts.get("metaflow") or ())
    if not paths and not hera and not metaflow:
        raise click.UsageError("give PATHS, --hera MODULE or --metaflow FLOW.py")
    sources, errors = discovery.discover(paths, exclude=exclude, stdin_name=opts.get("stdin_filename") or "<stdin>")
    placers = {}
    if hera or metaflow:
        from wfctl.python.inputs import python_sources  # noqa: PLC0415

        for ps in python_sources(hera, metaflow, opts.get("metaflow_timeout")):
            sources.append(ps.source)
            placers[ps.source.display] = ps.place
    template_paths = list(opts.get("templates") or ()) + [str(cfg.base / p) for p in (cfg.get("templates") or [])]
    template_sources, template_errors = discovery.discover(tuple(template_paths))
    errors.extend(f"--templates {e}" for e in template_errors)
    stream = sys.stdout
    verbosity = -1 if opts.get("quiet") else int(opts.get("verbose") or 0)
    reporter = get_reporter(
        opts["output"], stream, color=use_color(opts.get("color", "auto"), stream), verbosity=verbosity
    )
    summary = Summary()
    for loaded, result in run(sources, settings, template_sources=template_sources):
        if result is None:
            errors.append(loaded.error or f"{loaded.source.display}: unreadable")
            continue
        place = placers.get(loaded.source.display)
        if place is not None:
            for finding in result.findings:
                place(finding)
            result.findings.sort(key=lambda f: (f.file, f.line, f.column, f.rule))
        summary.add(result)
        reporter.write(result)
    reporter.flush(summary)
    stream.flush()
    for message in errors:
        click.echo(f"wfctl: error: {message}", err=True)
    if errors:
        return EXIT_INPUT
    fail_on = Severity.parse(opts.get("fail_on") or "error")
    failing = sum(summary.count(s) for s in Severity if s >= fail_on)
    if failing and not opts.get("exit_zero"):
        return EXIT_FINDINGS
    return EXIT_OK


def common_options(f: Any) -> Any:
    decorators: list[Any] = [
        click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True)),
        click.option(
            "--hera",
            multiple=True,
            metavar="MODULE[:FUNC]",
            help="Import a Hera module (or FILE.py) and check the workflows it defines (runs its code).",
        ),
        click.option(
            "--metaflow",
            multiple=True,
            metavar="FLOW.py",
            help="Compile a Metaflow flow with `argo-workflows create --only-json` and check the result.",
        ),
        click.option(
            "--metaflow-timeout",
            type=float,
            default=300,
            show_default=True,
            metavar="SECONDS",
            help="Time allowed for Metaflow's compiler.",
        ),
        output_option(),
        argo_version_option,
        click.option(
            "--exclude", multiple=True, metavar="GLOB", help="Skip files or directories matching GLOB (repeatable)."
        ),
        click.option(
            "--templates",
            multiple=True,
            metavar="PATH",
            help="Extra WorkflowTemplates for templateRef resolution (repeatable).",
        ),
        click.option("--strict-refs", is_flag=True, help="Make unresolvable templateRef/workflowTemplateRef an error."),
        click.option(
            "--select",
            multiple=True,
            metavar="IDS",
            help="Only these rules (codes, names or prefixes; comma-separated).",
        ),
        click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rules (codes, names or prefixes)."),
        click.option(
            "--fail-on",
            type=click.Choice(["error", "warning", "info"]),
            default="error",
            show_default=True,
            help="Lowest severity that makes the exit code 1.",
        ),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings."),
        click.option(
            "--max-file-size", metavar="SIZE", help="Skip (and report) files larger than this [default: 10MB]."
        ),
        click.option("--stdin-filename", metavar="NAME", help="Name to report for `-` (stdin)."),
        click.option("--config", metavar="PATH", help="Configuration file (default: .wfctl.yaml found by walking up)."),
        click.option("--isolated", is_flag=True, help="Ignore configuration files."),
        click.option("-v", "--verbose", count=True, help="Also list skipped documents and objects."),
        click.option("-q", "--quiet", is_flag=True, help="No summary line."),
        color_option,
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


@click.command()
@common_options
def validate(paths: tuple[str, ...], **opts: Any) -> None:
    """Would Argo accept these manifests? Strict schema plus Argo's own validation.

    PATHS are files, directories (searched for *.yaml, *.yml, *.json) or `-` for stdin.
    Exit 0: no error; 1: errors found; 2: usage error or unreadable input.
    """
    sys.exit(_run_check(("input", "argo"), paths, opts))


@click.command()
@common_options
def lint(paths: tuple[str, ...], **opts: Any) -> None:
    """Validate, then check practices (rules WF2xx-WF4xx; see `wfctl rules`).

    Exit 0: no finding at or above --fail-on (default error); 1: such findings; 2: usage or input error.
    """
    sys.exit(_run_check(("input", "argo", "practice"), paths, opts))
