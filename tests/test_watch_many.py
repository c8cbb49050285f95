"""Watching many workflows at once against the in-process API server: one list and one watch per
namespace, different finishing orders, a failure, --timeout for the whole set, --fail-fast, a cut
stream, 410 Gone with a deletion in between, API errors, label selectors, `apply --watch`, logs."""

from __future__ import annotations

import contextlib
import io
import threading
import time

import pytest
from click.testing import CliRunner

from tests.conftest import run
from tests.kubeserver import Blackhole, KubeServer, kubeconfig_text, query
from wfctl.cli.watchcmd import watch as watch_command

STARTED = "2026-01-01T00:00:00Z"


def watch(*args: str):
    """`wfctl watch ...` through the click command."""
    return CliRunner().invoke(watch_command, list(args), catch_exceptions=False)


def nodes(name: str, phase: str, message: str = "") -> dict:
    return {
        name: {"id": name, "name": name, "displayName": name, "type": "Steps", "phase": phase, "children": ["s"]},
        "s": {"id": "s", "name": f"{name}[0].step", "displayName": "step", "type": "Pod", "phase": phase}
        | ({"message": message} if message else {}),
    }


def first_watch(server: KubeServer) -> None:
    """Until wfctl's first watch request reached `server`: changes made earlier would be in its list, not
    events on its watch (on a loaded machine wfctl may take longer to start than any fixed delay)."""
    limit = time.monotonic() + 60
    while not server.watches() and time.monotonic() < limit:
        time.sleep(0.01)


def set_phase(server: KubeServer, name: str, phase: str, message: str = "") -> None:
    """Play Argo's controller once: `name` is now in `phase`."""
    finished = phase in ("Succeeded", "Failed", "Error")
    server.set_status(
        name,
        {
            "phase": phase,
            "startedAt": STARTED,
            "progress": "1/1" if finished else "0/1",
            **({"finishedAt": "2026-01-01T00:00:30Z"} if finished else {}),
            **({"message": message} if message else {}),
            "nodes": nodes(name, phase, message),
        },
    )


def play(server: KubeServer, script: list[tuple[float, str, str, str]]) -> threading.Thread:
    """Play Argo's controller: at each time (seconds after wfctl's first watch request), set a
    workflow's phase."""

    def go() -> None:
        first_watch(server)
        begin = time.monotonic()
        for at, name, phase, message in script:
            time.sleep(max(0.0, begin + at - time.monotonic()))
            set_phase(server, name, phase, message)

    t = threading.Thread(target=go, daemon=True)
    t.start()
    return t


def test_several_workflows_finish_in_any_order_over_one_watch(kube):
    names = [f"wf-{i}" for i in range(6)]
    for n in names:
        kube.create_workflow(n)
    kube.create_workflow("someone-elses")  # same namespace, not watched: its events are ignored
    script = [(0.2, n, "Running", "") for n in names] + [(0.2, "someone-elses", "Failed", "not ours")]
    order = ["wf-3", "wf-0", "wf-5", "wf-1", "wf-4"]
    script += [(0.5 + 0.1 * i, n, "Succeeded", "") for i, n in enumerate(order)]
    script += [(1.2, "wf-2", "Failed", "exit code 2")]
    play(kube, script)
    result = watch(*names, "--timeout", "20s")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    finished = [line.split()[1] for line in lines if line.startswith("✔ ")]
    assert finished == order  # a line appended as each one finished, in the order they finished
    assert lines[:6] == [f"◷ {n}  Pending" for n in names]
    assert "6 workflows: 5 Succeeded, 1 Failed" in lines
    tail = lines[lines.index("6 workflows: 5 Succeeded, 1 Failed") + 1 :]
    assert tail == [
        "workflow wf-2 Failed: exit code 2",
        "  ✖ wf-2",
        "    ✖ step  exit code 2",
        "  failed: step: exit code 2",
    ]
    assert "someone-elses" not in result.stdout
    assert len(kube.watches()) == 1 and len(kube.lists()) == 1  # one list, one watch: not one per workflow


