"""Metaflow flows to the WorkflowTemplate Metaflow would deploy, compiled by Metaflow itself.

`python FLOW.py argo-workflows create --only-json` runs in a subprocess with a timeout. Metaflow
insists on an object store for Argo (`--datastore=s3|azure|gs`) and uploads the flow's code package
to it *before* printing the JSON, and the manifest names that store.

- `render` (whose output is meant for `apply -f -`) runs Metaflow with the user's own configuration
  (METAFLOW_* variables or ~/.metaflowconfig), and stops with a how-to when no datastore is set.
- `validate`/`lint`/`diff`/`graph` only need the manifest's shape: Metaflow is pointed at a throw-away
  S3 endpoint on 127.0.0.1 that accepts uploads and keeps nothing, with dummy credentials and the EC2
  metadata lookup disabled; the endpoint and bucket are then replaced by neutral placeholders, so
  nothing of the throw-away store appears in any output.
No cluster is contacted: `--only-json` stops before deploying.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from wfctl.errors import InputError
from wfctl.loader.discovery import Source, display_path, not_a_file
from wfctl.model import Finding

INSTALL_HINT = "Metaflow is not installed: pip install 'wfctl[metaflow]'"
DEFAULT_TIMEOUT = 300
THROWAWAY_BUCKET = "wfctl-throwaway-store"
PLACEHOLDER_BUCKET = "metaflow-datastore"  # what the throw-away bucket reads as in any output
PLACEHOLDER_ENDPOINT = "https://s3.metaflow-datastore.invalid"
NO_CONFIG_HINT = (
    "Metaflow has no datastore configured, and the manifest it compiles names one (the flow's code is"
    " uploaded there). Configure yours first: `metaflow configure aws` (or azure/gs), or set"
    " METAFLOW_DEFAULT_DATASTORE=s3 and METAFLOW_DATASTORE_SYSROOT_S3=s3://BUCKET/PREFIX"
    " (and METAFLOW_S3_ENDPOINT_URL for a non-AWS store). `wfctl validate/lint --metaflow` need none."
)


class _NullS3(BaseHTTPRequestHandler):
    """Enough of S3 for Metaflow's code-package upload: nothing exists, every upload succeeds."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *_: Any) -> None:
        pass

    def _reply(self, code: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._reply(404)

    def do_GET(self) -> None:
        self._reply(
            404,
            b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>',
            {"Content-Type": "application/xml"},
        )

    def do_PUT(self) -> None:
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._reply(200, headers={"ETag": f'"{hashlib.md5(data).hexdigest()}"'})


@contextmanager
def null_s3() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NullS3)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def user_datastore(env: dict[str, str] | None = None) -> str | None:
    """The datastore the user's Metaflow configuration names (environment, then the config file)."""
    env = dict(os.environ) if env is None else env
    if env.get("METAFLOW_DEFAULT_DATASTORE"):
        return env["METAFLOW_DEFAULT_DATASTORE"]
    home = Path(env.get("METAFLOW_HOME") or Path(env.get("HOME") or Path.home()) / ".metaflowconfig")
    profile = env.get("METAFLOW_PROFILE")
    config = home / (f"config_{profile}.json" if profile else "config.json")
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("METAFLOW_DEFAULT_DATASTORE") if isinstance(data, dict) else None
    return str(value) if value else None


