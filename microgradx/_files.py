"""Safe file writing and opening, shared by every module that writes or reads files."""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

_TERMINATING = (signal.SIGTERM, signal.SIGHUP) if hasattr(signal, "SIGHUP") else (signal.SIGTERM,)


def file_kind(mode: int) -> str:
    """What an ``st_mode`` describes, in words: "a directory", "a FIFO", ..."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def writable_target(path: str | os.PathLike[str]) -> tuple[Path, os.stat_result | None]:
    """The real file a write to ``path`` should replace, and its stat (None if it is new).

    Symlinks are followed (the link's target is updated, the link stays a link). Anything
    that is not a regular file is refused with an ``OSError`` naming what it is, before any
    byte is written; a file the caller may not write is refused as ``open(path, "w")`` would.
    """
    target = Path(os.path.realpath(path))  # a symlink loop fails in os.stat below (ELOOP)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target, None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", os.fspath(path))
    if not stat.S_ISREG(info.st_mode):
        kind = file_kind(info.st_mode)
        message = f"is {kind}, not a regular file; refusing to replace it"
        raise OSError(errno.EINVAL, message, os.fspath(path))
    if not os.access(target, os.W_OK):  # root may write anything, as with open()
        raise PermissionError(errno.EACCES, "Permission denied (read-only file)", os.fspath(path))
    return target, info


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success it atomically replaces ``path``.

    Readers never see half a file: the data goes to a temporary file in the same directory
    (``os.replace`` is only atomic within one file system), is flushed to disk, and is then
    renamed over the target. On any error — Ctrl-C, SIGTERM and SIGHUP included — the
    temporary file is removed and the previous file is left untouched. A symlink is written
    through to its target; an existing file keeps its permission bits; a directory, device,
    FIFO or socket at ``path`` is refused (``OSError``) and left alone.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open: mode must be 'w' or 'wb', got {mode!r}")
    target, existing = writable_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with unwind_on_termination():
        tmp, fd = _create_temporary(target, existing)
        try:
            encoding = "utf-8" if mode == "w" else None
            with os.fdopen(fd, mode, encoding=encoding) as f:
                yield f
                f.flush()
                os.fsync(f.fileno())  # the data is on disk before the rename makes it visible
            os.replace(tmp, target)
            _UNFINISHED.pop(tmp, None)
        except BaseException as e:
            _discard(tmp)
            _name_the_file(e, path)
            raise
    _fsync_directory(target.parent)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_open(path, "wb") as f:
        f.write(data)
    return Path(path)


def atomic_write_all(files: Mapping[Path, bytes], remove: Iterable[Path] = ()) -> list[Path]:
    """Replace several files as one: all change together or, on any error, none does.

    Every file is first written to a temporary file beside its target and flushed to disk;
    only then are they renamed into place (and the files in ``remove`` deleted), with Ctrl-C,
    SIGTERM and SIGHUP held back for those few renames. So a directory never mixes files of
    this run with files of an earlier one.
    """
    staged: list[tuple[Path, Path]] = []
    with unwind_on_termination():
        try:
            for path, data in files.items():
                target, existing = writable_target(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp, fd = _create_temporary(target, existing)
                staged.append((tmp, target))
                try:
                    with os.fdopen(fd, "wb") as f:
                        f.write(data)
                        f.flush()
                        os.fsync(f.fileno())
                except OSError as e:
                    _name_the_file(e, path)
                    raise
            with _signals_held():
                for tmp, target in staged:
                    os.replace(tmp, target)
                for path in remove:
                    _remove_file(Path(path))
        finally:
            for tmp, _ in staged:
                _discard(tmp)  # still there only if a write or rename failed
    for directory in {target.parent for _, target in staged}:
        _fsync_directory(directory)
    return list(files)


def _name_the_file(e: BaseException, path: str | os.PathLike[str]) -> None:
    """A write's OSError without a file name (ENOSPC from write or fsync) names the target."""
    if isinstance(e, OSError) and e.errno is not None and e.filename is None:
        e.filename = os.fspath(path)


_UNFINISHED: dict[Path, int] = {}
"""Temporary files being written, with the pid that made them: what a SIGTERM must remove
when it lands while a worker thread writes (only the main thread can unwind a write)."""


def _create_temporary(target: Path, existing: os.stat_result | None) -> tuple[Path, int]:
    """A new temporary file beside ``target`` with the permissions ``target`` has or would get."""
    # A short name of its own (not the target's plus a suffix), so a 255-byte target name works.
    tmp = target.parent / f".mgx-{secrets.token_hex(6)}.tmp"
    _UNFINISHED[tmp] = os.getpid()  # before it exists: a signal can land right after creation
    try:
        # os.open with 0o666 (not mkstemp's 0o600): the umask decides permissions, as open().
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except BaseException:
        _UNFINISHED.pop(tmp, None)
        raise
    try:
        if existing is not None:
            _copy_ownership(fd, existing)
    except BaseException:
        os.close(fd)
        _discard(tmp)
        raise
    return tmp, fd


def _discard(tmp: Path) -> None:
    """Remove a temporary file that will not be renamed into place (if it is still there)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    _UNFINISHED.pop(tmp, None)


def _remove_unfinished() -> None:
    """Delete this process's temporary files still being written (at exit or on SIGTERM)."""
    pid = os.getpid()  # a forked child inherits the table, not the files it may delete
    for tmp, owner in list(_UNFINISHED.items()):
        if owner == pid:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _terminate(signum: int, frame: Any) -> None:
    """SIGTERM/SIGHUP's default action, after removing unfinished temporary files."""
    _remove_unfinished()
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)


