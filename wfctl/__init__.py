"""wfctl: validate, lint, diff, dedupe and apply Argo Workflows manifests."""

__version__ = "0.1.0"

from wfctl import interrupt as _interrupt  # first thing: Ctrl-C during start-up is exit 130

if _interrupt.started_as_cli():
    _interrupt.mark_cli()
    _interrupt.exit_on_interrupt()
