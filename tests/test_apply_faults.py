"""`apply` (with `--prune`) when the API server refuses or stops answering for one object in the middle
of a run: exit 3, the objects applied before the failure are named, and nothing is pruned. Plus the
input problems found by adversarial testing that must stop apply before its first request (an invalid
`-n`, a Workflow exported with its resourceVersion) and a file named twice (read once).
Through the CLI against the in-process API server; the planning helpers at unit level."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import run
from tests.kubeserver import KubeServer, status
from wfctl.kube.plan import walk_inputs

MUTATING = ("POST", "PATCH", "PUT", "DELETE")


def wft(name: str, app: str = "etl") -> str:
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: {name}\n"
        f"  labels: {{app: {app}}}\nspec:\n  templates: [{{name: t, suspend: {{}}}}]\n"
    )


def inject(server: KubeServer, method: str, name: str, what: int | float) -> None:
    """Every `method` request for object `name` gets HTTP `what` (int), or no answer for `what` seconds
    (float), before the usual handling; other requests are served as usual."""
    handler = server.httpd.RequestHandlerClass
    original = handler._guard

    def guard(self) -> bool:  # type: ignore[no-untyped-def]
        if self.command == method and urlparse(self.path).path.rstrip("/").endswith(f"/{name}"):
            self.state.requests.append((self.command, self.path))
            self._body()  # read, so that the connection stays usable for the next request
            if isinstance(what, float):
                time.sleep(what)
                return False  # no answer at all: the connection is closed
            self._send(what, status(what, "Injected", f"injected {what} for {name}"))
            return False
        return original(self)

    handler._guard = guard


@pytest.fixture
def deployed(kube, tmp_path):
    """Templates a, b, c, old applied with app=etl; the new set drops `old` and adds `d`."""
    first = tmp_path / "first"
    first.mkdir()
    for name in ("a", "b", "c", "old"):
        (first / f"{name}.yaml").write_text(wft(name))
    assert run("apply", "-f", str(first)).exit_code == 0
    new = tmp_path / "new"
    new.mkdir()
    for name in ("a", "b", "c", "d"):
        (new / f"{name}.yaml").write_text(wft(name).replace("suspend: {}", "suspend: {duration: '5'}"))
    kube.state.requests.clear()
    return new


def deletes(server: KubeServer) -> list[str]:
    return [p for m, p in server.state.requests if m == "DELETE"]


@pytest.mark.parametrize("code", [403, 409, 422, 500, 429])
def test_a_refused_object_stops_apply_and_prunes_nothing(kube, deployed, code):
    inject(kube, "PATCH", "c", code)
    # A budget far above what the calls need (500 and 429 are retried: 3 s of backoff in all), so that
    # a stalled test process on a loaded machine cannot turn the refusal into a timeout. How a budget
    # that runs out during the retries is reported: test_a_budget_spent_on_retries_reports_the_answer.
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl", "--request-timeout", "60s")
    assert result.exit_code == 3, result.output
    assert f"injected {code} for c" in result.output
    assert "applied before this error:" in result.output
    assert "workflowtemplate.argoproj.io/a configured" in result.output
    assert "workflowtemplate.argoproj.io/b configured" in result.output
    assert "Traceback" not in result.output
    assert deletes(kube) == []
    assert kube.get("workflowtemplates", "old") is not None
    assert kube.get("workflowtemplates", "d") is None  # after c: never reached


class SlowTime:
    """The kube client's clock on a loaded machine: every backoff sleeps 4x longer than asked."""

    monotonic = staticmethod(time.monotonic)

    @staticmethod
    def sleep(seconds: float, _real=time.sleep) -> None:  # type: ignore[no-untyped-def]
        _real(seconds * 4)


