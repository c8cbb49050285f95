"""wfctl.writer: only regular files, links/mode/owner kept, concurrent edits kept, all-or-nothing, cleanup."""

from __future__ import annotations

import errno
import os
import signal
import stat
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wfctl import writer
from wfctl.writer import Planned, WriteError, check_writable, read_for_rewrite, write_all

OLD = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n"
NEW = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n"
LIMIT = 1 << 20
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def make(path: Path, content: bytes = OLD, mode: int = 0o644) -> Path:
    path.write_bytes(content)
    os.chmod(path, mode)
    return path


def rewrite(path: Path, content: bytes = NEW) -> None:
    _, snap = read_for_rewrite(path, LIMIT)
    write_all([Planned(path, content, snap)])


def temp_files(*dirs: Path) -> list[Path]:
    return [p for d in dirs for p in d.iterdir() if p.name.endswith(writer.TEMP_SUFFIX)]


def test_rewrite_replaces_content_and_reports_snapshot(tmp_path):
    f = make(tmp_path / "a.yaml")
    raw, snap = read_for_rewrite(f, LIMIT)
    assert raw == OLD and snap.size == len(OLD) and snap.path == f.resolve() and len(snap.sha256) == 64
    write_all([Planned(f, NEW, snap)])
    assert f.read_bytes() == NEW and not temp_files(tmp_path)


