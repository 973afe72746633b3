"""The writer lock: one indexer per index folder at a time (a flock, vraagbaak.locking)."""
from __future__ import annotations

from pathlib import Path

from vraagbaak.index.versions import IndexLocked
from vraagbaak.locking import FileLock, LockHeld


class WriterLock:
    """One indexer at a time. The lock file stays behind only when an indexer was killed; the next one takes
    it, because the kernel released the killed indexer's flock."""

    def __init__(self, index_dir: Path):
        self.path = index_dir / ".lock"
        self._lock = FileLock(self.path, wait=False, remove=True)

    def __enter__(self):
        try:
            self._lock.__enter__()
        except LockHeld as held:
            who = f" (proces {held.holder})" if held.holder else ""
            raise IndexLocked(f"Er draait al een indexering{who}. Wacht tot die klaar is. "
                              f"/ Another indexer{f' (pid {held.holder})' if held.holder else ''} is running.") from None
        return self

    def __exit__(self, *exc):
        self._lock.__exit__(*exc)
