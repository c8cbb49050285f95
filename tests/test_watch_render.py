"""Unit tests of the watch state machine and display: node tree, durations, failing nodes, one line
per workflow (TTY redrawn in place, logs appended on change), the final report, duration flags."""

from __future__ import annotations

import io

import click
import pytest

from wfctl.cli.watchcmd import parse_duration
from wfctl.kube.watchstate import WatchSet
from wfctl.kube.watchview import WatchView, duration, failed_nodes, node_lines, workflow_line

WF = {
    "metadata": {"name": "w"},
    "status": {
        "phase": "Failed",
        "nodes": {
            "w": {
                "id": "w",
                "name": "w",
                "displayName": "w",
                "type": "Steps",
                "phase": "Failed",
                "startedAt": "2026-01-01T00:00:00Z",
                "finishedAt": "2026-01-01T00:01:05Z",
                "children": ["g"],
            },
            "g": {"id": "g", "name": "w[0]", "type": "StepGroup", "phase": "Failed", "children": ["a", "b"]},
            "a": {
                "id": "a",
                "name": "w[0].a",
                "displayName": "a",
                "type": "Pod",
                "phase": "Succeeded",
                "startedAt": "2026-01-01T00:00:00Z",
                "finishedAt": "2026-01-01T00:00:03Z",
            },
            "b": {
                "id": "b",
                "name": "w[0].b",
                "displayName": "b",
                "type": "Pod",
                "phase": "Failed",
                "startedAt": "2026-01-01T00:00:00Z",
                "finishedAt": "2026-01-01T00:01:05Z",
                "message": "exit code 3",
            },
        },
    },
}


def test_node_tree_hides_groups_and_shows_phase_duration_message():
    assert node_lines(WF, unicode=True, color=False) == ["✖ w  1m05s", "  ✔ a  3s", "  ✖ b  1m05s  exit code 3"]
    assert node_lines(WF, unicode=False, color=False)[1] == "  + a  3s"


def test_failed_nodes_are_the_failing_leaves():
    assert failed_nodes(WF) == [("b", "exit code 3")]


def test_duration():
    assert duration("2026-01-01T00:00:00Z", "2026-01-01T02:03:00Z") == "2h03m"
    assert duration(None, None) == ""


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("30s", 30), ("5m", 300), ("1h30m", 5400), ("1.5", 1.5)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_parse_duration_rejects_garbage():
    with pytest.raises(click.BadParameter):
        parse_duration("soon")


# ------------------------------------------------------------------ many workflows: state and display


def wf(name: str, phase: str | None = None, progress: str | None = None, message: str | None = None) -> dict:
    status = {k: v for k, v in {"phase": phase, "progress": progress, "message": message}.items() if v}
    return {"metadata": {"name": name, "namespace": "argo"}, "status": status}


def test_watch_set_outcomes_are_final_and_ordered():
    s = WatchSet([("argo", "a"), ("argo", "b"), ("other", "c")])
    assert s.namespaces() == ["argo", "other"] and s.names_in("argo") == ["a", "b"]
    assert s.observe("argo", wf("a", "Running", "0/2")).phase == "Running"
    assert s.observe("argo", wf("zzz", "Failed")) is None  # not ours
    assert s.observe("argo", wf("a", "Succeeded", "2/2")).outcome == "Succeeded"
    assert s.observe("argo", wf("a", "Failed")) is None  # decided: later events change nothing
    assert [t.name for t in s.unfinished()] == ["b", "c"] and not s.done()
    assert s.exit_code() == 0 and s.exit_code(timed_out=True) == 4
    s.observe("argo", wf("b", "Error", message="pod deleted"))
    assert [t.name for t in s.failures()] == ["b"] and s.exit_code() == 1
    assert s.exit_code(timed_out=True) == 4  # c is still unfinished: timeout is the worst outcome
    s.api_error("other", "forbidden")
    assert s.done() and s.exit_code() == 3 and s.exit_code(timed_out=True) == 3
    assert s.counts() == {"Succeeded": 1, "Error": 1, "APIError": 1}


def test_watch_set_deleted_and_resync_after_410():
    s = WatchSet([("argo", "a"), ("argo", "b"), ("argo", "c")])
    assert s.deleted("argo", "a").outcome == "Deleted"
    assert s.deleted("argo", "a") is None
    changed = s.resync("argo", [wf("b", "Succeeded"), wf("unrelated", "Running")])
    assert {t.name: t.outcome for t in changed} == {"b": "Succeeded", "c": "Deleted"}
    assert s.done() and s.exit_code() == 1