def test_fifo_is_refused_without_being_opened(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(WriteError) as err:
        read_for_rewrite(fifo, LIMIT)  # would block forever if it opened the FIFO
    assert err.value.path == str(fifo) and "FIFO" in str(err.value) and str(err.value).startswith(f"{fifo}: ")
    with pytest.raises(WriteError, match="FIFO"):
        check_writable(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_dev_stdin_and_links_to_pipes_are_refused(tmp_path):
    with pytest.raises(WriteError, match="only regular files"):
        check_writable(Path("/dev/stdin"))
    read_end, write_end = os.pipe()
    try:
        link = tmp_path / "stdin.yaml"
        link.symlink_to(f"/proc/self/fd/{read_end}")
        with pytest.raises(WriteError, match=r"a device or process path \(through /proc/self/fd/"):
            read_for_rewrite(link, LIMIT)  # never opened: a FIFO would block
        assert link.is_symlink()
    finally:
        os.close(read_end)
        os.close(write_end)
    with pytest.raises(WriteError, match="directory"):
        check_writable(tmp_path)
    with pytest.raises(WriteError, match="no such file"):
        check_writable(tmp_path / "missing.yaml")


def test_symlink_stays_a_link_and_its_target_is_rewritten(tmp_path):
    real = make(tmp_path / "real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to("real.yaml")
    rewrite(link)
    assert link.is_symlink() and os.readlink(link) == "real.yaml"
    assert real.read_bytes() == NEW and not temp_files(tmp_path)


@pytest.mark.skipif(not IS_ROOT, reason="changing a file's owner needs root")
def test_mode_owner_group_and_setuid_are_kept(tmp_path):
    f = make(tmp_path / "a.yaml")
    os.chown(f, 1234, 2345)
    os.chmod(f, 0o6754)  # setuid + setgid, as chown would otherwise clear them
    rewrite(f)
    st = f.stat()
    assert (st.st_uid, st.st_gid) == (1234, 2345)
    assert stat.S_IMODE(st.st_mode) == 0o6754
    assert f.read_bytes() == NEW


def test_read_only_file_is_refused(tmp_path):
    f = make(tmp_path / "a.yaml", mode=0o444)
    with pytest.raises(WriteError, match=r"read-only file \(mode 0444\)"):
        read_for_rewrite(f, LIMIT)
    # read while writable, made read-only before the write: still refused, untouched
    os.chmod(f, 0o644)
    _, snap = read_for_rewrite(f, LIMIT)
    os.chmod(f, 0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_all([Planned(f, NEW, snap)])
    assert f.read_bytes() == OLD and not temp_files(tmp_path)


def test_hard_linked_file_is_refused(tmp_path):
    f = make(tmp_path / "a.yaml")
    os.link(f, tmp_path / "b.yaml")
    with pytest.raises(WriteError, match="2 hard links"):
        read_for_rewrite(f, LIMIT)


def test_immutable_file_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    a, b = make(tmp_path / "a.yaml"), make(tmp_path / "b.yaml")
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (a, b)]
    real_flags = writer._inode_flags
    monkeypatch.setattr(writer, "_inode_flags", lambda p: 0x10 if p.name == "b.yaml" else real_flags(p))
    with pytest.raises(WriteError, match=r"b\.yaml: immutable"):
        write_all(plans)
    assert a.read_bytes() == OLD and b.read_bytes() == OLD and not temp_files(tmp_path)


def test_too_large_is_refused(tmp_path):
    f = make(tmp_path / "a.yaml")
    with pytest.raises(WriteError, match="over the 10-byte limit"):
        read_for_rewrite(f, 10)


@pytest.mark.parametrize("keep_size_and_mtime", [False, True])
def test_concurrent_edit_is_kept(tmp_path, monkeypatch, keep_size_and_mtime):
    f = make(tmp_path / "a.yaml")
    _, snap = read_for_rewrite(f, LIMIT)
    edit = OLD.replace(b"old", b"OLD")  # same size: only the hash can tell when mtime is put back

    def edit_meanwhile(stage: str, path: Path) -> None:
        if stage == "prepared":
            f.write_bytes(edit)
            if keep_size_and_mtime:
                os.utime(f, ns=(snap.mtime_ns, snap.mtime_ns))

    monkeypatch.setattr(writer, "_test_hook", edit_meanwhile)
    with pytest.raises(WriteError, match="changed on disk since wfctl read it") as err:
        write_all([Planned(f, NEW, snap)])
    assert err.value.path == str(f)
    assert f.read_bytes() == edit and not temp_files(tmp_path)


def test_all_or_nothing_when_a_directory_refuses_the_temp_file(tmp_path, monkeypatch):
    ok_dir, bad_dir = tmp_path / "ok", tmp_path / "bad"
    ok_dir.mkdir()
    bad_dir.mkdir()
    a, b = make(ok_dir / "a.yaml"), make(bad_dir / "b.yaml")
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (a, b)]
    plans.append(Planned(ok_dir / "new.yaml", NEW, None))
    real_open = os.open

    def failing_open(path, flags, *args, **kwargs):
        if Path(path).parent == bad_dir and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", failing_open)
    with pytest.raises(WriteError) as err:
        write_all(plans)
    monkeypatch.undo()
    assert err.value.path == str(b) and "permission denied" in err.value.message
    assert a.read_bytes() == OLD and b.read_bytes() == OLD and not (ok_dir / "new.yaml").exists()
    assert not temp_files(ok_dir, bad_dir)


def test_all_or_nothing_on_a_full_disk(tmp_path, monkeypatch):
    a, b = make(tmp_path / "a.yaml"), make(tmp_path / "b.yaml")
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (a, b)]
    real_write, calls = os.write, []

    def full_disk(fd, data):
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(WriteError, match=r"b\.yaml: cannot write the new content: no space left on device"):
        write_all(plans)
    monkeypatch.undo()
    assert a.read_bytes() == OLD and b.read_bytes() == OLD and not temp_files(tmp_path)


def test_new_file_in_a_missing_directory_changes_nothing(tmp_path):
    a = make(tmp_path / "a.yaml")
    plans = [Planned(a, NEW, read_for_rewrite(a, LIMIT)[1]), Planned(tmp_path / "nodir" / "x.yaml", NEW, None)]
    with pytest.raises(WriteError, match=r"x\.yaml: directory .*nodir does not exist"):
        write_all(plans)
    assert a.read_bytes() == OLD and not temp_files(tmp_path)


def test_new_file_is_created_but_never_overwrites(tmp_path):
    target = tmp_path / "new.yaml"
    write_all([Planned(target, NEW, None)])
    mask = os.umask(0)
    os.umask(mask)
    assert target.read_bytes() == NEW and stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    with pytest.raises(WriteError, match="exists already"):
        write_all([Planned(target, OLD, None)])
    assert target.read_bytes() == NEW


@pytest.mark.parametrize("exchange", [True, False])
def test_rename_failure_midway_names_what_was_written(tmp_path, monkeypatch, exchange):
    a, b = make(tmp_path / "a.yaml"), make(tmp_path / "b.yaml")
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (a, b)]
    real_replace, real_exchange = os.replace, writer._exchange

    def failing(real):
        def rename(src, dst):
            if Path(dst).name == "b.yaml":
                raise OSError(errno.EIO, "Input/output error")
            return real(src, dst)

        return rename

    monkeypatch.setattr(os, "replace", failing(real_replace))
    monkeypatch.setattr(writer, "_exchange", failing(real_exchange) if exchange else lambda _a, _b: False)
    with pytest.raises(WriteError) as err:
        write_all(plans)
    monkeypatch.undo()
    assert err.value.path == str(b)
    assert f"written: {a}; not written: {b}" in err.value.message and "input/output error" in err.value.message
    assert a.read_bytes() == NEW and b.read_bytes() == OLD and not temp_files(tmp_path)


