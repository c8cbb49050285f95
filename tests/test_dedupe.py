"""`wfctl dedupe`: merges, fixed points, near-duplicates, layout kept, safety, cross-file extraction,
safe rewrites (special files, links, owners, concurrent edits, all-or-nothing, signals, encodings)."""

from __future__ import annotations

import codecs
import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

import pytest

from tests.conftest import FIXTURES, ROOT, run
from wfctl.dedupe.find import merge_plan
from wfctl.dedupe.plan import dedupe_text
from wfctl.loader.yaml import parse

HEAD = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: d-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: a
            template: one
          - name: b
            template: two
"""
ONE = """\
    - name: one
      container:
        image: busybox:1.36
        args: [echo, hi]
"""


def write(tmp_path, text, name="wf.yaml"):
    f = tmp_path / name
    f.write_text(text)
    return f


def dedupe_json(*args):
    result = run("dedupe", "-o", "json", *map(str, args))
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith("{") else None, result


def test_exact_duplicates_merge_into_the_first(tmp_path):
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two"))
    code, payload, _ = dedupe_json(f)
    entry = payload["files"][0]
    assert code == 0 and entry["merged"] == {"Workflow/d-": {"two": "one"}}
    assert (entry["templates_before"], entry["templates_after"]) == (3, 2)
    assert entry["bytes_after"] < entry["bytes_before"] and entry["json_bytes_after"] < entry["json_bytes_before"]
    assert f.read_text() == HEAD + ONE + ONE.replace("name: one", "name: two")  # no --write: untouched


def test_write_check_and_idempotence(tmp_path):
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two"))
    os.chmod(f, 0o640)
    assert run("dedupe", "--check", str(f)).exit_code == 1
    result = run("dedupe", "--write", str(f))
    assert result.exit_code == 0 and "rewrote 1 of 1 files" in result.stdout
    assert "template: one\n          - name: b\n            template: one" in f.read_text()
    assert "name: two" not in f.read_text()
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name != "wf.yaml"]  # no temp files left
    before = f.read_text()
    assert run("dedupe", "--write", str(f)).exit_code == 0 and f.read_text() == before
    assert run("dedupe", "--check", str(f)).exit_code == 0


def test_diff_preview(tmp_path):
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two"))
    out = run("dedupe", str(f)).stdout
    assert "-            template: two\n+            template: one" in out and "-    - name: two" in out


def test_chain_collapses_at_fixed_point():
    text = (FIXTURES / "dedupe" / "chain.yaml").read_text()
    report = dedupe_text("chain.yaml", text)
    assert report.merged == {"Workflow/copies-": {"echo-b": "echo-a", "wrap-b": "wrap-a"}}
    # comments, quoting and blank lines of untouched parts survive byte for byte
    assert 'template: "echo-a"' in report.after_text
    assert "template: echo-a   # first copy" in report.after_text
    assert "    # the first wrapper\n" in report.after_text
    assert "image: busybox:1.36   # pinned" in report.after_text
    kept = [line for line in text.splitlines() if line not in report.after_text.splitlines()]
    assert all(
        "echo-b" in line
        or "wrap-b" in line
        or line.strip().startswith(("- - name: inner", "steps:", "command:", "image:", "container:"))
        for line in kept
    ), kept


@pytest.mark.parametrize(
    "change",
    [
        ("args: [echo, hi]", "args: [echo, bye]"),  # one arg
        ("busybox:1.36", "busybox:1.37"),  # image tag
    ],
)
def test_near_duplicates_do_not_merge(tmp_path, change):
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two").replace(*change))
    _code, payload, _ = dedupe_json(f)
    assert payload["files"][0]["merged"] == {}


def test_parameter_default_matters():
    spec = {
        "templates": [
            {"name": "a", "inputs": {"parameters": [{"name": "p", "default": "1"}]}, "container": {"image": "x"}},
            {"name": "b", "inputs": {"parameters": [{"name": "p", "default": "2"}]}, "container": {"image": "x"}},
            {"name": "c", "container": {"image": "x"}, "inputs": {"parameters": [{"default": "1", "name": "p"}]}},
        ]
    }
    assert merge_plan(spec) == {"c": "a"}  # key order does not matter, values do


def test_multi_document_and_templates_left_alone(tmp_path):
    wft = (
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: lib}\nspec:\n  templates:\n"
        + ONE
        + ONE.replace("name: one", "name: two")
    )
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two") + "---\n" + wft)
    _, payload, _ = dedupe_json(f)
    entry = payload["files"][0]
    assert list(entry["merged"]) == ["Workflow/d-"]
    assert any("WorkflowTemplate/lib" in n and "left alone" in n for n in entry["notes"])
    _, payload, _ = dedupe_json("--include-templates", f)
    assert set(payload["files"][0]["merged"]) == {"Workflow/d-", "WorkflowTemplate/lib"}


def test_anchors_and_aliases(tmp_path):
    text = (
        HEAD + "    - name: one\n      container: &c\n        image: busybox:1.36\n        args: [echo, hi]\n"
        "    - name: two\n      container: *c\n"
    )
    f = write(tmp_path, text)
    code, payload, _ = dedupe_json("--write", f)
    assert code == 0 and payload["files"][0]["merged"] == {"Workflow/d-": {"two": "one"}}
    assert "*c" not in f.read_text() and "&c" in f.read_text()


def test_refusal_when_equivalence_cannot_be_proven(tmp_path):
    # the copy to delete holds an anchor that another template uses: deleting it would break the file
    text = (
        HEAD + "    - name: one\n      container:\n        image: busybox:1.36\n        args: [echo, hi]\n"
        "    - name: two\n      container: &c\n        image: busybox:1.36\n        args: [echo, hi]\n"
        "    - name: three\n      container: *c\n      activeDeadlineSeconds: 5\n"
    )
    f = write(tmp_path, text.replace("template: two", "template: three"))
    before = f.read_text()
    code, _payload, result = dedupe_json("--write", f)
    assert code == 2 and "equivalence could not be proven" in result.stderr
    assert f.read_text() == before


def test_flow_style_templates_are_refused(tmp_path):
    text = HEAD.replace(
        "  templates:\n    - name: main\n      steps:\n        - - name: a\n            template: one\n"
        "          - name: b\n            template: two\n",
        "  templates: [{name: main, steps: [[{name: a, template: one}, {name: b, template: two}]]},"
        " {name: one, container: {image: x}}, {name: two, container: {image: x}}]\n",
    )
    f = write(tmp_path, text)
    code, _, result = dedupe_json(f)
    assert code == 2 and "flow style" in result.stderr


def test_rewritten_file_still_validates(tmp_path):
    f = write(tmp_path, (FIXTURES / "dedupe" / "chain.yaml").read_text())
    assert run("dedupe", "--write", str(f)).exit_code == 0
    assert run("validate", str(f)).exit_code == 0
    assert parse(f.read_text()).problem is None


def test_cross_file_extraction(tmp_path):
    shared = "    - name: hello\n      container:\n        image: busybox:1.36\n        command: [echo, hello]\n"
    who = (
        '    - name: who\n      container:\n        image: busybox:1.36\n        command: [echo, "{{workflow.name}}"]\n'
    )
    for n in ("a", "b"):
        write(
            tmp_path,
            HEAD.replace("template: one", "template: hello")
            .replace("template: two", "template: who")
            .replace("d-", f"{n}-")
            + shared
            + who,
            f"{n}.yaml",
        )
    out = tmp_path / "lib" / "common.yaml"
    out.parent.mkdir()
    code, payload, _ = dedupe_json(
        "--write", "--extract-to", out, "--name", "common", tmp_path / "a.yaml", tmp_path / "b.yaml"
    )
    assert code == 0 and payload["extracted_to"] == str(out)
    a = (tmp_path / "a.yaml").read_text()
    assert "templateRef: {name: common, template: hello}" in a and "- name: hello" not in a
    assert "- name: who" in a  # reads {{workflow.*}}: left alone, and said so
    assert any("workflow" in n for n in payload["files"][0]["notes"])
    assert "name: common" in out.read_text()
    result = run("validate", "--strict-refs", str(tmp_path))
    assert result.exit_code == 0, result.stdout
    # the WorkflowTemplate file is never overwritten
    assert run("dedupe", "--extract-to", str(out), "--name", "common", str(tmp_path / "a.yaml")).exit_code == 2


def test_usage_and_input_errors(tmp_path):
    assert run("dedupe", str(tmp_path / "missing.yaml")).exit_code == 2
    assert run("dedupe", "--extract-to", "x.yaml", str(tmp_path)).exit_code == 2
    bad = write(tmp_path, "kind: Workflow\na: [\n", "bad.yaml")  # an Argo kind: an error, as validate says it
    code, _payload, result = dedupe_json(bad)
    assert (
        code == 2
        and result.stderr
        == f"{bad}:2:5: error WF010 YAML syntax error: while parsing a flow node did not find expected node content\n"
    )
    helm = write(tmp_path, "a: [\n", "values.yaml")  # plainly not Argo's: skipped with a note, named or not
    code, payload, result = dedupe_json(helm)
    assert code == 0 and payload["files"] == [] and result.stderr == ""


def test_crlf_line_endings_are_kept(tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_bytes((HEAD + ONE + ONE.replace("name: one", "name: two")).replace("\n", "\r\n").encode())
    assert run("dedupe", "--write", str(f)).exit_code == 0
    data = f.read_bytes()
    assert b"name: two" not in data and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


# --- safe rewrites (wfctl.writer through the CLI) ---------------------------------------------------------

DUPES = HEAD + ONE + ONE.replace("name: one", "name: two")


def run_wfctl(*args, input=None, timeout=120):
    """wfctl in a subprocess (for stdin, FIFOs and signals), bounded so a hang fails instead of blocking."""
    return subprocess.run(
        [sys.executable, "-m", "wfctl", *map(str, args)],
        cwd=ROOT,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def leftovers(*dirs):
    return [p for d in dirs for p in d.iterdir() if p.name.endswith(".wfctl-tmp")]


def test_write_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "wf.yaml"
    os.mkfifo(fifo)
    result = run_wfctl("dedupe", "--write", fifo)  # the old code blocked here reading the FIFO
    assert result.returncode == 2
    assert f"{fifo}: a FIFO" in result.stderr  # refused by the loader or by the writer, never opened
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and "internal error" not in result.stderr


def test_write_refuses_dev_stdin_and_reads_dash(tmp_path):
    result = run_wfctl("dedupe", "--write", "/dev/stdin", input=DUPES)
    assert result.returncode == 2 and "/dev/stdin: " in result.stderr and "regular file" in result.stderr
    assert os.path.islink("/dev/stdin") or not os.path.isfile("/dev/stdin")
    result = run("dedupe", "--write", "-", input=DUPES)
    assert result.exit_code == 2 and "standard input cannot be rewritten" in result.stderr
    result = run("dedupe", "-", input=DUPES)  # the preview works on stdin
    assert result.exit_code == 0 and "-            template: two\n+            template: one" in result.stdout


def test_write_keeps_symlink_mode_owner_and_setuid(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")
    real = write(tmp_path, DUPES, "real.yaml")
    os.chown(real, 1234, 2345)
    os.chmod(real, 0o6750)
    link = tmp_path / "wf.yaml"
    link.symlink_to("real.yaml")
    result = run("dedupe", "--write", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == "real.yaml"
    st = real.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1234, 2345, 0o6750)
    assert "name: two" not in real.read_text() and not leftovers(tmp_path)


def test_write_refuses_a_read_only_file(tmp_path):
    f = write(tmp_path, DUPES)
    os.chmod(f, 0o444)
    result = run("dedupe", "--write", str(f))
    assert result.exit_code == 2 and f"{f}: read-only file (mode 0444)" in result.stderr
    assert f.read_text() == DUPES and stat.S_IMODE(f.stat().st_mode) == 0o444
    assert run("dedupe", "--check", str(f)).exit_code == 1  # reading it is fine
    # a read-only file that does not change does not stop the others
    os.chmod(f, 0o644)
    other = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two").replace("hi", "bye"), "ro.yaml")
    os.chmod(other, 0o444)
    assert run("dedupe", "--write", str(tmp_path)).exit_code == 0 and "name: two" not in f.read_text()


def test_write_keeps_an_edit_made_meanwhile(tmp_path, monkeypatch):
    from wfctl import writer

    f = write(tmp_path, DUPES)
    edited = DUPES + "# added by a colleague\n"

    def edit(stage, _path):
        if stage == "prepared":
            f.write_text(edited)

    monkeypatch.setattr(writer, "_test_hook", edit)
    result = run("dedupe", "--write", str(f))
    assert result.exit_code == 2 and f"{f}: changed on disk since wfctl read it" in result.stderr
    assert f.read_text() == edited and not leftovers(tmp_path)


def _extract_setup(tmp_path):
    shared = "    - name: hello\n      container:\n        image: busybox:1.36\n        command: [echo, hello]\n"
    files = []
    for n in ("a", "b"):
        d = tmp_path / n
        d.mkdir()
        text = HEAD.replace("template: one", "template: hello").replace("template: two", "template: hello")
        files.append(write(d, text.replace("d-", f"{n}-") + shared, f"{n}.yaml"))
    return files


def test_extract_is_all_or_nothing(tmp_path, monkeypatch):
    a, b = _extract_setup(tmp_path)
    before = [a.read_text(), b.read_text()]
    out = tmp_path / "common.yaml"
    real_open = os.open

    def refuse_in_b(path, flags, *args, **kwargs):
        if os.path.dirname(path) == str(b.parent) and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse_in_b)
    result = run("dedupe", "--write", "--extract-to", str(out), "--name", "common", str(a), str(b))
    monkeypatch.undo()
    assert (
        result.exit_code == 2
        and f"{b}: cannot create a file in" in result.stderr
        and "permission denied" in result.stderr
    )
    assert [a.read_text(), b.read_text()] == before and not out.exists()
    assert not leftovers(tmp_path, a.parent, b.parent)
    # and with nothing in the way, all three files are written
    result = run("dedupe", "--write", "--extract-to", str(out), "--name", "common", str(a), str(b))
    assert result.exit_code == 0 and out.exists() and "templateRef" in a.read_text() and "templateRef" in b.read_text()


def test_extract_to_a_missing_directory(tmp_path):
    a, b = _extract_setup(tmp_path)
    for args in (["--write"], []):
        result = run("dedupe", *args, "--extract-to", str(tmp_path / "nodir" / "x.yaml"), "--name", "c", str(a), str(b))
        assert (
            result.exit_code == 2 and "nodir does not exist" in result.stderr and "internal error" not in result.stderr
        )
    assert "templateRef" not in a.read_text()


def test_cr_only_line_endings(tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_bytes(DUPES.replace("\n", "\r").encode())
    result = run("dedupe", "--write", str(f))  # the old code: internal error: IndexError
    assert result.exit_code == 0, result.stderr
    data = f.read_bytes()
    assert b"name: two" not in data and b"\n" not in data and b"template: one\r" in data
    assert data.decode().replace("\r", "\n") == dedupe_text("wf.yaml", DUPES).after_text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF8, "utf-8")],
)
def test_bom_encodings_are_read_and_kept(tmp_path, bom, codec):
    f = tmp_path / "wf.yaml"
    f.write_bytes(bom + DUPES.encode(codec))
    code, payload, result = dedupe_json("--write", f)  # the old code: a raw codec error for UTF-16
    assert code == 0, result.stderr
    assert payload["files"][0]["bytes_before"] == len(bom + DUPES.encode(codec))
    expected = dedupe_text("wf.yaml", DUPES).after_text
    assert f.read_bytes() == bom + expected.encode(codec)  # same encoding, BOM kept


def test_undecodable_and_over_size_files_are_clean_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # a lone surrogate
    good = write(tmp_path, DUPES)
    result = run("dedupe", str(bad), str(good))
    assert result.exit_code == 2 and f"{bad}:1:1: error WF012 file is not valid UTF-16-LE" in result.stderr
    assert "good" not in result.stderr and "Workflow/d-: two -> one" in result.stdout  # the other file is reported
    assert "bad.yaml" not in result.stdout and "would rewrite 1 of 1 files" in result.stdout  # not "0 -> 0"
    result = run("dedupe", "--max-file-size", "100", str(good))
    assert result.exit_code == 2 and "over the 100-byte limit (--max-file-size)" in result.stderr
    assert run("dedupe", "--max-file-size", "lots", str(good)).exit_code == 2


SIGNAL_RUN = """
import sys, time
from pathlib import Path
from wfctl import writer
from wfctl.cli import main

