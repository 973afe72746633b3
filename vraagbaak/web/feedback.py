"""The feedback log: one thumbs up/down per answer per chat session, in a JSONL file of bounded size."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

MAX_BYTES = 5_000_000  # then the log is rotated to <name>.1 (one older file is kept)
# json.dumps(ensure_ascii=False) keeps these raw; readers that split lines on them would break.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


class FeedbackLog:
    def __init__(self, path: Path, max_bytes: int = MAX_BYTES):
        self.path = path
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def vote(self, votes: dict, answer: dict, liked: bool) -> bool:
        """Record a vote unless this session already gave this answer the same vote; a changed vote is
        recorded with the one it replaces. votes: the session's {answer index: "up"/"down"}, updated here.
        Returns whether a record was written."""
        vote = "up" if liked else "down"
        previous = votes.get(answer["index"])
        if previous == vote:
            return False
        votes[answer["index"]] = vote
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "vote": vote, "question": answer["question"],
                 "answer": answer["answer"], "citations": answer["citations"]}
        if previous:
            entry["replaces"] = previous
        self._append(entry)
        return True

    def _append(self, entry: dict) -> None:
        line = json.dumps(entry, ensure_ascii=False)
        for raw, escaped in _LINE_BREAKS.items():
            line = line.replace(raw, escaped)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and self.path.stat().st_size + len(line) > self.max_bytes:
                self.path.replace(self.path.with_name(self.path.name + ".1"))
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
