"""Shared test helpers: the CLI runner, fixture paths, Argo's upstream examples when present."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
UPSTREAM_EXAMPLES = SHARED / "upstream" / "argo-workflows-v4.1.2" / "examples"
# The one upstream example that is really broken (a duplicate `metadata.annotations` key).
BROKEN_EXAMPLE = "k8s-patch-json-workflow.yaml"
ENVIRONMENT_LEFT_OUT = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TERM", "CI", "COLUMNS", "LINES")
WFCTL_KEPT = ("WFCTL_CACHE_DIR", "WFCTL_SLOW", "WFCTL_SLOW_RUNS", "WFCTL_E2E_KUBECONFIG", "WFCTL_E2E_NAMESPACE")


@pytest.fixture(autouse=True, scope="session")
def _results_cache_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests' results cache lives in a temporary directory, never in the checkout (subprocesses too)."""
    import os

    # The same run on every machine: no cache, colour, width, CI mode, output format, config or cluster from
    # the caller's environment (tests that want one set it themselves; subprocesses inherit this environment).
    os.environ["WFCTL_CACHE_DIR"] = str(tmp_path_factory.mktemp("wfctl-cache"))
    for name in (*ENVIRONMENT_LEFT_OUT, *[v for v in os.environ if v.startswith("WFCTL_") and v not in WFCTL_KEPT]):
        os.environ.pop(name, None)
    os.environ["KUBECONFIG"] = str(tmp_path_factory.mktemp("no-cluster") / "kubeconfig")  # never a real one


@pytest.fixture
def kube(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The in-process Kubernetes API test server (tests/kubeserver.py), named by KUBECONFIG; not in CI mode."""
    from tests.kubeserver import KubeServer

    server = KubeServer().start()
    monkeypatch.setenv("KUBECONFIG", server.kubeconfig(tmp_path / "kubeconfig"))
    monkeypatch.delenv("CI", raising=False)
    yield server
    server.stop()


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Any:
    """Run wfctl in-process; returns click's Result (exit_code, stdout, stderr)."""
    from wfctl.cli.root import cli

    runner = CliRunner()
    return runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = run(*args, "-o", "json")
    return result.exit_code, json.loads(result.stdout)


def expectations(path: Path) -> set[tuple[int, str]]:
    """(line, code) pairs declared in a fixture with `# expect: CODE[,CODE]` comments."""
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        match = re.search(r"#\s*expect:\s*([A-Z0-9, ]+)", line)
        if match:
            for code in match.group(1).replace(" ", "").split(","):
                if code:
                    found.add((number, code))
    return found


@pytest.fixture
def upstream_examples() -> Path:
    if not UPSTREAM_EXAMPLES.is_dir():
        pytest.skip("../shared/upstream examples not present")
    return UPSTREAM_EXAMPLES


def schema_generator() -> Any:
    """`schemas/generate.py` (the script that regenerates the vendored schemas) as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("wfctl_schema_generate", ROOT / "schemas" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
