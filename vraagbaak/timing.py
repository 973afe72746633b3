"""Per-stage timings of one question, for the benchmarks (milliseconds per stage)."""
from __future__ import annotations

import time
from contextlib import contextmanager, nullcontext


class Timings(dict):
    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + (time.perf_counter() - started) * 1000


def stage(timings: Timings | None, name: str):
    """A timing context when timings are asked for, and nothing otherwise."""
    return timings.stage(name) if timings is not None else nullcontext()