def test_success_is_exit_0_and_each_change_is_one_line(kube):
    for n in ("a", "b"):
        kube.create_workflow(n)
    play(kube, [(0.2, "a", "Running", ""), (0.3, "b", "Succeeded", ""), (0.4, "a", "Succeeded", "")])
    result = watch("a", "b", "--timeout", "20s")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["◷ a  Pending", "◷ b  Pending"]
    assert lines[2].startswith("● a  Running    progress 0/1  ")  # still running: its duration so far
    assert lines[3:] == [
        "✔ b  Succeeded  progress 1/1  30s",
        "✔ a  Succeeded  progress 1/1  30s",
        "2 workflows: 2 Succeeded",
    ]


def test_timeout_bounds_the_whole_set(kube):
    names = [f"slow-{i:02d}" for i in range(50)]
    for n in names:
        kube.create_workflow(n)
    start = time.monotonic()
    result = watch(*names, "--timeout", "2s")
    took = time.monotonic() - start
    assert result.exit_code == 4, result.output
    assert took < 15, took  # one timeout for all 50, not 50 in a row (that would be 100 s)
    assert "timeout reached: 50 workflows still running: slow-00, slow-01" in result.stdout
    assert len(kube.watches()) == 1


def test_timeout_with_a_failure_is_still_exit_4_and_stop_on_timeout_stops_the_rest(kube):
    for n in ("a", "b", "c"):
        kube.create_workflow(n)
    # finished before the watch: played during it, a slow start-up could leave them for after the 1.5 s
    set_phase(kube, "a", "Failed", "boom")
    set_phase(kube, "b", "Succeeded")
    result = watch("a", "b", "c", "--timeout", "1.5s", "--stop-on-timeout")
    assert result.exit_code == 4, result.output  # the worst outcome wins
    assert "workflow a Failed: boom" in result.stdout
    assert "timeout reached: 1 workflow still running (asked to stop): c" in result.stdout
    assert kube.get("workflows", "c")["spec"]["shutdown"] == "Stop"
    assert "shutdown" not in kube.get("workflows", "a")["spec"]


def test_fail_fast_stops_at_the_first_failure_and_leaves_the_others_running(kube):
    for n in ("a", "b", "c"):
        kube.create_workflow(n)
    play(kube, [(0.2, "a", "Running", ""), (0.2, "b", "Running", ""), (0.4, "b", "Error", "pod deleted")])
    start = time.monotonic()
    result = watch("a", "b", "c", "--fail-fast", "--timeout", "20s")
    assert result.exit_code == 1, result.output
    assert time.monotonic() - start < 12  # well before the 20 s timeout
    assert "workflow b Error: pod deleted" in result.stdout
    assert "stopped watching at the first failure (--fail-fast); 2 workflows still running: a, c" in result.stdout
    assert all("shutdown" not in kube.get("workflows", n)["spec"] for n in ("a", "c"))


def test_a_cut_stream_resumes_from_the_last_version(kube):
    names = ["a", "b", "c", "d"]
    for n in names:
        kube.create_workflow(n)
    kube.state.cut_watch_after = 2
    play(kube, [(0.2 + 0.05 * i, n, "Succeeded", "") for i, n in enumerate(names)])
    result = watch(*names, "--timeout", "20s")
    assert result.exit_code == 0, result.output
    assert "4 workflows: 4 Succeeded" in result.stdout
    watches = kube.watches()
    assert len(watches) >= 2
    first, second = int(query(watches[0])["resourceVersion"]), int(query(watches[1])["resourceVersion"])
    assert second > first  # resumed where the cut stream left off, not from the start
    assert len(kube.lists()) == 1  # no relist needed


def test_410_gone_relists_and_notices_a_deletion_in_between(kube):
    for n in ("a", "b", "c"):
        kube.create_workflow(n)
    kube.state.cut_watch_after = 1

    def away() -> None:
        first_watch(kube)
        time.sleep(0.3)
        with kube.state.lock:  # one event (the stream is cut after it), a deletion, then history is forgotten
            kube.set_status("a", {"phase": "Running"})
            kube.delete_object("workflows", "b")
            kube.compact()
        time.sleep(1.2)
        kube.set_status("a", {"phase": "Succeeded"})
        kube.set_status("c", {"phase": "Succeeded"})

    threading.Thread(target=away, daemon=True).start()
    result = watch("a", "b", "c", "--timeout", "20s")
    assert result.exit_code == 1, result.output
    assert "workflow b was deleted while being watched" in result.stdout
    assert "3 workflows: 2 Succeeded, 1 Deleted" in result.stdout
    assert len(kube.lists()) == 2  # the start, and the relist after 410