def test_invalid_yaml_is_never_written(tmp_path):
    f = make(tmp_path / "a.yaml")
    with pytest.raises(WriteError, match="not valid YAML"):
        rewrite(f, b"a: [\n")
    assert f.read_bytes() == OLD and not temp_files(tmp_path)


def test_same_file_twice_is_refused(tmp_path):
    f = make(tmp_path / "a.yaml")
    link = tmp_path / "l.yaml"
    link.symlink_to(f)
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (f, link)]
    with pytest.raises(WriteError, match="same file"):
        write_all(plans)
    assert f.read_bytes() == OLD


def test_signal_handlers_are_restored(tmp_path):
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    rewrite(make(tmp_path / "a.yaml"))
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


BLOCKING_WRITE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from wfctl import writer

    marker, *files = map(Path, sys.argv[1:])
    def block(stage, path):
        if stage == "prepared":
            marker.write_text("ready")
            time.sleep(120)
    writer._test_hook = block
    plans = [writer.Planned(f, b"a: new\\n", writer.read_for_rewrite(f, 1 << 20)[1]) for f in files]
    writer.write_all(plans)
    """
)


def wait_for(marker: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never reached the hook"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("signum", "outcome"), [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, "KeyboardInterrupt")]
)
def test_temp_files_are_removed_on_signals(tmp_path, signum, outcome):
    files = [make(tmp_path / f"{n}.yaml") for n in ("a", "b")]
    marker = tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, "-c", BLOCKING_WRITE, str(marker), *map(str, files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(marker, proc)
        assert len(temp_files(tmp_path)) == 2  # prepared, not yet renamed
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    if isinstance(outcome, int):
        assert proc.returncode == outcome
    else:
        assert outcome in err
    assert not temp_files(tmp_path)
    assert all(f.read_bytes() == OLD for f in files)


def test_a_signal_right_after_a_temp_file_is_created_leaves_nothing(tmp_path, monkeypatch):
    """The old handler raised wherever Python happened to be: between creating a temporary file and
    remembering its name, the file was left behind (found by sending SIGINT at random moments)."""
    files = [make(tmp_path / f"{n}.yaml") for n in ("a", "b")]
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in files]
    real_open = os.open

    def open_then_interrupt(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if str(path).endswith(writer.TEMP_SUFFIX):
            signal.raise_signal(signal.SIGINT)  # Ctrl-C the moment the first temp file exists
        return fd

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_all(plans)
    monkeypatch.undo()
    assert not temp_files(tmp_path) and all(f.read_bytes() == OLD for f in files)


def test_a_second_signal_does_not_stop_the_cleanup(tmp_path, monkeypatch):
    files = [make(tmp_path / f"{n}.yaml") for n in ("a", "b", "c")]
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in files]
    real_unlink = os.unlink

    def edit_then_interrupt(stage: str, path: Path) -> None:
        if stage == "prepared":
            files[2].write_bytes(OLD + b"# edited\n")  # the check fails: clean up

    def unlink_interrupted(path, *args, **kwargs):
        real_unlink(path, *args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C during the cleanup, again and again

    monkeypatch.setattr(writer, "_test_hook", edit_then_interrupt)
    monkeypatch.setattr(os, "unlink", unlink_interrupted)
    with pytest.raises(KeyboardInterrupt):  # the signal wins over the error, after the cleanup
        write_all(plans)
    monkeypatch.undo()
    assert not temp_files(tmp_path) and [f.read_bytes() for f in files[:2]] == [OLD, OLD]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP here")
def test_sighup_cleans_up_too(tmp_path):
    files = [make(tmp_path / f"{n}.yaml") for n in ("a", "b")]
    marker = tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, "-c", BLOCKING_WRITE, str(marker), *map(str, files)], cwd=ROOT, stderr=subprocess.PIPE
    )
    try:
        wait_for(marker, proc)
        proc.send_signal(signal.SIGHUP)  # the terminal closed
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGHUP
    assert not temp_files(tmp_path) and all(f.read_bytes() == OLD for f in files)


def _acl(*entries: tuple[int, int, int]) -> bytes:
    """A POSIX ACL as the kernel stores it in system.posix_acl_* (version 2, then tag/perm/id entries)."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, uid) for tag, perm, uid in entries)


