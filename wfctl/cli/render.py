"""`wfctl render`: the YAML (or JSON) that Hera modules and Metaflow flows produce."""

from __future__ import annotations

import json
import sys
from typing import Any

import click


@click.command()
@click.option("--hera", multiple=True, metavar="MODULE[:FUNC]", help="Hera module or FILE.py (runs its code).")
@click.option("--metaflow", multiple=True, metavar="FLOW.py", help="Metaflow flow to compile.")
@click.option("--metaflow-timeout", type=float, default=300, show_default=True, metavar="SECONDS")
@click.option("-o", "--output", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
def render(hera: tuple[str, ...], metaflow: tuple[str, ...], metaflow_timeout: float, output: str) -> None:
    """Print the Argo manifests that Hera or Metaflow code produces, for review or for `apply -f -`.

    Metaflow compiles with your own Metaflow configuration (METAFLOW_* variables or ~/.metaflowconfig):
    the manifest names your datastore, and the flow's code package is uploaded there.
    """
    from wfctl.python.inputs import python_sources  # noqa: PLC0415

    if not hera and not metaflow:
        raise click.UsageError("give --hera MODULE or --metaflow FLOW.py")
    docs: list[Any] = [
        json.loads(json.dumps(_data(ps.source)))
        for ps in python_sources(hera, metaflow, metaflow_timeout, metaflow_user_store=True)
    ]
    if output == "json":
        json.dump(
            docs[0] if len(docs) == 1 else {"apiVersion": "v1", "kind": "List", "items": docs}, sys.stdout, indent=2
        )
        sys.stdout.write("\n")
        return
    from wfctl.yamlout import dump_all  # noqa: PLC0415

    dump_all(docs, sys.stdout)


def _data(source: Any) -> Any:
    """The rendered document, read back through the one loader (encoding, size limit, YAML as Kubernetes
    reads it); what cannot be read is shown as every command shows it (wfctl.loader.report), exit 2."""
    from wfctl.engine import Settings, load  # noqa: PLC0415
    from wfctl.loader.report import UnreadableInput, error_line, problem_line  # noqa: PLC0415

    loaded = load(source, Settings())
    problems = [*loaded.problems, *(p for d in loaded.documents for p in d.problems)]
    if loaded.error:
        raise UnreadableInput([error_line(loaded.error)])
    if problems:
        raise UnreadableInput([problem_line(source.display, p) for p in problems])
    if not loaded.documents:
        raise UnreadableInput([error_line(f"{source.display}: the rendered manifest holds no Argo document")])
    return loaded.documents[0].data
