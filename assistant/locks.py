"""The writer lock: one indexer per index folder at a time."""
from __future__ import annotations

import os
from pathlib import Path

from .store import IndexLocked


class WriterLock:
    """One indexer at a time; a lock left by a dead process is taken over."""

    def __init__(self, index_dir: Path):
        self.path = index_dir / ".lock"

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                holder = self._holder()
                if holder and _alive(holder):
                    raise IndexLocked(f"Er draait al een indexering (proces {holder}). Wacht tot die klaar is. "
                                      f"/ Another indexer (pid {holder}) is running.")
                self.path.unlink(missing_ok=True)  # stale: its process is gone
                continue
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            return self
        raise IndexLocked(f"Kon het slot {self.path} niet krijgen / could not take the lock")

    def _holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip() or 0) or None
        except (OSError, ValueError):
            return None

    def __exit__(self, *exc):
        if self._holder() == os.getpid():
            self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