def test_a_refused_watch_is_exit_3_with_the_api_message(kube):
    for n in ("a", "b"):
        kube.create_workflow(n)
    kube.state.error_next_watch = 403
    start = time.monotonic()
    result = watch("a", "b", "--timeout", "20s")
    assert result.exit_code == 3, result.output
    assert "injected watch error (HTTP 403)" in result.stderr
    assert time.monotonic() - start < 12  # refused is final: not retried until the 20 s timeout


def test_a_watch_forbidden_after_the_list_is_not_retried(kube):
    for n in ("a", "b"):
        kube.create_workflow(n)

    def forbid() -> None:
        while not kube.watches():
            time.sleep(0.02)
        kube.state.fail_next = [403]  # allowed to list, not to watch: the reconnect is refused
        kube.state.cut_watch_after = 1
        kube.set_status("a", {"phase": "Running"})

    threading.Thread(target=forbid, daemon=True).start()
    start = time.monotonic()
    result = watch("a", "b", "--timeout", "30s")
    assert result.exit_code == 3, result.output
    assert "injected failure (HTTP 403)" in result.stderr
    assert time.monotonic() - start < 15  # well before the 30 s timeout
    assert "? a  APIError   API error" in result.stdout and "? b  APIError   API error" in result.stdout


def test_transient_errors_are_retried(kube):
    for n in ("a", "b"):
        kube.create_workflow(n)
    kube.state.fail_next = [500, 503]
    play(kube, [(0.3, "a", "Succeeded", ""), (0.3, "b", "Succeeded", "")])
    result = watch("a", "b", "--timeout", "20s")
    assert result.exit_code == 0, result.output
    assert kube.state.fail_next == []  # both failures were served, then retried
    lines = result.stdout.splitlines()
    assert lines[:2] == ["◷ a  Pending", "◷ b  Pending"]
    assert sorted(lines[2:4]) == ["✔ a  Succeeded  progress 1/1  30s", "✔ b  Succeeded  progress 1/1  30s"]
    assert lines[4:] == ["2 workflows: 2 Succeeded"]
    assert "APIError" not in result.output and result.stderr == ""  # retried quietly


def test_label_selector_watches_what_matches(kube):
    for i in range(4):
        kube.create_workflow(f"etl-{i}", labels={"app": "etl", "run": str(i)})
    kube.create_workflow("web-0", labels={"app": "web"})
    play(kube, [(0.2, "web-0", "Failed", "")] + [(0.3, f"etl-{i}", "Succeeded", "") for i in range(4)])
    result = watch("-l", "app in (etl),run!=9", "--timeout", "20s")
    assert result.exit_code == 0, result.output
    assert "4 workflows: 4 Succeeded" in result.stdout and "web-0" not in result.stdout
    (path,) = kube.watches()
    assert query(path)["labelSelector"] == "app in (etl),run!=9"


def test_field_selector_for_a_single_name(kube):
    kube.create_workflow("only")
    play(kube, [(0.2, "only", "Succeeded", "")])
    assert watch("only", "--timeout", "20s").exit_code == 0
    (path,) = kube.watches()
    assert query(path)["fieldSelector"] == "metadata.name=only"


def test_usage_errors(kube):
    kube.create_workflow("a", labels={"app": "x"})
    assert watch().exit_code == 2
    assert watch("a", "-l", "app=x").exit_code == 2
    result = watch("-l", "app in (x")
    assert result.exit_code == 2 and "-l/--selector" in result.output
    result = watch("-l", "app=nothing")
    assert result.exit_code == 2 and "no Workflow in namespace 'argo' matches" in result.stderr
    assert kube.watches() == []


def test_missing_workflows_are_named(kube):
    kube.create_workflow("a")
    result = watch("a", "nope", "gone")
    assert result.exit_code == 3 and "workflow 'nope', 'gone' not found in namespace 'argo'" in result.stderr


