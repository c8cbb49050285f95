"""Safe rewriting of files: the one way wfctl changes a file on disk (`dedupe --write`, `fix --write`).

Guarantees (each is checked, and refused with a `WriteError` naming the path, never half-done):
- only regular files are rewritten (a FIFO, a device, `/dev/stdin` and any symlink leading through /dev,
  /proc or /sys are refused); a symlink stays a symlink, its target is rewritten; hard-linked, read-only,
  immutable/append-only and bind-mounted files and files on a read-only mount are refused;
- the new file keeps the old one's mode (setuid/setgid included), owner, group and extended attributes
  (ACLs; `security.*` where the system allows), and gets no directory default ACL; where the system will
  not give it the same mode or owner, the file is refused;
- a file that changed on disk since it was read (size, mtime or SHA-256) is left alone; the checked file
  is kept open across the rename, and on Linux the rename is an exchange (renameat2), so an edit landing
  after the last check, even another program's atomic save, is seen and saved as NAME.wfctl-edited;
- several files are all-or-nothing: every temporary file (same directory, fsynced) is prepared before
  the first rename, and any failure before that point removes them all and changes nothing (a new file
  already linked in is removed again when the next rename is refused);
- SIGINT/SIGTERM/SIGHUP are only recorded while a step runs, then the temporary files are removed (SIGINT
  surfaces as KeyboardInterrupt, the others terminate the process as they would have); once renaming has
  begun, a signal waits until it is done. kill -9 can leave `.NAME.XXXXXXXX.wfctl-tmp` files: hidden, not
  YAML names, never read by a walk;
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
import re
import secrets
import signal
import stat
import struct
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from wfctl.loader import discovery
from wfctl.loader.discovery import file_kind

TEMP_SUFFIX = ".wfctl-tmp"
EDITED_SUFFIX = ".wfctl-edited"  # an edit that landed during the rename itself is saved here
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
    """Called at fixed points ("prepared": every temporary file written; "before-rename" and "checked": before
    and after the last check of one file); tests replace it to inject races and signals."""


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


def _read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & getattr(os, "ST_RDONLY", 1))
    except (AttributeError, OSError):
        return False


_SPECIAL_DIRS = ("/dev/", "/proc/", "/sys/")


def _is_special(path: str) -> bool:
    return path.startswith(_SPECIAL_DIRS) and not path.startswith("/dev/shm/")  # /dev/shm: plain files


def _special_hop(path: Path) -> str | None:
    """The first place under /dev, /proc or /sys that `path` leads to, following its symlinks one hop at a
    time: `link.yaml -> /dev/stdin` names whatever file stdin happens to be, never a file to rewrite."""
    current = os.path.abspath(path)
    for _ in range(64):
        if _is_special(current):
            return current
        try:
            current = os.path.join(os.path.realpath(os.path.dirname(current)), os.path.basename(current))
            if _is_special(current):
                return current
            target = os.readlink(current)
        except (OSError, ValueError):
            return None  # not a symlink (or not there): os.stat will tell
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return None


def _resolve(path: Path) -> tuple[Path, os.stat_result]:
    """The real file behind `path` and its stat, refusing anything that is not a regular file."""
    special = _special_hop(path)
    if special is not None:
        via = "" if special == os.path.abspath(path) else f" (through {special})"
        raise WriteError(path, f"a device or process path{via}, such as /dev/stdin; only regular files are rewritten")
    try:
        st = os.stat(path)  # follows symlinks: /dev/stdin is judged by what it points at
    except FileNotFoundError:
        raise WriteError(path, "no such file or directory") from None  # as the loader says it
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
    _mounts_read.clear()
    _check(path, *_resolve(path))


_mounts_read: list[set[str]] = []  # read once per check_writable / write_all call (emptied at their start)


def _mount_points() -> set[str]:
    """Every mount point (Linux: /proc/self/mountinfo, field 5, octal escapes undone); empty elsewhere."""
    if _mounts_read:
        return _mounts_read[0]
    try:
        with open("/proc/self/mountinfo", "rb") as fh:
            lines = fh.read().splitlines()
    except OSError:
        lines = []
    points = set()
    for line in lines:
        fields = line.split(b" ")
        if len(fields) > 4:
            raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), fields[4])
            points.add(os.fsdecode(raw))
    _mounts_read[:] = [points]
    return points


def _is_mount_point(real: Path) -> bool:
    """A file mounted over another (bind mount): rename(2) onto it fails with EBUSY, after other files of
    the run may have been replaced already, so it is refused before anything is written."""
    try:
        parent = os.stat(real.parent)
        if os.stat(real).st_dev != parent.st_dev:
            return True
    except OSError:
        return False
    return str(real) in _mount_points()


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
        if _read_only_mount(real):
            raise WriteError(path, "on a read-only file system; not rewritten")
        raise WriteError(path, "permission denied (no write permission)")
    if st.st_nlink > 1:
        raise WriteError(path, f"has {st.st_nlink} hard links; rewriting it would separate them, so it is left alone")
    if _is_mount_point(real):
        raise WriteError(
            path, "is a mount point (a bind-mounted file, as `docker -v FILE:FILE` makes); a rename cannot replace it"
        )
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


def _digest(fd: int) -> str:
    digest = hashlib.sha256()
    os.lseek(fd, 0, os.SEEK_SET)
    for chunk in iter(lambda: os.read(fd, 1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _differs(snap: Snapshot, fd: int) -> str | None:
    """Why the open file `fd` is no longer what was read (None when it is the same)."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        return f"is now {file_kind(st.st_mode)}"
    if (st.st_size, st.st_mtime_ns) != (snap.size, snap.mtime_ns) or _digest(fd) != snap.sha256:
        return "changed on disk since wfctl read it"
    return None