marker = Path(sys.argv[1])
def block(stage, path):
    if stage == "prepared":
        marker.write_text("ready")
        time.sleep(120)
writer._test_hook = block
main(sys.argv[2:])
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signals_during_write_leave_no_temp_files(tmp_path, signum):
    a, b = _extract_setup(tmp_path)
    before = [a.read_text(), b.read_text()]
    marker, out = tmp_path / "ready", tmp_path / "common.yaml"
    args = ["dedupe", "--write", "--extract-to", out, "--name", "common", a, b]
    proc = subprocess.Popen(
        [sys.executable, "-c", SIGNAL_RUN, marker, *args], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        assert len(leftovers(tmp_path, a.parent, b.parent)) == 3
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    if signum == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGTERM
    assert not leftovers(tmp_path, a.parent, b.parent)
    assert [a.read_text(), b.read_text()] == before and not out.exists()


def test_immutable_file_stops_the_whole_write(tmp_path):
    a = write(tmp_path, DUPES, "a.yaml")
    b = write(tmp_path, DUPES, "b.yaml")
    if subprocess.run(["chattr", "+i", str(b)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        result = run("dedupe", "--write", str(a), str(b))
    finally:
        subprocess.run(["chattr", "-i", str(b)], check=True)
    assert result.exit_code == 2 and f"{b}: immutable file (chattr +i)" in result.stderr
    assert a.read_text() == DUPES and b.read_text() == DUPES and not leftovers(tmp_path)


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_line_breaks_are_counted_as_the_parser_counts_them(newline):
    from wfctl.dedupe.rewrite import line_starts

    assert line_starts("a\rb\r\nc\nd\u2028e") == [0, 2, 5, 7, 9]
    report = dedupe_text("wf.yaml", DUPES.replace("\n", newline))
    assert report.error is None and report.merged == {"Workflow/d-": {"two": "one"}}
    assert report.after_text == dedupe_text("wf.yaml", DUPES).after_text.replace("\n", newline)


def test_size_limit_comes_from_the_configuration_too(tmp_path, monkeypatch):
    f = write(tmp_path, DUPES)
    (tmp_path / ".wfctl.yaml").write_text("max-file-size: 100\n")
    monkeypatch.chdir(tmp_path)
    result = run("dedupe", "--write", "wf.yaml")
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr
        == "wf.yaml:1:1: error WF014 file is 409 bytes, over the 100-byte limit (--max-file-size); not read\n"
    )
    assert f.read_text() == DUPES
    assert run("dedupe", "--max-file-size", "1MB", "--write", "wf.yaml").exit_code == 0  # the flag wins
    assert "name: two" not in f.read_text()


def test_the_same_file_named_twice_is_handled_once(tmp_path):
    """Before: `--write DIR` failed (exit 2, nothing written) whenever DIR held a symlink to a sibling file,
    and so did `--write a.yaml a/../a.yaml` or a directory plus a file in it (pre-commit passes both).
    Discovery takes each file once (by device and inode), under the first name it was found by."""
    d = tmp_path / "d"
    d.mkdir()
    real = write(d, DUPES, "real.yaml")
    (d / "link.yaml").symlink_to("real.yaml")
    result = run("dedupe", "--write", str(d))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("templates 3 -> 2") == 2  # one file (its line and the total), not two
    assert "rewrote 1 of 1 files" in result.stdout and "name: two" not in real.read_text()
    assert (d / "link.yaml").is_symlink() and not leftovers(d)
    other = write(tmp_path, DUPES, "other.yaml")
    code, payload, result = dedupe_json("--write", other, tmp_path / "d" / ".." / "other.yaml", tmp_path)
    assert code == 0, result.stderr
    assert [f["file"] for f in payload["files"]] == [str(other), str(d / "link.yaml")]
    assert "name: two" not in other.read_text()


def test_extract_to_a_directory_name_or_under_a_file_is_refused(tmp_path):
    a, b = _extract_setup(tmp_path)
    for target, message in (
        (f"{tmp_path}/new/", "names a directory; give the new file's name"),
        (f"{a}/x.yaml", f"{a}/x.yaml: {a} is not a directory"),
    ):
        result = run("dedupe", "--write", "--extract-to", target, "--name", "c", str(a), str(b))
        assert result.exit_code == 2 and message in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"] and "templateRef" not in a.read_text()


def test_a_file_replaced_by_a_directory_meanwhile_is_left_alone(tmp_path, monkeypatch):
    from wfctl import writer

    a, b = write(tmp_path, DUPES, "a.yaml"), write(tmp_path, DUPES, "b.yaml")

    def swap(stage, _path):
        if stage == "prepared":
            b.unlink()
            b.mkdir()

    monkeypatch.setattr(writer, "_test_hook", swap)
    result = run("dedupe", "--write", str(a), str(b))
    assert result.exit_code == 2 and f"{b}: is now a directory" in result.stderr
    assert a.read_text() == DUPES and b.is_dir() and not leftovers(tmp_path)


def test_temporary_files_a_kill_9_left_are_ignored(tmp_path):
    """kill -9 cannot be caught: it may leave `.NAME.XXXXXXXX.wfctl-tmp` files. No later run reads them."""
    from wfctl.writer import temp_name

    f = write(tmp_path, DUPES)
    left = tmp_path / temp_name("wf.yaml")
    left.write_text(DUPES[:100])  # half-written, as a kill leaves it: not valid YAML on its own
    assert left.name.startswith(".wf.yaml.") and left.name.endswith(".wfctl-tmp")
    result = run("dedupe", "--write", str(tmp_path))
    assert result.exit_code == 0 and "rewrote 1 of 1 files" in result.stdout and "wfctl-tmp" not in result.output
    assert run("validate", "--no-default-excludes", str(tmp_path)).exit_code == 0
    assert "name: two" not in f.read_text() and left.read_text() == DUPES[:100]


def test_odd_file_names_are_escaped_in_every_message(tmp_path):
    """Before: a newline in a name split the report and the error line; a non-UTF-8 byte came out as
    `\\udcff`. Now both are escaped as every other command escapes them (`\\x0a`, `\\xff`)."""
    odd = os.fsencode(tmp_path) + b"/new\nline\xff.yaml"
    with open(odd, "wb") as fh:
        fh.write(DUPES.encode())
    shown = f"{tmp_path}/new\\x0aline\\xff.yaml"
    out = run_wfctl("dedupe", tmp_path)
    assert out.returncode == 0 and f"{shown}: templates 3 -> 2" in out.stdout and f"+++ b{shown}" in out.stdout
    os.chmod(odd, 0o444)
    out = run_wfctl("dedupe", "--write", tmp_path)
    assert (
        out.returncode == 2
        and out.stderr == f"wfctl: error: {shown}: read-only file (mode 0444); not rewritten (chmod u+w to allow it)\n"
    )


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("capsh"), reason="needs root and capsh")
def test_setgid_that_cannot_be_kept_is_refused(tmp_path):
    """Root without CAP_FSETID (as in many containers): chmod silently drops setgid on a file of a group it
    is not in. Before, the file came back 4754 instead of 6754, exit 0; now it is refused, untouched."""
    f = write(tmp_path, DUPES)
    os.chown(f, 1234, 2345)
    os.chmod(f, 0o6754)
    wfctl = [sys.executable, "-m", "wfctl", "dedupe", "--write", str(f)]
    result = subprocess.run(
        ["capsh", "--drop=cap_fsetid", "--", "-c", 'exec "$@"', "-", *wfctl],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert f"{f}: cannot keep its mode 6754 (the system gives the new file 4754); not rewritten" in result.stderr
    assert f.read_text() == DUPES and stat.S_IMODE(f.stat().st_mode) == 0o6754 and not leftovers(tmp_path)


def test_a_file_in_a_read_only_directory_is_refused(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    f = write(d, DUPES)
    os.chmod(d, 0o555)
    wfctl = [sys.executable, "-m", "wfctl", "dedupe", "--write", str(f)]
    if os.geteuid() == 0:  # root writes anywhere: drop the capability that lets it
        if not shutil.which("capsh"):
            pytest.skip("running as root without capsh")
        wfctl = ["capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", 'exec "$@"', "-", *wfctl]
    try:
        result = subprocess.run(wfctl, cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        os.chmod(d, 0o755)
    assert result.returncode == 2, result.stderr
    assert f"{f}: directory {d} is not writable (the new file is written next to the old one)" in result.stderr
    assert f.read_text() == DUPES and sorted(p.name for p in d.iterdir()) == ["wf.yaml"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_report_that_cannot_be_written_says_what_happened_to_the_files(tmp_path):
    """Before: `wfctl dedupe --write F > /dev/full` said "internal error: OSError(28...)" with F rewritten."""
    f = write(tmp_path, DUPES)
    for args, said in ((["--write"], "; the files were rewritten\n"), ([], "\n")):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "wfctl", "dedupe", *args, str(f)],
                cwd=ROOT,
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
        assert result.returncode == 2
        assert result.stderr == f"wfctl: error: cannot write the report: no space left on device{said}"
    assert "name: two" not in f.read_text()
    f.write_text(DUPES)
    wfctl = [sys.executable, "-m", "wfctl", "dedupe", "--write", str(f)]
    result = subprocess.run(  # stdout closed (`>&-`): before, "internal error: AttributeError"
        ["sh", "-c", 'exec "$@" >&-', "-", *wfctl], cwd=ROOT, stderr=subprocess.PIPE, text=True, timeout=120
    )
    # refused before anything is done: no command runs with nowhere to report what it did
    assert result.returncode == 2 and result.stderr == "wfctl: error: standard output is closed\n"
    assert f.read_text() == DUPES
