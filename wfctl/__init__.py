"""wfctl: validate, lint, diff, dedupe and apply Argo Workflows manifests."""

__version__ = "0.1.0"
