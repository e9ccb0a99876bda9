"""Atomic writes: all or nothing, umask-respecting, no temporary files left behind."""

from __future__ import annotations

import os

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
