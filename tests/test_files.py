"""Atomic writes: all or nothing, umask-respecting, no temporary files left behind."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading

import pytest

from microgradx._files import atomic_open, atomic_write_bytes


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    atomic_write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_failure_mid_write_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "model.json"
    target.write_text("previous")
    with pytest.raises(RuntimeError, match="disk on fire"), atomic_open(target, "w") as f:
        f.write("half a fi")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_new_files_follow_the_umask_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        path = atomic_write_bytes(tmp_path / "picture.png", b"\x89PNG")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_missing_parent_directories_are_created(tmp_path):
    path = atomic_write_bytes(tmp_path / "a" / "b" / "c.txt", b"x")
    assert path.read_bytes() == b"x"


def test_unsupported_mode_is_rejected(tmp_path):
    with (
        pytest.raises(ValueError, match="atomic_open: mode must be"),
        atomic_open(tmp_path / "x", "a"),
    ):
        pass


# -- the edges: symlinks, non-regular files, modes, long names, signals ----------------------


def test_a_symlink_is_written_through_to_its_target_and_stays_a_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    atomic_write_bytes(link, b"x")
    assert link.is_symlink() and (tmp_path / "later.json").read_bytes() == b"x"


def _device_node(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root (mknod)")
    node = tmp_path / "null-device"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # our own /dev/null twin
    return node


def test_a_device_node_is_refused_and_left_a_device(tmp_path):
    node = _device_node(tmp_path)
    with pytest.raises(OSError, match="is a character device, not a regular file"):
        atomic_write_bytes(node, b"data")
    assert stat.S_ISCHR(node.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null-device"]


def test_a_symlink_to_a_device_node_is_refused(tmp_path):
    link = tmp_path / "link"
    link.symlink_to(_device_node(tmp_path))
    with pytest.raises(OSError, match="character device"):
        atomic_write_bytes(link, b"data")
    assert link.is_symlink()


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"is a FIFO \(named pipe\), not a regular file"):
        atomic_write_bytes(fifo, b"data")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_directory_is_refused_and_keeps_its_contents(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep").write_text("x")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        atomic_write_bytes(folder, b"data")
    assert (folder / "keep").read_text() == "x"


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_rewriting_a_file_keeps_its_permission_bits(tmp_path, mode):
    path = tmp_path / "private.json"
    path.write_bytes(b"old")
    path.chmod(mode)
    old = os.umask(0o022)
    try:
        atomic_write_bytes(path, b"new")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_bytes() == b"new"


def _write_as_nobody(path: str) -> int:
    """Try the write in a forked child running as an unprivileged user; its exit code."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 3
        try:
            os.setgid(65534)
            os.setuid(65534)
            atomic_write_bytes(path, b"new")
            code = 1
        except PermissionError as e:
            code = 0 if "read-only file" in str(e) else 2
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_a_read_only_file_is_refused_unless_root(tmp_path):
    folder = tempfile.mkdtemp(prefix="mgx-ro-")  # reachable by an unprivileged user
    try:
        os.chmod(folder, 0o777)
        path = os.path.join(folder, "frozen.json")
        with open(path, "wb") as f:
            f.write(b"old")
        os.chmod(path, 0o444)
        if os.geteuid() == 0:
            assert _write_as_nobody(path) == 0
        else:
            with pytest.raises(PermissionError, match="read-only file"):
                atomic_write_bytes(path, b"new")
        with open(path, "rb") as f:
            assert f.read() == b"old"
        assert os.listdir(folder) == ["frozen.json"]
        if os.geteuid() == 0:  # root, like open(path, "w"), may replace it; the mode is kept
            atomic_write_bytes(path, b"root")
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o444
    finally:
        shutil.rmtree(folder)


def test_a_255_byte_file_name_can_be_written(tmp_path):
    name = "m" * 250 + ".json"  # 255 bytes: the longest name most file systems allow
    path = atomic_write_bytes(tmp_path / name, b"x")
    assert path.read_bytes() == b"x"
    assert os.listdir(tmp_path) == [name]


_SIGNAL_SCRIPT = """
import os, signal, sys
from microgradx._files import atomic_open
with atomic_open(sys.argv[1], "w") as f:
    f.write("half a fi")
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    f.write("le")
print("survived")
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_terminating_signal_mid_write_leaves_no_temporary_and_still_ends_the_process(
    tmp_path, name
):
    target = tmp_path / "model.json"
    target.write_text("previous")
    result = subprocess.run(
        [sys.executable, "-c", _SIGNAL_SCRIPT, str(target), name],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == -getattr(signal, name)  # killed by the signal, as without us
    assert "survived" not in result.stdout and "Traceback" not in result.stderr
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_a_callers_signal_handler_runs_once_and_is_restored(tmp_path):
    seen = []

    def handler(signum, frame):
        seen.append(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with (
            pytest.raises(InterruptedError, match="interrupted by SIGTERM"),
            atomic_open(tmp_path / "x.json", "w") as f,
        ):
            f.write("partial")
            os.kill(os.getpid(), signal.SIGTERM)
            f.write("never")
        assert seen == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []


def test_an_ignored_signal_stays_ignored_during_a_write(tmp_path):
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with atomic_open(tmp_path / "x.json", "w") as f:
            f.write("all ")
            os.kill(os.getpid(), signal.SIGHUP)
            f.write("of it")
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert (tmp_path / "x.json").read_text() == "all of it"


def test_writes_from_a_worker_thread_work_without_touching_signal_handlers(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    errors = []

    def work():
        try:
            atomic_write_bytes(tmp_path / "t.bin", b"thread")
        except BaseException as e:  # reported below; a thread cannot raise into the test
            errors.append(e)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == []
    assert (tmp_path / "t.bin").read_bytes() == b"thread"
    assert signal.getsignal(signal.SIGTERM) is before


_WORKER_SCRIPT = """
import sys, threading
from microgradx._files import atomic_open

def write_forever():
    with atomic_open(sys.argv[1], "wb") as f:
        print("writing", flush=True)
        while True:  # never finishes: SIGTERM always lands mid-write
            f.write(b"x" * 4096)
            f.flush()

threading.Thread(target=write_forever).start()  # not a daemon: the main thread waits in join
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_terminating_signal_while_a_worker_thread_writes_leaves_no_temporary(tmp_path, name):
    target = tmp_path / "model.json"
    target.write_text("previous")
    child = subprocess.Popen(
        [sys.executable, "-c", _WORKER_SCRIPT, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "writing\n"
        assert len(list(tmp_path.glob(".mgx-*.tmp"))) == 1  # the write is under way
        child.send_signal(getattr(signal, name))
        assert child.wait(timeout=60) == -getattr(signal, name)  # ended by it, as without us
    finally:
        child.kill()
        child.wait()
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_a_forked_child_terminated_mid_write_leaves_its_parents_temporaries_alone(tmp_path):
    from microgradx import _files

    with atomic_open(tmp_path / "mine.json", "w") as f:
        f.write("parent's")
        (tmp,) = tmp_path.glob(".mgx-*.tmp")
        pid = os.fork()
        if pid == 0:  # the child: the default handler, as if SIGTERM arrived
            _files._remove_unfinished()
            os._exit(0)
        os.waitpid(pid, 0)
        assert tmp.exists()
    assert (tmp_path / "mine.json").read_text() == "parent's"
