"""Terminal decisions (wfctl.term): colour, and whether a line may be redrawn in place (progress, watch)."""

from __future__ import annotations

import io

import pytest

from wfctl import progress
from wfctl.term import redraws, use_color


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def plain_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("CI", "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return monkeypatch


def test_redraws_only_on_a_capable_terminal_outside_ci(plain_env: pytest.MonkeyPatch) -> None:
    assert redraws(Tty())
    assert not redraws(io.StringIO())  # a pipe or file
    plain_env.setenv("TERM", "dumb")  # Emacs shells and the like print escape codes as text
    assert not redraws(Tty())
    plain_env.setenv("TERM", "xterm")
    plain_env.setenv("CI", "true")
    assert not redraws(Tty())


def test_progress_and_colour_follow_term_dumb(plain_env: pytest.MonkeyPatch) -> None:
    assert progress.wanted(Tty(), quiet=False, output="text")
    assert use_color("auto", Tty())
    plain_env.setenv("TERM", "dumb")
    assert not progress.wanted(Tty(), quiet=False, output="text")
    assert not use_color("auto", Tty())
    assert use_color("always", Tty())  # asked for explicitly


def test_watch_appends_lines_on_a_dumb_terminal(plain_env: pytest.MonkeyPatch) -> None:
    """`wfctl watch` on TERM=dumb: the log display (a line per change), never cursor movement."""
    from wfctl.cli import watchcmd
    from wfctl.kube import watch as watch_mod

    seen: dict[str, bool] = {}

    class Recorder:
        def __init__(self, *args: object, tty: bool = False, **kwargs: object) -> None:
            seen["tty"] = tty

        def run(self) -> int:
            return 0

    plain_env.setattr(watch_mod, "MultiWatcher", Recorder)
    opts = {"timeout": None, "fail_fast": False, "logs": False}

    class Kube:
        namespace = "argo"

    plain_env.setenv("TERM", "dumb")
    assert watchcmd.watch_workflows(Kube(), [("w", "argo")], opts, Tty()) == 0
    assert seen["tty"] is False
    plain_env.setenv("TERM", "xterm")
    assert watchcmd.watch_workflows(Kube(), [("w", "argo")], opts, Tty()) == 0
    assert seen["tty"] is True
