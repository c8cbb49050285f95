"""Safe rewriting of files: the one way wfctl changes a file on disk (`dedupe --write`, `fix --write`).

Guarantees (each is checked, and refused with a `WriteError` naming the path, never half-done):
- only regular files are rewritten (a FIFO, a device, `/dev/stdin` are refused); a symlink stays a
  symlink, its target is rewritten; hard-linked, read-only and immutable files are refused;
- the new file keeps the old one's mode (setuid/setgid included), owner and group;
- a file that changed on disk since it was read (size, mtime or SHA-256) is left alone;
- several files are all-or-nothing: every temporary file (same directory, fsynced) is prepared before
  the first rename, and any failure before that point removes them all and changes nothing;
- temporary files are removed on SIGTERM/SIGINT too (SIGINT then surfaces as KeyboardInterrupt, SIGTERM
  terminates the process as it would have);
- every new content must be valid YAML before anything is replaced.

The limit: each rename is atomic, a sequence of renames is not. If the operating system refuses a rename
after others succeeded (very unlikely once every check passed), the error says which files were written
and which were not.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import signal
import stat
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from wfctl.loader import discovery
from wfctl.loader.discovery import file_kind

TEMP_SUFFIX = ".wfctl-tmp"
_FS_IOC_GETFLAGS = 0x80086601  # Linux ioctl: inode flags (chattr)
_FS_IMMUTABLE_FL = 0x10
_FS_APPEND_FL = 0x20


class WriteError(Exception):
    """A file that wfctl will not (or could not) rewrite; str() is "PATH: reason"."""

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


@dataclass(frozen=True)
class Snapshot:
    """The file as it was read: its real path (symlinks resolved), size, mtime and content hash."""

    path: Path
    size: int
    mtime_ns: int
    sha256: str


@dataclass
class Planned:
    """One file to write: new content for `path`; `original` is None for a new file (must not exist)."""

    path: Path
    content: bytes
    original: Snapshot | None


def _test_hook(stage: str, path: Path) -> None:
    """Called at fixed points ("prepared", "before-rename"); tests replace it to inject races and signals."""


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _inode_flags(path: Path) -> int:
    """chattr flags of a file (0 where the platform or file system has none)."""
    try:
        import fcntl  # noqa: PLC0415  # not on Windows

        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except (ImportError, OSError):
        return 0
    try:
        buf = fcntl.ioctl(fd, _FS_IOC_GETFLAGS, struct.pack("l", 0))
        return int(struct.unpack("l", buf)[0])
    except OSError:
        return 0
    finally:
        os.close(fd)


def _resolve(path: Path) -> tuple[Path, os.stat_result]:
    """The real file behind `path` and its stat, refusing anything that is not a regular file."""
    if os.path.abspath(path).startswith(("/dev/", "/proc/")):
        raise WriteError(path, "a device or process path (such as /dev/stdin); only regular files are rewritten")
    try:
        st = os.stat(path)  # follows symlinks: /dev/stdin is judged by what it points at
    except FileNotFoundError:
        raise WriteError(path, "no such file") from None
    except OSError as exc:
        raise WriteError(path, _reason(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(path, f"{file_kind(st.st_mode)}; only regular files are rewritten")
    real = Path(os.path.realpath(path))
    try:
        real_st = os.stat(real)
    except OSError:
        real_st = None
    if real_st is None or (real_st.st_dev, real_st.st_ino) != (st.st_dev, st.st_ino):
        raise WriteError(path, "cannot tell which file this path names (a symlink changing under wfctl?)")
    return real, st


def check_writable(path: Path) -> None:
    """Raise WriteError unless wfctl may rewrite `path` (a regular, writable file; symlinks followed)."""
    _check(path, *_resolve(path))


def _check(path: Path, real: Path, st: os.stat_result) -> None:
    if not st.st_mode & 0o222:
        raise WriteError(
            path, f"read-only file (mode {stat.S_IMODE(st.st_mode):04o}); not rewritten (chmod u+w to allow it)"
        )
    flags = _inode_flags(real)
    bsd_flags = getattr(st, "st_flags", 0)  # macOS/BSD: chflags uchg/schg
    if flags & _FS_IMMUTABLE_FL or bsd_flags & (stat.UF_IMMUTABLE | stat.SF_IMMUTABLE):
        raise WriteError(path, "immutable file (chattr +i); not rewritten")
    if flags & _FS_APPEND_FL:
        raise WriteError(path, "append-only file (chattr +a); not rewritten")
    if not os.access(real, os.W_OK):
        raise WriteError(path, "permission denied (no write permission)")
    if st.st_nlink > 1:
        raise WriteError(path, f"has {st.st_nlink} hard links; rewriting it would separate them, so it is left alone")
    directory = real.parent
    if not os.access(directory, os.W_OK | os.X_OK):
        raise WriteError(path, f"directory {directory} is not writable (the new file is written next to the old one)")
    euid = os.geteuid() if hasattr(os, "geteuid") else 0
    if euid != 0 and st.st_uid != euid:
        raise WriteError(path, f"owned by uid {st.st_uid}; a rewrite could not keep its owner (run as that user)")


def _stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def read_snapshot(path: Path, max_bytes: int) -> tuple[bytes, Snapshot]:
    """Read a regular file through the loader (same size limit and errors) and record what was read.

    Refuses non-regular files before opening them; does not require the file to be writable."""
    real, before = _resolve(path)
    result = discovery.read(discovery.Source(str(path), real), max_bytes)
    if result.error is not None:
        raise WriteError(path, result.error.removeprefix(f"{path}: "))
    if result.too_large is not None or result.raw is None:
        raise WriteError(
            path,
            f"file is {result.size_text}, over the {max_bytes:,}-byte limit (--max-file-size); not read",
        )
    try:
        after = os.stat(real)
    except OSError as exc:
        raise WriteError(path, _reason(exc)) from None
    if _stat_key(before) != _stat_key(after) or len(result.raw) != after.st_size:
        raise WriteError(path, "changed while wfctl was reading it; run again")
    return result.raw, Snapshot(real, after.st_size, after.st_mtime_ns, hashlib.sha256(result.raw).hexdigest())


def read_for_rewrite(path: Path, max_bytes: int) -> tuple[bytes, Snapshot]:
    """`read_snapshot` for a file about to be rewritten: also refuses files wfctl may not rewrite."""
    check_writable(path)
    return read_snapshot(path, max_bytes)


def _changed(plan: Planned) -> str | None:
    """Why the file on disk is no longer the one that was read (None when it is)."""
    snap = plan.original
    assert snap is not None
    if Path(os.path.realpath(plan.path)) != snap.path:
        return "now points at another file"
    try:
        st = os.stat(snap.path)
        if not stat.S_ISREG(st.st_mode):
            return f"is now {file_kind(st.st_mode)}"
        if (st.st_size, st.st_mtime_ns) != (snap.size, snap.mtime_ns):
            return "changed on disk since wfctl read it"
        digest = hashlib.sha256()
        with open(snap.path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return "was deleted since wfctl read it"
    except OSError as exc:
        return f"cannot be read again to check it: {_reason(exc)}"
    if digest.hexdigest() != snap.sha256:
        return "changed on disk since wfctl read it"
    return None


def _check_yaml(plan: Planned) -> None:
    from wfctl.loader.yaml import decode, parse  # noqa: PLC0415

    text, problem = decode(plan.content)
    if problem is None and text is not None:
        parsed = parse(text)
        problem = parsed.problem or next((p for d in parsed.documents for p in d.problems if p.rule != "WF011"), None)
    if problem is not None:
        raise WriteError(
            plan.path, f"the new content is not valid YAML (line {problem.line}: {problem.message}); not written"
        )


@dataclass
class _Temp:
    plan: Planned
    target: Path
    temp: Path | None = None
    done: bool = False


class _Signalled(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Signals:
    """SIGINT/SIGTERM/SIGHUP handlers for the duration of a write.

    A signal is only recorded, never acted on in the middle of a step (creating a temporary file and
    remembering its name, cleaning up, renaming): `interruptible()` marks the few places where it may
    interrupt at once (waiting in a test hook), and `check()` stops between steps when one arrived."""

    NUMBERS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

    def __init__(self) -> None:
        self.previous: dict[int, Any] = {}
        self.pending: int | None = None
        self._interruptible = False

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.pending is not None:
            return  # the first signal decides; cleaning up is already on its way
        self.pending = signum
        if self._interruptible:
            self._interruptible = False
            raise _Signalled(signum)

    def check(self) -> None:
        """Stop (raise) when a signal arrived since the last step."""
        if self.pending is not None:
            raise _Signalled(self.pending)

    @contextlib.contextmanager
    def interruptible(self) -> Iterator[None]:
        self.check()
        self._interruptible = True
        try:
            yield
        finally:
            self._interruptible = False

    @contextlib.contextmanager
    def installed(self) -> Iterator[_Signals]:
        if threading.current_thread() is threading.main_thread():
            for signum in self.NUMBERS:
                old = signal.getsignal(signum)
                if old is signal.SIG_IGN or old is None:
                    continue  # ignored (e.g. a background job's SIGINT, nohup's SIGHUP): keep it ignored
                self.previous[signum] = old
                signal.signal(signum, self._handle)
        try:
            yield self
        finally:
            for number, handler in self.previous.items():
                signal.signal(number, handler)

    @staticmethod
    def redeliver(signum: int) -> None:
        """After cleaning up: SIGINT is a KeyboardInterrupt; other signals act as if never caught."""
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        os.kill(os.getpid(), signum)  # the restored handler (default: terminate) takes it from here
        raise SystemExit(128 + signum)


def temp_name(name: str) -> str:
    """A fresh temporary file name for `name`: `.NAME.RANDOM.wfctl-tmp`, hidden and never a YAML name, so that
    no wfctl walk reads one that a `kill -9` left; NAME is shortened to fit the usual 255-byte limit."""
    random = secrets.token_hex(4)
    budget = 255 - len(f"..{random}{TEMP_SUFFIX}")
    return f".{os.fsdecode(os.fsencode(name)[:budget])}.{random}{TEMP_SUFFIX}"


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _prepare(item: _Temp) -> None:
    plan, target = item.plan, item.target
    if plan.original is None:
        mode, owner = _new_file_mode(), None
    else:
        try:
            st = os.stat(target)
        except OSError as exc:
            raise WriteError(plan.path, _reason(exc)) from None
        mode, owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
    directory = target.parent
    for _ in range(100):
        temp = directory / temp_name(target.name)
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            break
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise WriteError(plan.path, f"directory {directory} does not exist") from None
        except OSError as exc:
            raise WriteError(plan.path, f"cannot create a file in {directory}: {_reason(exc)}") from None
    else:
        raise WriteError(plan.path, f"cannot create a temporary file in {directory}")
    item.temp = temp
    try:
        try:
            view = memoryview(plan.content)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            raise WriteError(plan.path, f"cannot write the new content: {_reason(exc)}") from None
        if owner is not None and hasattr(os, "fchown"):
            tst = os.fstat(fd)
            if (tst.st_uid, tst.st_gid) != owner:
                try:
                    os.fchown(fd, *owner)  # before chmod: chown clears setuid/setgid
                except OSError as exc:
                    raise WriteError(
                        plan.path, f"cannot give the new file its owner {owner[0]}:{owner[1]}: {_reason(exc)}"
                    ) from None
        if plan.original is not None:
            _copy_xattrs(plan.path, target, fd)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)  # last: an ACL copied above sets group bits too
            else:  # Windows
                os.chmod(temp, mode)
            os.fsync(fd)
        except OSError as exc:
            raise WriteError(plan.path, f"cannot write the new content: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _copy_xattrs(path: Path, source: Path, fd: int) -> None:
    """Give the new file (open as `fd`) the old one's extended attributes (ACLs, `user.*`...) and only those
    (not a directory's default ACL). `security.*` ones (SELinux labels, capabilities) are copied where the
    system allows it, else left to the system; any other that cannot be kept stops the rewrite."""
    if not hasattr(os, "listxattr"):
        return  # not Linux
    try:
        names = os.listxattr(source)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise WriteError(path, f"cannot read its extended attributes: {_reason(exc)}") from None
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(source, name))
        except OSError as exc:
            if not name.startswith("security."):
                raise WriteError(
                    path, f"cannot keep its extended attribute {name} (an ACL?): {_reason(exc)}; not rewritten"
                ) from None
    try:
        extra = set(os.listxattr(fd)) - set(names)
    except OSError:
        return
    for name in extra:
        with contextlib.suppress(OSError):
            os.removexattr(fd, name)


def _cleanup(items: list[_Temp]) -> None:
    for item in items:
        if item.temp is not None and not item.done:
            with contextlib.suppress(OSError):
                os.unlink(item.temp)
            item.temp = None


def _install(item: _Temp) -> None:
    assert item.temp is not None
    if item.plan.original is None:
        try:
            os.link(item.temp, item.target)  # atomic, and never replaces a file that appeared meanwhile
        except FileExistsError:
            raise WriteError(item.plan.path, "exists already (created while wfctl ran); not overwritten") from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if os.path.lexists(item.target):
                raise WriteError(item.plan.path, "exists already (created while wfctl ran); not overwritten") from None
            os.replace(item.temp, item.target)
        else:
            item.done = True
            with contextlib.suppress(OSError):
                os.unlink(item.temp)
    else:
        os.replace(item.temp, item.target)
    item.done = True


def _fsync_dirs(items: list[_Temp]) -> None:
    for directory in {item.target.parent for item in items}:
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _targets(plans: list[Planned]) -> list[_Temp]:
    items: list[_Temp] = []
    seen: dict[Path, Path] = {}
    for plan in plans:
        if plan.original is None:
            if os.path.lexists(plan.path):
                raise WriteError(plan.path, "exists already; not overwritten")
            parent = Path(os.path.realpath(plan.path.parent if str(plan.path.parent) else "."))
            if not parent.is_dir():
                raise WriteError(plan.path, f"directory {plan.path.parent} does not exist")
            target = parent / plan.path.name
        else:
            real, st = _resolve(plan.path)
            _check(plan.path, real, st)
            target = real
        if target in seen:
            raise WriteError(plan.path, f"is the same file as {seen[target]}; not written twice")
        seen[target] = plan.path
        _check_yaml(plan)
        items.append(_Temp(plan, target))
    return items


def write_all(plans: list[Planned]) -> None:
    """Write every plan or none: checks, temp files for all, re-checks, then renames. Raises WriteError."""
    items = _targets(plans)
    signals = _Signals()
    with signals.installed():
        try:
            for item in items:
                _prepare(item)
                signals.check()
            with signals.interruptible():
                _test_hook("prepared", items[0].target if items else Path())
            for item in items:
                if item.plan.original is not None and (why := _changed(item.plan)):
                    raise WriteError(item.plan.path, f"{why}; left alone, nothing was written")
            signals.check()
        except BaseException:  # _Signalled included
            _cleanup(items)
            if signals.pending is None:
                raise
            # a signal came too: it wins over the error (SIGINT: KeyboardInterrupt, exit 130)
        else:
            _rename_all(items)  # a signal now waits until every file is renamed
    if signals.pending is not None:
        _Signals.redeliver(signals.pending)


def _rename_all(items: list[_Temp]) -> None:
    for index, item in enumerate(items):
        try:
            _test_hook("before-rename", item.target)
            if item.plan.original is not None and (why := _changed(item.plan)):
                raise WriteError(item.plan.path, why)
            _install(item)
        except (OSError, WriteError) as exc:
            _cleanup(items)
            reason = exc.message if isinstance(exc, WriteError) else _reason(exc)
            written = [str(i.plan.path) for i in items[:index]]
            missing = [str(i.plan.path) for i in items[index:]]
            detail = f"written: {', '.join(written)}; " if written else "nothing was written; "
            raise WriteError(item.plan.path, f"{reason}; {detail}not written: {', '.join(missing)}") from None
    _fsync_dirs(items)
