"""Ctrl-C at any moment gives exit 130 and one line, never a traceback.

While Python imports wfctl (before a command runs) and after the command has finished, SIGINT ends
the process at once with 130. While a command runs, SIGINT raises KeyboardInterrupt as usual, so that
the command can clean up (temporary files, "stopped watching") before the entry point maps it to 130.
Imported first by the `wfctl` package, so it imports only what Python has already loaded.
"""

from __future__ import annotations

import _signal  # the C module: `signal` would import enum first, a slow start-up window
import os
import sys

EXIT_INTERRUPTED = 130
_state = {"cli": False, "interrupted": False}


def _exit_now(_signum: int, _frame: object) -> None:
    try:
        os.write(2, b"wfctl: interrupted\n")
    finally:
        os._exit(EXIT_INTERRUPTED)


def _set(handler: object) -> None:
    try:  # noqa: SIM105 - contextlib may not be imported yet this early
        _signal.signal(_signal.SIGINT, handler)  # type: ignore[arg-type]
    except (ValueError, OSError):  # not the main thread
        pass


def exit_on_interrupt() -> None:
    """Outside a command: SIGINT exits with 130 immediately."""
    _set(_exit_now)


def _raise(_signum: int, _frame: object) -> None:
    _state["interrupted"] = True
    raise KeyboardInterrupt


def raise_on_interrupt() -> None:
    """Inside a command: SIGINT raises KeyboardInterrupt (as Python's default does), and is remembered:
    one that hits an import may come out as an ImportError (`PyCapsule_Import could not import...`)."""
    _state["interrupted"] = False
    _set(_raise)


def was_interrupted() -> bool:
    """Whether SIGINT arrived while the command ran (whatever exception it then turned into)."""
    return _state["interrupted"]


def check() -> None:
    """Raise KeyboardInterrupt if SIGINT arrived during the command. Loops that wait (watching, applying)
    call it on every pass: a KeyboardInterrupt raised where Python discards exceptions (a callback run
    while an import is cleaned up: "Exception ignored in ...") would otherwise be lost, and the loop
    would go on until its timeout."""
    if _state["interrupted"]:
        raise KeyboardInterrupt


def mark_cli() -> None:
    """This process is the wfctl command (set at import, while sys.argv[0] still tells)."""
    _state["cli"] = True


def is_cli() -> bool:
    return _state["cli"]


def exit_interrupted() -> None:
    """Leave with 130 now. A KeyboardInterrupt that hit an import (even one handled since) makes CPython
    3.11 end the process by SIGINT instead of with the exit code; os._exit keeps the code."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # noqa: BLE001 - leaving anyway
            pass
    os._exit(EXIT_INTERRUPTED)


def started_as_cli() -> bool:
    """True when this process is the wfctl command (`wfctl ...` or `python -m wfctl`), not a library user."""
    first = sys.argv[0] if sys.argv else ""
    return first == "-m" or os.path.basename(first).removesuffix(".exe") == "wfctl"