def compile_flow(flow: str, timeout: float = DEFAULT_TIMEOUT, *, throwaway_store: bool = True) -> dict[str, Any]:
    """Metaflow's WorkflowTemplate for `flow`; with the user's datastore unless `throwaway_store`."""
    path = Path(flow)
    if (why := not_a_file(path)) is not None:
        raise InputError(f"--metaflow {flow}: {why}")
    if importlib.util.find_spec("metaflow") is None:
        raise InputError(INSTALL_HINT)
    if throwaway_store:
        with null_s3() as endpoint:
            env = {
                **os.environ,
                "USER": os.environ.get("USER") or "wfctl",
                "METAFLOW_DEFAULT_DATASTORE": "s3",
                "METAFLOW_DATASTORE_SYSROOT_S3": f"s3://{THROWAWAY_BUCKET}/metaflow",
                "METAFLOW_S3_ENDPOINT_URL": endpoint,
                "METAFLOW_S3_RETRY_COUNT": "0",
                "AWS_ACCESS_KEY_ID": "wfctl",
                "AWS_SECRET_ACCESS_KEY": "wfctl",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true",
            }
            proc = _run_metaflow(flow, path, env, timeout)
        data = _parse_output(flow, proc)
        return _scrub(data, endpoint)
    if user_datastore() in (None, "local"):
        raise InputError(f"--metaflow {flow}: {NO_CONFIG_HINT}")
    return _parse_output(flow, _run_metaflow(flow, path, dict(os.environ), timeout))


def _run_metaflow(flow: str, path: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, str(path.resolve()), "argo-workflows", "create", "--only-json"],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=path.resolve().parent,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise InputError(f"--metaflow {flow}: Metaflow did not finish within {timeout:g} s") from None


def _scrub(data: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """The manifest with the throw-away store's endpoint and bucket replaced by neutral placeholders."""
    text = json.dumps(data)
    text = text.replace(endpoint, PLACEHOLDER_ENDPOINT).replace(THROWAWAY_BUCKET, PLACEHOLDER_BUCKET)
    scrubbed: dict[str, Any] = json.loads(text)
    return scrubbed


def _parse_output(flow: str, proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    if proc.returncode != 0:
        tail = " | ".join(line.strip() for line in proc.stderr.strip().splitlines()[-4:])
        raise InputError(f"--metaflow {flow}: Metaflow failed (exit {proc.returncode}): {tail}")
    text = proc.stdout
    start = text.find("{")
    try:
        data = json.loads(text[start:]) if start >= 0 else None
    except ValueError as exc:
        raise InputError(f"--metaflow {flow}: Metaflow's output is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"--metaflow {flow}: Metaflow printed no WorkflowTemplate")
    return data


def step_lines(flow: str) -> dict[str, int]:
    """Line of each `@step` method of the flow's classes (template names are step names)."""
    try:
        tree = ast.parse(Path(flow).read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return {}
    lines = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            (isinstance(d, ast.Name) and d.id == "step")
            or (isinstance(d, ast.Attribute) and d.attr == "step")
            or (isinstance(d, ast.Call) and getattr(d.func, "id", getattr(d.func, "attr", None)) == "step")
            for d in node.decorator_list
        ):
            lines[node.name] = node.lineno
    return lines


class CompiledFlow:
    """The compiled WorkflowTemplate as a source, and a way to move findings to the step's line."""

    def __init__(self, flow: str, timeout: float = DEFAULT_TIMEOUT, *, throwaway_store: bool = True) -> None:
        self.data = compile_flow(flow, timeout, throwaway_store=throwaway_store)
        self.py_file = display_path(Path(flow))
        name = (self.data.get("metadata") or {}).get("name", "flow")
        self.source = Source(f"{self.py_file}::{name}", content=json.dumps(self.data, indent=2).encode())
        self.steps = step_lines(flow)

    def place(self, finding: Finding) -> None:
        path = finding.path
        if len(path) >= 3 and path[:2] == ("spec", "templates") and isinstance(path[2], int):
            templates = (self.data.get("spec") or {}).get("templates") or []
            if path[2] < len(templates):
                name = str(templates[path[2]].get("name"))
                if path[3:5] == ("dag", "tasks") and len(path) > 5 and isinstance(path[5], int):
                    tasks = (templates[path[2]].get("dag") or {}).get("tasks") or []
                    if path[5] < len(tasks):
                        name = str(tasks[path[5]].get("name"))
                line = self.steps.get(name) or self.steps.get(name.replace("-", "_"))
                if line:
                    finding.file = self.py_file
                    finding.line, finding.column, finding.end_line, finding.end_column = line, 1, line, 1
                    finding.message = f"{finding.message} (in the template Metaflow compiles from step {name!r})"