ANY = 0xFFFFFFFF
# user::rw- user:1234:rw- group::r-- mask::rw- other::r--
ACL = _acl((0x01, 6, ANY), (0x02, 6, 1234), (0x04, 4, ANY), (0x10, 6, ANY), (0x20, 4, ANY))


def _xattrs_or_skip(directory: Path) -> None:
    path = make(directory / "probe")
    try:
        os.setxattr(path, "user.wfctl-probe", b"1")
        os.removexattr(path, "user.wfctl-probe")
        os.setxattr(path, "system.posix_acl_access", ACL)
        os.removexattr(path, "system.posix_acl_access")
    except (AttributeError, OSError) as exc:
        pytest.skip(f"no extended attributes or ACLs here: {exc}")
    finally:
        path.unlink()


def test_extended_attributes_and_acls_are_kept(tmp_path):
    """Before: the new file had none of them (a colleague's ACL access was silently revoked)."""
    f = make(tmp_path / "a.yaml", mode=0o664)
    _xattrs_or_skip(tmp_path)
    os.setxattr(f, "user.origin", b"kept")
    os.setxattr(f, "system.posix_acl_access", ACL)
    before = {name: os.getxattr(f, name) for name in os.listxattr(f)}
    rewrite(f)
    assert f.read_bytes() == NEW and not temp_files(tmp_path)
    assert {name: os.getxattr(f, name) for name in os.listxattr(f)} == before
    assert stat.S_IMODE(f.stat().st_mode) == 0o664


def test_a_directory_default_acl_is_not_added(tmp_path):
    f = make(tmp_path / "a.yaml")
    _xattrs_or_skip(tmp_path)
    os.setxattr(tmp_path, "system.posix_acl_default", ACL)  # new files here would get user:1234:rw-
    rewrite(f)
    assert f.read_bytes() == NEW and "system.posix_acl_access" not in os.listxattr(f)
    assert stat.S_IMODE(f.stat().st_mode) == 0o644


def test_an_extended_attribute_that_cannot_be_kept_stops_the_write(tmp_path, monkeypatch):
    a, b = make(tmp_path / "a.yaml"), make(tmp_path / "b.yaml")
    _xattrs_or_skip(tmp_path)
    os.setxattr(b, "user.origin", b"x")
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (a, b)]
    real_setxattr = os.setxattr

    def refuse(target, name, *args, **kwargs):
        if name == "user.origin":
            raise OSError(errno.EPERM, "Operation not permitted")
        return real_setxattr(target, name, *args, **kwargs)

    monkeypatch.setattr(os, "setxattr", refuse)
    with pytest.raises(WriteError, match=r"b\.yaml: cannot keep its extended attribute user\.origin"):
        write_all(plans)
    monkeypatch.undo()
    assert a.read_bytes() == OLD and b.read_bytes() == OLD and not temp_files(tmp_path)


@pytest.mark.skipif(not IS_ROOT, reason="needs root to own a file for another user")
def test_an_owner_that_cannot_be_kept_is_named(tmp_path, monkeypatch):
    f = make(tmp_path / "a.yaml")
    os.chown(f, 4321, 4321)
    _, snap = read_for_rewrite(f, LIMIT)

    def no_chown(*_args):
        raise PermissionError(errno.EPERM, "Operation not permitted")  # root without CAP_CHOWN

    monkeypatch.setattr(os, "fchown", no_chown)
    with pytest.raises(WriteError, match=r"a\.yaml: cannot give the new file its owner 4321:4321: operation not"):
        write_all([Planned(f, NEW, snap)])
    assert f.read_bytes() == OLD and not temp_files(tmp_path)


def test_long_file_names_get_a_temporary_file_that_fits(tmp_path):
    """Before: `.NAME.RANDOM.wfctl-tmp` was over 255 bytes for a 240-byte name: ENAMETOOLONG."""
    for name in ("x" * 250 + ".yml", "é" * 125 + ".yml"):
        f = make(tmp_path / name)
        rewrite(f)
        assert f.read_bytes() == NEW and not temp_files(tmp_path)
    assert len(os.fsencode(writer.temp_name("é" * 127))) <= 255 and writer.temp_name("a").startswith(".a.")