def test_timeout_holds_against_a_server_that_never_answers(tmp_path, monkeypatch):
    hole = Blackhole()
    path = tmp_path / "kubeconfig"
    path.write_text(kubeconfig_text(hole.url()))
    monkeypatch.setenv("KUBECONFIG", str(path))
    try:
        start = time.monotonic()
        result = watch("a", "b", "c", "--timeout", "2s")
        assert result.exit_code == 4 and "no answer from the API server" in result.stdout, result.output
        assert time.monotonic() - start < 15
    finally:
        hole.stop()


def test_timeout_holds_against_a_silent_stream(kube):
    for n in ("a", "b"):
        kube.create_workflow(n)
    kube.state.stall_watch = True
    start = time.monotonic()
    result = watch("a", "b", "--timeout", "2s")
    assert result.exit_code == 4 and "2 workflows still running" in result.stdout, result.output
    assert time.monotonic() - start < 15


def test_several_namespaces_get_one_watch_each(kube, tmp_path):
    from wfctl.kube.client import Connection, Kube
    from wfctl.kube.watch import MultiWatcher

    for ns in ("argo", "team"):
        for i in range(3):
            kube.create_workflow(f"{ns}-{i}", ns=ns)
    script = [(0.2, f"argo-{i}", "Succeeded", "") for i in range(3)]
    play(kube, script)

    def team() -> None:
        first_watch(kube)
        time.sleep(0.4)
        for i in range(3):
            kube.set_status(f"team-{i}", {"phase": "Failed" if i == 1 else "Succeeded"}, ns="team")

    threading.Thread(target=team, daemon=True).start()
    out = io.StringIO()
    pairs = [(f"{ns}-{i}", ns) for ns in ("argo", "team") for i in range(3)]
    code = MultiWatcher(Kube(Connection()), pairs, out=out, timeout=20).run()
    assert code == 1, out.getvalue()
    assert "6 workflows: 5 Succeeded, 1 Failed" in out.getvalue() and "workflow team-1 Failed" in out.getvalue()
    assert sorted(p.split("/namespaces/")[1].split("/")[0] for p in kube.watches()) == ["argo", "team"]


def test_tty_redraws_every_workflow_in_place(kube):
    from wfctl.kube.client import Connection, Kube
    from wfctl.kube.watch import MultiWatcher

    for n in ("a", "b", "c"):
        kube.create_workflow(n)
    play(kube, [(0.2, "a", "Running", "")] + [(0.4, n, "Succeeded", "") for n in ("a", "b", "c")])
    out = io.StringIO()
    code = MultiWatcher(Kube(Connection()), [(n, "argo") for n in "abc"], out=out, tty=True, timeout=20).run()
    text = out.getvalue()
    assert code == 0 and "\x1b[3F\x1b[J" in text  # three lines, redrawn in place
    last = text.rsplit("\x1b[J", 1)[1].splitlines()
    assert last[:3] == [f"✔ {n}  Succeeded  progress 1/1  30s" for n in "abc"]


def test_logs_of_several_workflows_are_prefixed_by_workflow_and_node(kube):
    for n in ("a", "b"):
        kube.create_workflow(n)
    kube.add_pod("a-pod", "a", "a[0].step", ["from a"])
    kube.add_pod("b-pod", "b", "b[0].step", ["from b"])
    play(kube, [(1.8, "a", "Succeeded", ""), (1.8, "b", "Succeeded", "")])
    result = watch("a", "b", "--logs", "--timeout", "20s")
    assert result.exit_code == 0, result.output
    assert "a/step: from a" in result.stdout and "b/step: from b" in result.stdout


def test_ctrl_c_names_how_many_keep_running(kube):
    from wfctl.kube.client import Connection, Kube
    from wfctl.kube.watch import MultiWatcher

    for n in ("a", "b"):
        kube.create_workflow(n)
    out = io.StringIO()
    watcher = MultiWatcher(Kube(Connection()), [("a", "argo"), ("b", "argo")], out=out, timeout=20)

    def interrupt(*_args, **_kwargs):
        raise KeyboardInterrupt

    watcher.events.get = interrupt  # type: ignore[method-assign]
    assert watcher.run() == 130
    assert "stopped watching; 2 workflows keep running" in out.getvalue()