@pytest.mark.parametrize("code", [500, 429])
def test_a_budget_spent_on_retries_reports_the_answer(kube, deployed, monkeypatch, code):
    """A loaded machine oversleeps the backoff and the budget runs out between two attempts: the error
    is still the server's answer, not "no answer within the --request-timeout" (the flake that was)."""
    import wfctl.kube.client as client_mod

    monkeypatch.setattr(client_mod, "time", SlowTime)
    inject(kube, "PATCH", "c", code)
    started = time.monotonic()
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl", "--request-timeout", "2s")
    assert result.exit_code == 3, result.output
    assert f"injected {code} for c (HTTP {code})" in result.stderr, result.stderr
    assert "no answer" not in result.stderr
    assert deletes(kube) == [] and kube.get("workflowtemplates", "old") is not None
    assert time.monotonic() - started < 30


def test_a_budget_spent_on_reconnecting_says_the_server_cannot_be_reached(tmp_path, monkeypatch):
    """The same for a refused connection: "cannot reach the API server", whatever the clock does;
    only a server that accepts and never answers is "no answer" (tests/test_kube_io.py)."""
    import wfctl.kube.client as client_mod

    monkeypatch.setattr(client_mod, "time", SlowTime)
    server = KubeServer()
    monkeypatch.setenv("KUBECONFIG", server.kubeconfig(tmp_path / "kc"))
    server.httpd.server_close()  # nothing listens on that port any more
    (tmp_path / "t.yaml").write_text(wft("a"))
    result = run("apply", "-f", str(tmp_path / "t.yaml"), "--request-timeout", "2s")
    assert result.exit_code == 3, result.output
    assert "cannot reach the API server" in result.stderr and "no answer" not in result.stderr, result.stderr


def test_a_server_that_stops_answering_mid_run_prunes_nothing(kube, deployed):
    inject(kube, "PATCH", "b", 30.0)
    started = time.monotonic()
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl", "--request-timeout", "2s")
    assert time.monotonic() - started < 20
    assert result.exit_code == 3, result.output
    assert "workflowtemplate.argoproj.io/a configured" in result.output
    assert deletes(kube) == []
    assert kube.get("workflowtemplates", "old") is not None


def test_a_failed_prune_listing_applies_nothing(kube, deployed):
    handler = kube.httpd.RequestHandlerClass
    original = handler._guard

    def guard(self) -> bool:  # type: ignore[no-untyped-def]
        if self.command == "GET" and "labelSelector" in self.path:
            self._send(500, status(500, "InternalError", "listing broke"))
            return False
        return original(self)

    handler._guard = guard
    result = run(
        "apply", "-f", str(deployed), "--prune", "-l", "app=etl", "--request-timeout", "60s"
    )  # not a timeout test
    assert result.exit_code == 3, result.output
    assert "listing broke" in result.output
    assert [r for r in kube.state.requests if r[0] in MUTATING] == []


def test_the_whole_apply_succeeding_is_what_allows_prune(kube, deployed):
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl")
    assert result.exit_code == 0, result.output
    assert "workflowtemplate.argoproj.io/old pruned" in result.output
    assert kube.get("workflowtemplates", "old") is None


def test_an_invalid_namespace_flag_is_exit_2_before_any_request(kube, deployed):
    for flag in ("Bad_NS", "a" * 64, "-x", "x.y"):
        kube.state.requests.clear()
        result = run("apply", "-f", str(deployed), "-n", flag, "--prune", "-l", "app=etl")
        assert result.exit_code == 2, result.output
        assert "not a valid namespace" in result.output
        assert kube.state.requests == []


def test_an_invalid_namespace_in_the_kubeconfig_context_is_exit_2(kube, deployed, tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", kube.kubeconfig(tmp_path / "bad-ns", namespace="Not_Valid"))
    result = run("apply", "-f", str(deployed))
    assert result.exit_code == 2, result.output
    assert "the kubeconfig's namespace 'Not_Valid' is not a valid namespace" in result.output
    assert kube.state.requests == []


def test_a_workflow_with_a_resource_version_is_refused_before_any_request(kube, tmp_path):
    wf = tmp_path / "wf.yaml"
    wf.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: run1\n  resourceVersion: '42'\n"
        "spec:\n  entrypoint: t\n  templates: [{name: t, suspend: {}}]\n"
    )
    (tmp_path / "t.yaml").write_text(wft("tpl"))
    for dry_run in ("none", "server", "client"):
        result = run("apply", "-f", str(tmp_path / "t.yaml"), "-f", str(wf), f"--dry-run={dry_run}")
        assert result.exit_code == 2, result.output
        assert "metadata.resourceVersion is set" in result.output
    assert [r for r in kube.state.requests if r[0] in MUTATING] == []
    assert kube.get("workflowtemplates", "tpl") is None


