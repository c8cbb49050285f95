"""Workflows written in Python: Hera modules and Metaflow flows through the same pipeline as YAML.
Skipped when the `hera` / `metaflow` extras are not installed."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import FIXTURES, run, run_json

PY = FIXTURES / "python"
needs_hera = pytest.mark.skipif(importlib.util.find_spec("hera") is None, reason="hera extra not installed")
needs_metaflow = pytest.mark.skipif(importlib.util.find_spec("metaflow") is None, reason="metaflow extra not installed")


def line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


@needs_hera
def test_hera_hello_world_validates():
    code, payload = run_json("validate", "--hera", str(PY / "hello_hera.py"))
    assert code == 0 and payload["findings"] == [] and payload["summary"]["documents"] == 1


@needs_hera
def test_hera_dag_cycle_points_at_the_python_line():
    code, payload = run_json("validate", "--hera", str(PY / "dag_cycle_hera.py"))
    assert code == 1
    [finding] = payload["findings"]
    assert finding["rule"] == "WF112" and "a -> b -> c -> a" in finding["message"]
    assert finding["file"].endswith("dag_cycle_hera.py")
    assert finding["line"] == line_of(PY / "dag_cycle_hera.py", 'a = echo(name="a")')


@needs_hera
def test_hera_undefined_parameter_points_at_the_container():
    code, payload = run_json("validate", "--hera", str(PY / "undefined_param_hera.py"))
    assert code == 1
    [finding] = payload["findings"]
    assert finding["rule"] == "WF115" and "nope" in finding["message"]
    assert finding["line"] == line_of(PY / "undefined_param_hera.py", "Container(")


@needs_hera
def test_hera_module_that_raises_and_module_without_workflows():
    result = run("validate", "--hera", str(PY / "raises_hera.py"))
    assert result.exit_code == 2 and "configuration missing" in result.stderr and "(line 6)" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("lint", "--hera", str(PY / "empty_hera.py"))
    assert result.exit_code == 2 and "no Hera Workflow" in result.stderr


@needs_hera
def test_hera_function_and_module_forms(tmp_path, monkeypatch):
    (tmp_path / "factory.py").write_text(
        "from hera.workflows import Container, Workflow\n\n"
        "def build():\n"
        "    with Workflow(generate_name='f-', entrypoint='c') as w:\n"
        "        Container(name='c', image='busybox:1.36', args=['{{inputs.parameters.x}}'])\n"
        "    return [w]\n"
    )
    monkeypatch.chdir(tmp_path)
    code, payload = run_json("validate", "--hera", "factory:build")
    assert code == 1 and payload["findings"][0]["line"] == 5
    assert run("validate", "--hera", "factory:nope").exit_code == 2
    assert run("validate", "--hera", "no_such_module").exit_code == 2


@needs_hera
def test_hera_render_diff_graph_and_plain_py_in_directories(tmp_path):
    out = run("render", "--hera", str(PY / "hello_hera.py")).stdout
    assert out.startswith("apiVersion: argoproj.io/v1alpha1") and "generateName: hello-hera-" in out
    as_json = json.loads(run("render", "--hera", str(PY / "hello_hera.py"), "-o", "json").stdout)
    assert as_json["kind"] == "Workflow"
    changed = tmp_path / "changed.py"
    changed.write_text((PY / "hello_hera.py").read_text().replace("busybox:1.36", "busybox:1.37"))
    result = run("diff", "--hera", str(PY / "hello_hera.py"), str(changed), "-o", "json")
    assert (
        result.exit_code == 1
        and json.loads(result.stdout)["changes"][0]["path"] == "spec.templates[hello].container.image"
    )
    assert "a: echo  <- c" in run("graph", "--hera", str(PY / "dag_cycle_hera.py")).stdout
    # a .py file found in a directory walk is never imported
    _, payload = run_json("validate", str(PY))
    assert payload["summary"]["files"] == 0


@needs_hera
def test_hera_annotation_suppression(tmp_path):
    f = tmp_path / "quiet.py"
    f.write_text(
        (PY / "undefined_param_hera.py")
        .read_text()
        .replace('entrypoint="say"', 'entrypoint="say", annotations={"wfctl.io/disable": "WF115"}')
    )
    result = run("validate", "--hera", str(f))
    assert result.exit_code == 0, result.output
    assert "WF115" not in result.output and "nope" not in result.output and result.stderr == ""
    # the Hera module was still loaded and checked: only the suppressed finding is gone
    assert result.stdout.splitlines() == ["0 errors, 0 warnings in 1 file (1 Argo document checked)"]


def test_without_hera_installed_says_how(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_hera(name, *args, **kwargs):
        if name == "hera.workflows" or name.startswith("hera"):
            raise ImportError("No module named 'hera'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_hera)
    result = run("validate", "--hera", str(PY / "hello_hera.py"))
    assert result.exit_code == 2 and "pip install 'wfctl[hera]'" in result.stderr


def _render_with_user_store(monkeypatch, *args: str):
    """`wfctl render --metaflow` with a user's own Metaflow configuration: an S3 store (a local stand-in)."""
    from wfctl.python.metaflow import null_s3

    with null_s3() as endpoint:
        for key, value in {
            "METAFLOW_DEFAULT_DATASTORE": "s3",
            "METAFLOW_DATASTORE_SYSROOT_S3": "s3://team-bucket/flows",
            "USER": "team",
            "METAFLOW_S3_ENDPOINT_URL": endpoint,
            "METAFLOW_S3_RETRY_COUNT": "0",
            "AWS_ACCESS_KEY_ID": "team",
            "AWS_SECRET_ACCESS_KEY": "team",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }.items():
            monkeypatch.setenv(key, value)
        result = run("render", "--metaflow", str(PY / "hello_metaflow.py"), *args)
    assert result.exit_code == 0, result.stderr
    assert "s3://team-bucket/flows" in result.stdout and endpoint in result.stdout  # the user's own store
    return result


