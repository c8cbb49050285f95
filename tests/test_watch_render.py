"""Unit tests of the watch display: node tree, durations, failing nodes, duration flags."""

from __future__ import annotations

import click
import pytest

from wfctl.cli.apply import parse_duration
from wfctl.kube.watch import duration, failed_nodes, node_lines

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
