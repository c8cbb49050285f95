"""The `wfctl` command group; subcommands are imported only when they are run (fast start-up)."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

from wfctl import __version__

# command name -> (module, attribute); keeping heavy imports out of commands that don't need them
COMMANDS = {
    "validate": ("wfctl.cli.check", "validate"),
    "lint": ("wfctl.cli.check", "lint"),
    "rules": ("wfctl.cli.rules", "rules_command"),
    "render": ("wfctl.cli.render", "render"),
    "explain": ("wfctl.cli.rules", "explain"),
    "diff": ("wfctl.cli.diff", "diff"),
    "graph": ("wfctl.cli.graph", "graph"),
    "dedupe": ("wfctl.cli.dedupe", "dedupe"),
    "fix": ("wfctl.cli.fix", "fix"),
    "apply": ("wfctl.cli.apply", "apply"),
    "submit": ("wfctl.cli.apply", "submit"),
    "watch": ("wfctl.cli.watchcmd", "watch"),
    "clean": ("wfctl.cli.root", "clean"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n, (mod, _) in COMMANDS.items() if importlib.util.find_spec(mod) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        try:
            cmd: click.Command = getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                return None
            raise
        return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="wfctl", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks for internal errors.")
def cli(**_: Any) -> None:
    """Validate, lint, diff, dedupe and apply Argo Workflows manifests.

    Exit codes: 0 clean, 1 findings / differences / workflow failed, 2 usage or input error,
    3 cluster/API error, 4 timeout (apply/watch), 130 interrupted.
    """


@click.command()
@click.option(
    "--cache-dir",
    metavar="DIR",
    envvar="WFCTL_CACHE_DIR",
    help="The cache to remove [default: .wfctl_cache in the project root; env WFCTL_CACHE_DIR].",
)
@click.option("--config", metavar="PATH", help="Configuration file whose directory is the project root.")
def clean(cache_dir: str | None, config: str | None) -> None:
    """Remove the results cache of `validate` and `lint`.

    Exit 0: removed (or there was none); 2: the directory does not look like a wfctl cache.
    """
    import sys  # noqa: PLC0415

    from wfctl import cache as cache_mod  # noqa: PLC0415
    from wfctl import config as config_mod  # noqa: PLC0415
    from wfctl.errors import ConfigError  # noqa: PLC0415

    try:
        config_path = config_mod.load(config).path
    except ConfigError:
        config_path = None  # a broken configuration must not keep the cache from being removed
    directory = cache_mod.default_dir(cache_dir, config_path)
    try:
        removed = cache_mod.clean(directory)
    except (ValueError, OSError) as exc:
        click.echo(f"wfctl: error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"wfctl: removed {directory}" if removed else f"wfctl: no cache at {directory}", err=True)