def test_a_file_named_twice_is_applied_once(kube, tmp_path):
    d = tmp_path / "set"
    d.mkdir()
    (d / "one.yaml").write_text(wft("one"))
    result = run("apply", "-f", str(d / "one.yaml"), "-f", str(d), "-f", str(d / "one.yaml"))
    assert result.exit_code == 0, result.output
    assert result.output.count("workflowtemplate.argoproj.io/one created") == 1


def test_walk_inputs_reads_each_file_once(tmp_path):
    (tmp_path / "a.yaml").write_text(wft("a"))
    (tmp_path / "b.yaml").write_text(wft("b"))
    (tmp_path / "link.yaml").symlink_to(tmp_path / "a.yaml")
    sources, problems = walk_inputs((str(tmp_path / "a.yaml"), str(tmp_path), str(tmp_path / "link.yaml")))
    assert problems == []
    assert sorted(Path(s.path).name for s in sources) == ["a.yaml", "b.yaml"]


# ------------------------------------------------------------------ TLS and key material

FAKE_KEY = "-----BEGIN PRIVATE KEY-----\nTUlJRXZnSUJBREFOQmdrcWhraUc5dzBCQVFF\n-----END PRIVATE KEY-----\n"


def test_sigterm_while_the_configuration_loads_leaves_no_key_behind(tmp_path):
    """The library writes `client-key-data` to a file while loading; a SIGTERM at that moment (sent
    here from inside the window, so no timing is involved) still leaves nothing in $TMPDIR."""
    import base64
    import os
    import signal
    import subprocess
    import sys

    from tests.kubeserver import kubeconfig_text

    data = base64.b64encode(FAKE_KEY.encode()).decode()
    kubeconfig = tmp_path / "kc"
    kubeconfig.write_text(
        kubeconfig_text("https://127.0.0.1:9", admin=f"client-certificate-data: {data}, client-key-data: {data}")
    )
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    script = (
        "import os, signal, sys\n"
        "from wfctl.kube import client\n"
        "def pool(self, api, cfg):\n"
        "    files = [f for d in os.listdir(sys.argv[2]) for f in os.listdir(os.path.join(sys.argv[2], d))]\n"
        "    print(len(files), flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "client.Kube._own_pool = pool\n"
        "client.Kube(client.Connection(kubeconfig=sys.argv[1]))\n"
        "print('survived', flush=True)\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.run(
        [sys.executable, "-c", script, str(kubeconfig), str(tmp)], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == -signal.SIGTERM, proc.stderr
    assert int(proc.stdout.split()[0]) >= 1  # the key file did exist when the signal came
    assert "survived" not in proc.stdout
    assert list(tmp.iterdir()) == []


def test_a_tls_failure_names_the_tls_error_not_an_internal_one(kube, tmp_path, monkeypatch):
    """`https://` to a server that speaks plain HTTP: the library's status-0 ApiException, which it then
    fails to decode (AttributeError), is reported as the TLS error it is."""
    monkeypatch.setenv("KUBECONFIG", kube.kubeconfig(tmp_path / "kc-https"))
    text = Path(tmp_path / "kc-https").read_text().replace("http://", "https://")
    (tmp_path / "kc-https").write_text(text.replace('server: "', 'insecure-skip-tls-verify: true, server: "'))
    (tmp_path / "t.yaml").write_text(wft("tpl"))
    result = run("apply", "-f", str(tmp_path / "t.yaml"), "--request-timeout", "5s")
    assert result.exit_code == 3, result.output
    assert "cannot reach the API server at https://127.0.0.1" in result.output
    assert "SSL" in result.output
    assert "AttributeError" not in result.output and "NoneType" not in result.output


def test_ctrl_c_that_an_import_turned_into_import_error_is_still_exit_130(tmp_path):
    """CPython may replace a KeyboardInterrupt raised inside a C-level import with an ImportError
    (`PyCapsule_Import could not import module "_socket"`, seen at random moments during start-up);
    the run is still an interrupted one: exit 130, one line, no "internal error"."""
    import os
    import subprocess
    import sys

    script = (
        "import os, signal, sys\n"
        "from wfctl.kube import plan\n"
        "def walk(paths, **options):\n"
        "    try:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        signal.pthread_sigmask(signal.SIG_SETMASK, [])\n"
        "        for _ in range(1000):\n"
        "            pass\n"
        "    except KeyboardInterrupt:\n"
        "        raise ImportError('PyCapsule_Import could not import module \"_socket\"') from None\n"
        "    raise AssertionError('no interrupt')\n"
        "plan.walk_inputs = walk\n"
        "from wfctl.cli import main\n"
        "main(['apply', '-f', sys.argv[1], '--dry-run=client'])\n"
    )
    (tmp_path / "t.yaml").write_text(wft("tpl"))
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "t.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "wfctl: interrupted"
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_proxy_html_error_page_is_one_short_line(kube, deployed):
    handler = kube.httpd.RequestHandlerClass
    original = handler._guard
    page = (
        "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
        + "<center><h1>502 Bad Gateway</h1></center>\n" * 40
        + "</body>\n</html>\n"
    ).encode()

    def guard(self) -> bool:  # type: ignore[no-untyped-def]
        if self.command == "PATCH" and urlparse(self.path).path.endswith("/b"):
            self._body()
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return False
        return original(self)

    handler._guard = guard
    result = run(
        "apply", "-f", str(deployed), "--prune", "-l", "app=etl", "--request-timeout", "60s"
    )  # not a timeout test
    assert result.exit_code == 3, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("wfctl: error: apply workflowtemplate.argoproj.io/b: 502 Bad Gateway 502 Bad Gateway")
    assert first.endswith("... (HTTP 502)") and len(first) < 320
    assert "<" not in result.output
    assert deletes(kube) == []


# ------------------------------------------------------------------ exec credential plugins


def _exec_kubeconfig(kube: KubeServer, tmp_path: Path, command: str, args: list[str]) -> str:
    import json

    plugin = {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": command, "args": args}
    return kube.kubeconfig(tmp_path / "kc-exec", admin=f"exec: {json.dumps(plugin)}")


def test_a_missing_exec_plugin_is_exit_3_not_an_anonymous_request(kube, tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", _exec_kubeconfig(kube, tmp_path, "no-such-credential-plugin", []))
    (tmp_path / "t.yaml").write_text(wft("tpl"))
    result = run("apply", "-f", str(tmp_path / "t.yaml"))
    assert result.exit_code == 3, result.output
    assert "credential plugin failed" in result.output and "no-such-credential-plugin" in result.output
    assert kube.state.requests == []  # never went on without credentials


def test_a_failing_exec_plugin_does_not_print_its_secret_arguments(kube, tmp_path, monkeypatch):
    secret = "s3cr3t-" + "f00d" * 10
    script = tmp_path / "plugin.sh"
    script.write_text('#!/bin/sh\necho "cannot log in with $2" >&2\nexit 1\n')
    script.chmod(0o755)
    monkeypatch.setenv("KUBECONFIG", _exec_kubeconfig(kube, tmp_path, str(script), ["--password", secret]))
    (tmp_path / "t.yaml").write_text(wft("tpl"))
    result = run("--debug", "apply", "-f", str(tmp_path / "t.yaml"))
    assert result.exit_code == 3, result.output
    assert "credential plugin failed" in result.output and "<redacted>" in result.output
    assert secret not in result.output and "f00df00d" not in result.output


def test_a_working_exec_plugin_is_used(kube, tmp_path, monkeypatch):
    script = tmp_path / "plugin.sh"
    script.write_text(
        '#!/bin/sh\necho \'{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",'
        ' "status": {"token": "admin-token"}}\'\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("KUBECONFIG", _exec_kubeconfig(kube, tmp_path, str(script), []))
    (tmp_path / "t.yaml").write_text(wft("tpl"))
    result = run("apply", "-f", str(tmp_path / "t.yaml"))
    assert result.exit_code == 0, result.output
    assert kube.get("workflowtemplates", "tpl") is not None


def test_apply_from_a_closed_stdin_is_an_input_error(kube, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "KUBECONFIG": kube.kubeconfig(tmp_path / "kc"), "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.run(
        ["sh", "-c", 'exec "$0" -m wfctl apply -f - --prune -l app=etl <&-', sys.executable],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "standard input is closed" in proc.stderr and "internal error" not in proc.stderr
    assert kube.state.requests == []


# ------------------------------------------------------------------ empty names never reach the collection


def test_diff_live_of_a_document_without_a_name_is_an_input_error(kube, tmp_path):
    """`metadata: null` gave name "": GET .../workflowtemplates/ is a LIST, whose WorkflowTemplateList
    was then diffed against the file as if it were the object."""
    (tmp_path / "t.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: null\nspec: {templates: []}\n"
    )
    result = run("diff", "--live", str(tmp_path / "t.yaml"))
    assert result.exit_code == 2, result.output
    assert "without metadata.name" in result.output and "WorkflowTemplateList" not in result.output
    assert kube.state.requests == []


@pytest.mark.parametrize("name", ["", " ", "a/b", None])
def test_the_client_never_sends_a_request_for_an_empty_name(kube, name):
    from wfctl.errors import ClusterError
    from wfctl.kube.client import Connection, Kube

    k = Kube(Connection())
    with pytest.raises(ClusterError, match="not an object name"):
        k.get("WorkflowTemplate", name)
    with pytest.raises(ClusterError, match="not an object name"):
        k.delete("WorkflowTemplate", name, missing_ok=True)
    assert kube.state.requests == []


@pytest.mark.parametrize("what", ["directory", "fifo", "empty"])
def test_a_kubeconfig_that_is_a_directory_fifo_or_empty_is_a_clear_error(kube, tmp_path, monkeypatch, what):
    import os

    target = tmp_path / what
    if what == "directory":
        target.mkdir()
    elif what == "fifo":
        os.mkfifo(target)
    else:
        target.write_text("")
    monkeypatch.setenv("KUBECONFIG", str(target))
    for var in ("KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "t.yaml").write_text(wft("tpl"))
    result = run("apply", "-f", str(tmp_path / "t.yaml"))  # a FIFO is never opened: no hang
    assert result.exit_code == 3, result.output
    assert f"{target} names no readable, non-empty kubeconfig file" in result.output


def test_a_token_with_spaces_around_it_is_sent_as_the_token(kube, tmp_path, monkeypatch):
    """`token: "  TOKEN "` gave `Bearer   TOKEN`, which the API server reads as no token (anonymous).
    The in-process server refuses `Bearer nobody-token` (403): reaching that refusal proves the
    cleaned token was sent."""
    monkeypatch.setenv("KUBECONFIG", kube.kubeconfig(tmp_path / "kc-sp", admin='token: "   nobody-token  \\n"'))
    (tmp_path / "t.yaml").write_text(wft("tpl"))
    result = run("apply", "-f", str(tmp_path / "t.yaml"))
    assert result.exit_code == 3, result.output
    assert 'User "nobody"' in result.output
    assert "nobody-token" not in result.output


def test_prune_with_nothing_to_apply_deletes_nothing_and_says_so(kube, deployed, tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing here\n")
    result = run("apply", "-f", str(empty), "--prune", "-l", "app=etl")
    assert result.exit_code == 0, result.output
    assert "--prune deletes nothing when there is nothing to apply" in result.output
    assert kube.state.requests == []
    assert kube.get("workflowtemplates", "old") is not None