@pytest.mark.parametrize("exchange", [True, False])
def test_an_edit_landing_between_the_last_check_and_the_rename_is_saved(tmp_path, monkeypatch, exchange):
    """The check cannot be atomic with the rename: an append in between went into the replaced file and was
    lost silently. The writer keeps the old file open across the rename, sees the edit and saves it (with
    or without an exchanging rename)."""
    if not exchange:
        monkeypatch.setattr(writer, "_exchange", lambda _a, _b: False)
    a, b = make(tmp_path / "a.yaml", mode=0o640), make(tmp_path / "b.yaml")
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (a, b)]

    def append_late(stage: str, path: Path) -> None:
        if stage == "checked" and path.name == "a.yaml":
            with open(a, "ab") as fh:  # a colleague's `>>`, opened before the rename, written after
                fh.write(b"# late edit\n")

    monkeypatch.setattr(writer, "_test_hook", append_late)
    with pytest.raises(WriteError) as err:
        write_all(plans)
    saved = tmp_path / f"a.yaml{writer.EDITED_SUFFIX}"
    assert err.value.path == str(a) and "was edited by another program while wfctl replaced it" in err.value.message
    assert f"saved as {saved}" in err.value.message
    assert a.read_bytes() == NEW and b.read_bytes() == NEW  # the run went on: the others are written too
    assert saved.read_bytes() == OLD + b"# late edit\n" and stat.S_IMODE(saved.stat().st_mode) == 0o640
    assert not temp_files(tmp_path)
    # a second conflict on the same file does not overwrite the first saved copy
    _, snap = read_for_rewrite(a, LIMIT)
    with pytest.raises(WriteError, match=r"a\.yaml\.wfctl-edited\.1"):
        write_all([Planned(a, OLD, snap)])
    assert saved.read_bytes() == OLD + b"# late edit\n"


def test_a_read_only_file_system_is_named(tmp_path, monkeypatch):
    f = make(tmp_path / "a.yaml")
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)  # what a read-only mount answers
    monkeypatch.setattr(os, "statvfs", lambda _p: os.statvfs_result((0,) * 8 + (os.ST_RDONLY, 255)))
    with pytest.raises(WriteError, match=r"a\.yaml: on a read-only file system; not rewritten"):
        read_for_rewrite(f, LIMIT)
    monkeypatch.undo()
    assert f.read_bytes() == OLD


def test_a_new_file_is_taken_back_when_the_first_replace_fails(tmp_path, monkeypatch):
    """`--extract-to` writes the new file first; if the next file then turns out edited, the run used to
    stop with the new file created and no input changed. Now it removes its own new file: nothing changed."""
    a = make(tmp_path / "a.yaml")
    new_file = tmp_path / "common.yaml"
    plans = [Planned(new_file, NEW, None), Planned(a, NEW, read_for_rewrite(a, LIMIT)[1])]

    def edit_late(stage: str, path: Path) -> None:
        if stage == "before-rename" and path.name == "a.yaml":
            a.write_bytes(OLD + b"# edited\n")

    monkeypatch.setattr(writer, "_test_hook", edit_late)
    with pytest.raises(WriteError) as err:
        write_all(plans)
    assert err.value.path == str(a) and "changed on disk since wfctl read it; nothing was written" in err.value.message
    assert not new_file.exists() and a.read_bytes() == OLD + b"# edited\n" and not temp_files(tmp_path)


def test_a_symlink_through_dev_stdin_is_refused(tmp_path):
    """Before: `link.yaml -> /dev/stdin` (or -> /proc/self/fd/N) rewrote whatever file stdin came from."""
    behind_stdin = make(tmp_path / "stdin.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to("/dev/stdin")
    (tmp_path / "devdir").symlink_to("/dev")
    with open(behind_stdin, "rb") as fh:
        fd_link = tmp_path / "fd.yaml"
        fd_link.symlink_to(f"/proc/self/fd/{fh.fileno()}")  # a regular file, reached through /proc
        for path in (fd_link, tmp_path / "devdir" / "stdin"):
            with pytest.raises(WriteError, match=r"a device or process path \(through /(proc|dev)/"):
                check_writable(path)
    with open(behind_stdin, "rb") as stdin:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from wfctl import writer; import sys; writer.check_writable(writer.Path(sys.argv[1]))",
                str(link),
            ],
            cwd=ROOT,
            stdin=stdin,
            capture_output=True,
            text=True,
        )
    assert "a device or process path (through /dev/stdin)" in result.stderr
    assert writer._special_hop(Path("/dev/shm/wf.yaml")) is None  # a tmpfs of plain files: allowed
    assert behind_stdin.read_bytes() == OLD and link.is_symlink()