def _install_cleanup() -> None:
    """At import: temporary files go at exit and on SIGTERM/SIGHUP, whichever thread writes.

    Only where the signal has its default action (a program's own handler or an ignored signal
    is left alone), and only from the main thread (where Python allows handlers): the process
    still ends by the signal, as it would have, once the files are gone.
    """
    atexit.register(_remove_unfinished)
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in _TERMINATING:
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _terminate)


_install_cleanup()


def _remove_file(path: Path) -> None:
    """Delete a file or symlink left by an earlier run; anything else is not ours to delete."""
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back (delivered right after) while the block runs."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, *_TERMINATING}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _copy_ownership(fd: int, existing: os.stat_result) -> None:
    """Give the new file the old one's permission bits (a 0600 file stays private)."""
    os.fchmod(fd, stat.S_IMODE(existing.st_mode))
    if hasattr(os, "fchown") and os.geteuid() == 0:  # only root may hand a file to its owner
        with contextlib.suppress(OSError):
            os.fchown(fd, existing.st_uid, existing.st_gid)


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived mid-write: unwind (removing the temp file), then re-deliver."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def unwind_on_termination() -> Iterator[None]:
    """While the block runs, SIGTERM/SIGHUP unwind it like Ctrl-C; then the caller's handler runs.

    Handlers are installed only around the write and only where Python allows it (the main
    thread); an ignored signal stays ignored, one handled outside Python is left alone. After
    the block the previous handlers are back and a signal that arrived is sent again, so the
    process ends (or the caller's handler runs) exactly as it would have without us.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        arrived.append(signum)
        if len(arrived) == 1:  # the first unwinds the write; a second must not break the cleanup
            raise _Terminated(signum)

    previous = {}
    for signum in _TERMINATING:
        old = signal.getsignal(signum)
        if old is not None and old != signal.SIG_IGN:
            previous[signum] = signal.signal(signum, handler)
    try:
        yield
    except _Terminated:
        pass
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
    if arrived:
        signal.raise_signal(arrived[0])  # the default action ends the process here
        name = signal.Signals(arrived[0]).name
        raise InterruptedError(errno.EINTR, f"write interrupted by {name}")


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself (POSIX); platforms without directory fds skip this."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