@needs_metaflow
def test_metaflow_hello_world(tmp_path, monkeypatch):
    code, payload = run_json("validate", "--metaflow", str(PY / "hello_metaflow.py"))
    assert code == 0, payload
    assert payload["summary"]["documents"] == 1
    out = _render_with_user_store(monkeypatch, "-o", "json").stdout
    template = json.loads(out)
    assert template["kind"] == "WorkflowTemplate"
    names = {t["name"] for t in template["spec"]["templates"]}
    assert {"start", "hello", "end"} <= names
    saved = tmp_path / "flow.json"
    saved.write_text(out)
    assert run("validate", str(saved)).exit_code == 0  # a JSON file saved from Metaflow works too


@needs_metaflow
def test_metaflow_findings_point_at_the_step(tmp_path):
    flow = tmp_path / "flow.py"
    flow.write_text((PY / "hello_metaflow.py").read_text())
    _, payload = run_json("lint", "--metaflow", str(flow), "--select", "WF202")
    lines = {f["line"] for f in payload["findings"]}
    assert line_of(flow, "def hello") in lines


@needs_metaflow
def test_metaflow_failure_is_exit_2(tmp_path):
    flow = tmp_path / "broken.py"
    flow.write_text("raise SystemExit('no flow here')\n")
    result = run("validate", "--metaflow", str(flow), "--metaflow-timeout", "60")
    assert result.exit_code == 2 and "Metaflow failed" in result.stderr


@needs_hera
def test_hera_without_the_private_hook_still_validates(monkeypatch):
    """A Hera version without the private hook: findings stay in the rendered document."""
    import wfctl.python.hera as hera_input

    monkeypatch.setattr(hera_input, "HOOK", "__hook_of_a_future_hera__")
    code, payload = run_json("validate", "--hera", str(PY / "dag_cycle_hera.py"))
    assert code == 1
    (finding,) = payload["findings"]
    assert finding["rule"] == "WF112" and "a -> b -> c -> a" in finding["message"]
    assert finding["file"].endswith("dag_cycle_hera.py::w") and finding["line"] > 1


@needs_metaflow
def test_metaflow_render_without_a_configured_store_says_how(tmp_path, monkeypatch):
    for key in ("METAFLOW_DEFAULT_DATASTORE", "METAFLOW_PROFILE", "METAFLOW_DATASTORE_SYSROOT_S3"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("METAFLOW_HOME", str(tmp_path / "mf"))
    result = run("render", "--metaflow", str(PY / "hello_metaflow.py"))
    assert result.exit_code == 2
    assert "no datastore configured" in result.stderr and "metaflow configure aws" in result.stderr
    assert result.stdout == ""
    # a config file of the user's own is found
    (tmp_path / "mf").mkdir()
    (tmp_path / "mf" / "config.json").write_text('{"METAFLOW_DEFAULT_DATASTORE": "s3"}')
    from wfctl.python.metaflow import user_datastore

    assert user_datastore() == "s3"


@needs_metaflow
def test_metaflow_throwaway_store_never_appears_in_output(tmp_path):
    from wfctl.python import metaflow as mf

    flow = tmp_path / "flow.py"
    flow.write_text((PY / "hello_metaflow.py").read_text())
    outputs = [
        run("lint", "--metaflow", str(flow), "-o", "json").stdout,
        run("lint", "--metaflow", str(flow), "-o", "sarif").stdout,
        run("validate", "--metaflow", str(flow), "-v").stdout,
    ]
    for out in outputs:
        assert out, "no output"
        assert mf.THROWAWAY_BUCKET not in out and "127.0.0.1" not in out
    data = mf.compile_flow(str(flow))
    text = json.dumps(data)
    assert mf.THROWAWAY_BUCKET not in text and "127.0.0.1" not in text
    assert f"s3://{mf.PLACEHOLDER_BUCKET}/metaflow" in text


def test_python_sources_that_are_not_files_say_why(tmp_path):
    """--hera/--metaflow name a missing file, a dangling link or a directory the way every command does."""
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    cases = [
        (("render", "--hera", str(tmp_path / "nope.py")), "nope.py: no such file or directory"),
        (("render", "--hera", str(tmp_path / "dangling.py")), "dangling.py: broken symbolic link"),
        (("render", "--metaflow", str(tmp_path)), ": a directory, not a regular file"),
        (("lint", "--metaflow", str(tmp_path / "nope.py")), "nope.py: no such file or directory"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 2, args
        assert message in result.stderr, (args, result.stderr)