def test_workflow_line_has_symbol_name_phase_progress_duration_message():
    from wfctl.kube.watchstate import Tracked

    t = Tracked("argo", "build")
    t.wf = {
        "metadata": {"name": "build"},
        "status": {
            "phase": "Failed",
            "progress": "1/2",
            "startedAt": "2026-01-01T00:00:00Z",
            "finishedAt": "2026-01-01T00:01:05Z",
            "message": "child failed",
        },
    }
    assert workflow_line(t, unicode=True, color=False) == "✖ build  Failed  progress 1/2  1m05s  child failed"
    assert workflow_line(t, unicode=False, color=False, name_width=8, phase_width=9).startswith(
        "x build     Failed     "
    )
    assert "\x1b[31m" in workflow_line(t, unicode=True, color=True)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_display_appends_a_line_only_when_a_workflow_changes():
    s = WatchSet([("argo", "a"), ("argo", "b")])
    out = io.StringIO()
    view = WatchView(s, out, tty=False)
    view.update()
    assert out.getvalue().splitlines() == ["◷ a  Pending", "◷ b  Pending"]
    view.update([s.observe("argo", wf("a", "Running", "0/1"))])
    view.update([s.observe("argo", wf("a", "Running", "0/1"))])  # same line: nothing new
    view.tick()  # time passing writes nothing to a log
    view.update([s.observe("argo", wf("b", "Failed", message="boom"))])
    assert out.getvalue().splitlines()[2:] == ["● a  Running    progress 0/1", "✖ b  Failed     boom"]
    assert "\x1b[" not in out.getvalue()
    view.final()
    tail = out.getvalue().splitlines()[4:]
    assert tail == ["2 workflows: 1 Running, 1 Failed", "workflow b Failed: boom"]


def test_tty_display_redraws_in_place_and_fits_the_screen():
    s = WatchSet([("argo", f"w{i:02d}") for i in range(30)])
    out = Tty()
    view = WatchView(s, out, tty=True, height=10)
    view.update()
    first = out.getvalue()
    assert "\x1b[" not in first and first.splitlines()[0] == "30 workflows: 30 Pending"
    assert len(first.splitlines()) <= 9 and first.splitlines()[-1] == "... and 23 more"
    for i in range(29):
        s.observe("argo", wf(f"w{i:02d}", "Succeeded"))
    s.observe("argo", wf("w29", "Failed", message="boom"))
    view.update()
    frame = out.getvalue()[len(first) :]
    assert frame.startswith(f"\x1b[{len(first.splitlines())}F\x1b[J")  # cursor up over the last frame, clear
    lines = frame.split("\x1b[J", 1)[1].splitlines()
    assert lines[0] == "30 workflows: 29 Succeeded, 1 Failed" and lines[1].startswith("✖ w29")
    assert lines[-1] == "... and 29 more"


def test_tty_display_of_a_few_shows_every_line_and_ticks():
    s = WatchSet([("argo", "a"), ("argo", "bb")])
    out = Tty()
    view = WatchView(s, out, tty=True, height=40)
    view.update()
    assert out.getvalue() == "◷ a   Pending\n◷ bb  Pending\n"  # names and phases in columns
    view.tick()
    assert out.getvalue().endswith("\x1b[2F\x1b[J◷ a   Pending\n◷ bb  Pending\n")


def test_final_report_shows_the_node_tree_of_each_failure():
    s = WatchSet([("argo", "w"), ("argo", "ok")])
    s.observe("argo", WF | {"metadata": {"name": "w"}})
    s.observe("argo", wf("ok", "Succeeded"))
    out = io.StringIO()
    WatchView(s, out).final()
    assert out.getvalue().splitlines() == [
        "2 workflows: 1 Succeeded, 1 Failed",
        "workflow w Failed",
        "  ✖ w  1m05s",
        "    ✔ a  3s",
        "    ✖ b  1m05s  exit code 3",
        "  failed: b: exit code 3",
    ]


def test_tty_lines_never_wrap():
    s = WatchSet([("argo", "a"), ("argo", "b")])
    s.observe("argo", wf("a", "Failed", message="x" * 300))
    out = Tty()
    WatchView(s, out, tty=True, color=True, height=40, width=40).update()
    first, second = out.getvalue().splitlines()
    assert first == "✖ a  Failed     " + "x" * 22 + "…" and len(first) == 39
    assert second.startswith("\x1b[2m◷\x1b[0m b  ")  # short lines keep their colours
