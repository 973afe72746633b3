"""Benchmarks: indexing throughput and question latency at 1k, 10k and 100k passages.

Kept apart from the tests (speed goals never live in timed tests). Run with ``python -m bench``.
"""
