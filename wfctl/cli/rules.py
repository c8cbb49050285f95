"""`wfctl rules` (the catalogue) and `wfctl explain ID` (one rule's documentation)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from wfctl import rules as rule_registry
from wfctl.errors import InputError
from wfctl.fix import fix_kind


@click.command("rules")
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--stage", type=click.Choice(["input", "argo", "practice"]), help="Only rules of this stage.")
def rules_command(output: str, stage: str | None) -> None:
    """List every rule: ID, name, default severity, stage, fix and summary.

    Stages: input (YAML and schema, from the loader), argo (what Argo rejects; run by validate and
    lint), practice (lint only). Fix: `safe` (applied by `wfctl fix` and `lint --fix`), `unsafe`
    (only with --unsafe-fixes) or `-` (no automatic fix).
    """
    registry = rule_registry.load_all()
    rows = [cls for cls in registry.values() if stage is None or cls.stage == stage]
    if output == "json":
        payload: list[dict[str, Any]] = [
            {
                "id": c.code,
                "name": c.name,
                "severity": str(c.severity),
                "stage": c.stage,
                "fix": fix_kind(c.code),
                "summary": c.summary,
            }
            for c in rows
        ]
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for c in rows:
        click.echo(f"{c.code}  {c.name:<26} {c.severity!s:<8} {c.stage:<9} {fix_kind(c.code) or '-':<6} {c.summary}")


@click.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the full explanation of RULE (a code such as WF201 or a name such as unpinned-image)."""
    try:
        codes = rule_registry.resolve(rule)
    except KeyError:
        raise InputError(f"unknown rule {rule!r} (see `wfctl rules`)") from None
    registry = rule_registry.load_all()
    for code in codes:
        cls = registry[code]
        click.echo(f"{cls.code} {cls.name} ({cls.severity}, {cls.stage})\n")
        click.echo(cls.explanation())
        kind = fix_kind(code)
        if kind:
            how = "`wfctl fix`, `wfctl lint --fix`" + (" with --unsafe-fixes" if kind == "unsafe" else "")
            click.echo(f"\nFixable ({kind}): {how} (see the README, `wfctl fix`).")
        if cls.options:
            click.echo("\nOptions (in .wfctl.yaml under rules: {" + cls.code + ": {...}}):")
            for key, schema in cls.options.items():
                click.echo(f"  {key}: default {schema.get('default')!r}")
