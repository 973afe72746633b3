"""The one lock style of vraagbaak: an exclusive `fcntl.flock` on a lock file. Kernel module: imports nothing
from vraagbaak.

The kernel drops a flock when its process ends, however it ends (kill -9, a container's PID 1), so a lock is
never stale and nothing has to guess whether a recorded PID still belongs to the holder (a PID is reused). The
holder's PID is written into the file only to name it in a message. Where fcntl is missing (Windows) there is
no lock between processes.
"""
from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS
    fcntl = None


class LockHeld(Exception):
    """Another process holds the lock; `holder` is its PID where the file says it."""

    def __init__(self, holder: int | None):
        super().__init__(f"held by {holder}")
        self.holder = holder


class FileLock:
    """`with FileLock(path):` waits for the lock; `FileLock(path, wait=False)` raises LockHeld instead.
    remove=True deletes the file on release, so a lock file on disk means a holder that did not finish."""

    def __init__(self, path: Path, wait: bool = True, remove: bool = False):
        self.path, self.wait, self.remove = Path(path), wait, remove
        self._fd: int | None = None

    def __enter__(self) -> "FileLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
            try:
                self._take(fd)
            except BaseException:
                os.close(fd)
                raise
            if self._same_file(fd):
                break
            os.close(fd)  # the holder we waited for removed this file: lock the one now at the path
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except BaseException:  # a full disk: no lock held, and no descriptor left open
            os.close(fd)
            raise
        self._fd = fd
        return self

    def _take(self, fd: int) -> None:
        if fcntl is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockHeld(_pid_in(fd)) from None

    def _same_file(self, fd: int) -> bool:
        try:
            return os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    def __exit__(self, *exc) -> None:
        if self._fd is None:
            return
        try:
            if self.remove:
                self.path.unlink(missing_ok=True)  # while still held: nobody else can be holding this file
        finally:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def _pid_in(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip() or 0) or None
    except (OSError, ValueError):
        return None