def _exchange_works(directory: Path) -> bool:
    x, y = make(directory / "x", b"x"), make(directory / "y", b"y")
    try:
        return writer._exchange(x, y) and x.read_bytes() == b"y"
    finally:
        x.unlink()
        y.unlink()


def test_a_file_replaced_by_another_program_in_the_last_instant_is_saved(tmp_path, monkeypatch):
    """An editor that saves by renaming its own temporary file over ours, between the last check and our
    rename: a plain rename would have deleted its version unseen. The exchanging rename moves it aside."""
    if not _exchange_works(tmp_path):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here: this instant stays unguarded (see the README)")
    a = make(tmp_path / "a.yaml", mode=0o600)
    _, snap = read_for_rewrite(a, LIMIT)
    theirs = OLD + b"# saved by an editor\n"

    def editor_saves(stage: str, path: Path) -> None:
        if stage == "checked":
            make(tmp_path / "a.yaml~", theirs, mode=0o600).replace(a)

    monkeypatch.setattr(writer, "_test_hook", editor_saves)
    with pytest.raises(WriteError, match="was edited by another program while wfctl replaced it") as err:
        write_all([Planned(a, NEW, snap)])
    saved = tmp_path / f"a.yaml{writer.EDITED_SUFFIX}"
    assert f"saved as {saved}" in err.value.message
    assert a.read_bytes() == NEW and saved.read_bytes() == theirs and not temp_files(tmp_path)
    # and the normal case leaves nothing behind
    monkeypatch.undo()
    _, snap = read_for_rewrite(a, LIMIT)
    write_all([Planned(a, OLD, snap)])
    assert a.read_bytes() == OLD and sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", saved.name]


def test_a_mode_the_system_will_not_give_is_refused(tmp_path, monkeypatch):
    """Without CAP_FSETID (a container, a user outside the file's group), chmod silently drops setgid: the
    file came back 4754 instead of 6754. Now the new file's mode is checked before anything is renamed."""
    f = make(tmp_path / "a.yaml", mode=0o2754)
    _, snap = read_for_rewrite(f, LIMIT)
    real_fchmod = os.fchmod
    monkeypatch.setattr(os, "fchmod", lambda fd, mode: real_fchmod(fd, mode & ~stat.S_ISGID))
    with pytest.raises(WriteError, match=r"a\.yaml: cannot keep its mode 2754 \(the system gives the new file 0754\)"):
        write_all([Planned(f, NEW, snap)])
    monkeypatch.undo()
    assert f.read_bytes() == OLD and stat.S_IMODE(f.stat().st_mode) == 0o2754 and not temp_files(tmp_path)


def test_a_bind_mounted_file_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """rename(2) onto a bind-mounted file (`docker -v $PWD/wf.yaml:/w/wf.yaml`) fails with EBUSY: the run
    used to stop after the files before it were replaced ("written: a.yaml; not written: b.yaml")."""
    a, b = make(tmp_path / "a.yaml"), make(tmp_path / "b.yaml")
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (a, b)]
    monkeypatch.setattr(writer, "_mount_points", lambda: {str(b.resolve())})
    with pytest.raises(WriteError, match=r"b\.yaml: is a mount point \(a bind-mounted file"):
        write_all(plans)
    assert a.read_bytes() == OLD and b.read_bytes() == OLD and not temp_files(tmp_path)


@pytest.mark.skipif(not IS_ROOT or not sys.platform.startswith("linux"), reason="bind mounts need root on Linux")
def test_a_real_bind_mount_with_a_space_in_its_name(tmp_path):
    source, a, b = make(tmp_path / "source"), make(tmp_path / "a.yaml"), make(tmp_path / "b c.yaml")
    if subprocess.run(["mount", "--bind", str(source), str(b)], capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        plans = [Planned(a, NEW, read_for_rewrite(a, LIMIT)[1])]
        with pytest.raises(WriteError, match="is a mount point"):  # mountinfo writes the space as \040
            plans.append(Planned(b, NEW, read_for_rewrite(b, LIMIT)[1]))
            write_all(plans)
        assert a.read_bytes() == OLD and b.read_bytes() == OLD
    finally:
        subprocess.run(["umount", str(b)], check=True)
    assert not temp_files(tmp_path)