def _open_unchanged(plan: Planned) -> tuple[str | None, int | None]:
    """Open the file about to be replaced and check it is still the one that was read: (None, fd) when it
    is, (why, None) when not. The caller keeps `fd` across the rename to see an edit made after the check."""
    snap = plan.original
    assert snap is not None
    if Path(os.path.realpath(plan.path)) != snap.path:
        return "now points at another file", None
    try:
        fd = os.open(snap.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return "was deleted since wfctl read it", None
    except OSError as exc:
        return f"cannot be read again to check it: {_reason(exc)}", None
    try:
        why = _differs(snap, fd)
    except OSError as exc:
        why = f"cannot be read again to check it: {_reason(exc)}"
    if why is not None:
        os.close(fd)
        return why, None
    return None, fd


def _changed(plan: Planned) -> str | None:
    """Why the file on disk is no longer the one that was read (None when it is)."""
    why, fd = _open_unchanged(plan)
    if fd is not None:
        os.close(fd)
    return why


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
    inode: tuple[int, int] | None = None  # (st_dev, st_ino) of the new file
    displaced: bool = False  # swapped in: `temp` now names the file that was replaced


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
            st = os.fstat(fd)
            item.inode = (st.st_dev, st.st_ino)
        except OSError as exc:
            raise WriteError(plan.path, f"cannot write the new content: {_reason(exc)}") from None
        if hasattr(os, "fchmod") and stat.S_IMODE(st.st_mode) != mode:  # e.g. setgid without CAP_FSETID
            raise WriteError(
                plan.path,
                f"cannot keep its mode {mode:04o} (the system gives the new file {stat.S_IMODE(st.st_mode):04o});"
                " not rewritten",
            )
        if owner is not None and hasattr(os, "fchown") and (st.st_uid, st.st_gid) != owner:
            raise WriteError(plan.path, f"cannot keep its owner {owner[0]}:{owner[1]}; not rewritten")
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
    elif _exchange(item.temp, item.target):
        item.displaced = True  # the replaced file is now at item.temp: _rename_all checks it, then removes it
    else:
        os.replace(item.temp, item.target)
    item.done = True


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2: list[Any] = []  # the libc function, looked up once ([None] where there is none)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE): the replaced file is not unlinked but
    moved to `a`, so that whatever was at `b` at that very moment can be checked afterwards. False where
    the system or the file system cannot (then the caller renames as usual)."""
    if not sys.platform.startswith("linux"):
        return False
    if not _renameat2:
        try:
            import ctypes  # noqa: PLC0415  # only here: a rewrite is about to happen

            func = ctypes.CDLL(None, use_errno=True).renameat2
            func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            _renameat2.append((func, ctypes.get_errno))
        except (ImportError, OSError, AttributeError):
            _renameat2.append(None)
    if _renameat2[0] is None:
        return False
    func, get_errno = _renameat2[0]
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # not supported here (old kernel, file system without exchange, seccomp)
    raise OSError(code, os.strerror(code), str(b))


def _fsync_dirs(items: list[_Temp]) -> None:
    for directory in {item.target.parent for item in items}:
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _targets(plans: list[Planned]) -> list[_Temp]:
    _mounts_read.clear()  # mounts are read once for all the plans, afresh for each write
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
    late: list[tuple[_Temp, Path | None]] = []
    for index, item in enumerate(items):
        fd: int | None = None
        try:
            _test_hook("before-rename", item.target)
            if item.plan.original is not None:
                why, fd = _open_unchanged(item.plan)
                if why is not None:
                    raise WriteError(item.plan.path, why)
            _test_hook("checked", item.target)
            _install(item)
        except (OSError, WriteError) as exc:
            if fd is not None:
                os.close(fd)
            _cleanup(items)
            undone = {id(i) for i in _remove_new_files(items[:index])}
            reason = exc.message if isinstance(exc, WriteError) else _reason(exc)
            written = [str(i.plan.path) for i in items[:index] if id(i) not in undone]
            missing = [str(i.plan.path) for n, i in enumerate(items) if n >= index or id(i) in undone]
            detail = f"written: {', '.join(written)}; " if written else "nothing was written; "
            raise WriteError(item.plan.path, f"{reason}; {detail}not written: {', '.join(missing)}") from None
        if fd is not None:
            try:
                edited, saved = _late_edit(item, fd)
                if edited:
                    late.append((item, saved))
            finally:
                os.close(fd)
    _fsync_dirs(items)
    if late:
        item, saved = late[0]
        where = f"the edited one is saved as {saved}" if saved else "the edited one could not be saved"
        raise WriteError(
            item.plan.path,
            f"was edited by another program while wfctl replaced it: wfctl's version is in place, {where}; "
            "merge them by hand" + (f" (and {len(late) - 1} more such files)" if len(late) > 1 else ""),
        )


def _remove_new_files(done: list[_Temp]) -> list[_Temp]:
    """After a failed rename: remove the new files (`--extract-to`) this run created, so that the run
    changed nothing when no existing file was replaced yet. Only a file that is still the one written."""
    if any(item.plan.original is not None for item in done):
        return []
    removed: list[_Temp] = []
    for item in done:
        with contextlib.suppress(OSError):
            st = os.lstat(item.target)
            if (st.st_dev, st.st_ino) == item.inode:
                os.unlink(item.target)
                removed.append(item)
    return removed


def _late_edit(item: _Temp, fd: int) -> tuple[bool, Path | None]:
    """After the rename: did an edit land between the last check and the rename, and where is the edited
    file saved (None: it could not be)? `fd` is the file that was checked, opened before the check. Where the
    rename was an exchange, the replaced file itself is at `item.temp`: a file that another program put in
    place meanwhile is caught too, not only an edit made through `fd`."""
    assert item.plan.original is not None
    if not item.displaced:
        try:
            changed = _differs(item.plan.original, fd) is not None
        except OSError:
            return False, None
        return (True, _save_late_edit(item, fd)) if changed else (False, None)
    assert item.temp is not None
    displaced, item.temp = item.temp, None
    try:
        st, checked = os.lstat(displaced), os.fstat(fd)
        if (st.st_dev, st.st_ino) == (checked.st_dev, checked.st_ino) and _differs(item.plan.original, fd) is None:
            os.unlink(displaced)  # what was replaced is exactly what was read: the normal case
            return False, None
        other = os.open(displaced, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return True, displaced  # left where it is, under its temporary name
    try:
        saved = _save_late_edit(item, other)
    finally:
        os.close(other)
    if saved is None:
        return True, displaced
    with contextlib.suppress(OSError):
        os.unlink(displaced)
    return True, saved


def _save_late_edit(item: _Temp, fd: int) -> Path | None:
    """Copy the replaced file (with the late edit) next to the target as `NAME.wfctl-edited[.N]`."""
    with contextlib.suppress(OSError):
        st = os.fstat(fd)
        os.lseek(fd, 0, os.SEEK_SET)
        data = b"".join(iter(lambda: os.read(fd, 1 << 20), b""))
        for n in range(100):
            saved = item.target.parent / (f"{item.target.name}{EDITED_SUFFIX}" + (f".{n}" if n else ""))
            try:
                out = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            except FileExistsError:
                continue
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(out, view) :]
                if hasattr(os, "fchown"):
                    with contextlib.suppress(OSError):
                        os.fchown(out, st.st_uid, st.st_gid)
                if hasattr(os, "fchmod"):
                    os.fchmod(out, stat.S_IMODE(st.st_mode) & 0o777)
                os.fsync(out)
            except OSError:
                os.unlink(saved)  # not a half copy that looks like the edit
                raise
            finally:
                os.close(out)
            return saved
    return None