def test_apply_dir_watch_follows_every_workflow(kube, tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    for i in range(5):
        (folder / f"wf{i}.yaml").write_text(
            f"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: run-{i}\nspec:\n"
            "  entrypoint: main\n  templates:\n    - name: main\n      container: {image: 'busybox:1.36'}\n"
        )
    play(kube, [(0.8 + 0.05 * i, f"run-{i}", "Failed" if i == 3 else "Succeeded", "oops") for i in range(5)])
    result = run("apply", "-f", str(folder), "--watch", "--timeout", "20s")
    assert result.exit_code == 1, result.output
    assert "workflow run-3 Failed: oops" in result.stdout and "5 workflows: 4 Succeeded, 1 Failed" in result.stdout
    assert len(kube.watches()) == 1


def test_each_watch_request_ends_before_the_read_timeout(kube):
    kube.create_workflow("a")
    kube.create_workflow("b")
    result = watch("a", "b", "--request-timeout", "5s", "--timeout", "1.5s")
    assert result.exit_code == 4, result.output
    seconds = [int(query(p)["timeoutSeconds"]) for p in kube.watches()]
    assert seconds and all(s <= 2 for s in seconds)  # never past --timeout
    kube.state.requests.clear()
    kube.state.watch_timeout_cap = 0.3  # the server closes each stream early: wfctl simply asks again

    def finish() -> None:
        first_watch(kube)  # then long enough for several 0.3 s streams
        time.sleep(2.0)
        kube.set_status("a", {"phase": "Succeeded"})
        kube.set_status("b", {"phase": "Succeeded"})

    threading.Thread(target=finish, daemon=True).start()
    result = watch("a", "b", "--request-timeout", "5s")
    assert result.exit_code == 0, result.output
    seconds = [int(query(p)["timeoutSeconds"]) for p in kube.watches()]
    assert len(seconds) >= 2 and all(s == 3 for s in seconds)  # below --request-timeout, so a quiet stream is fine


def test_apply_watch_without_workflows_watches_nothing(kube, tmp_path):
    from tests.conftest import FIXTURES

    f = tmp_path / "template.yaml"
    f.write_text((FIXTURES / "examples" / "workflowtemplate.yaml").read_text().split("---")[0])
    result = run("apply", "-f", str(f), "--watch", "--timeout", "5s")
    assert result.exit_code == 0, result.output
    assert kube.watches() == [] and kube.lists() == []


def test_a_ctrl_c_that_python_swallowed_still_stops_the_watch(kube, monkeypatch):
    """SIGINT raises KeyboardInterrupt; when that lands where Python discards exceptions (a callback
    while an import is cleaned up: "Exception ignored in ..."), only wfctl's record of it is left. The
    watch loop looks at that record on every pass: it stops within a second, exit 130, not at --timeout."""
    from wfctl import interrupt

    kube.create_workflow("long")
    monkeypatch.setitem(interrupt._state, "interrupted", False)

    def swallowed() -> None:
        first_watch(kube)
        with contextlib.suppress(KeyboardInterrupt):  # where Python loses it
            interrupt._raise(2, None)  # what the SIGINT handler does

    threading.Thread(target=swallowed, daemon=True).start()
    start = time.monotonic()
    result = watch("long", "--timeout", "60s")
    assert result.exit_code == 130, result.output
    assert time.monotonic() - start < 15
    assert "stopped watching; workflow long keeps running" in result.output
    assert interrupt.was_interrupted()


def test_each_command_starts_with_no_interrupt_on_record(monkeypatch):
    from wfctl import interrupt

    monkeypatch.setitem(interrupt._state, "interrupted", True)
    monkeypatch.setattr(interrupt, "_set", lambda handler: None)  # leave this process's SIGINT handler alone
    interrupt.raise_on_interrupt()
    assert not interrupt.was_interrupted()
    interrupt.check()  # nothing on record: no KeyboardInterrupt
    interrupt._state["interrupted"] = True
    with pytest.raises(KeyboardInterrupt):
        interrupt.check()
