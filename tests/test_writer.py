"""wfctl.writer: only regular files, links/mode/owner kept, concurrent edits kept, all-or-nothing, cleanup."""

from __future__ import annotations

import errno
import os
import signal
import stat
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
        with pytest.raises(WriteError, match="FIFO"):
            read_for_rewrite(link, LIMIT)
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


def test_rename_failure_midway_names_what_was_written(tmp_path, monkeypatch):
    a, b = make(tmp_path / "a.yaml"), make(tmp_path / "b.yaml")
    plans = [Planned(p, NEW, read_for_rewrite(p, LIMIT)[1]) for p in (a, b)]
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst).name == "b.yaml":
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
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
    import struct  # noqa: PLC0415

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
