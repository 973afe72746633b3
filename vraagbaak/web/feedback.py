"""The feedback log: one thumbs up/down per answer per chat session, in a JSONL file of bounded size."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from vraagbaak.audit import scrub

MAX_BYTES = 5_000_000  # then the log is rotated to <name>.1 (one older file is kept)
# Votes per client address per hour: 400 anonymous sessions from one address rotated genuine feedback out of
# the log. A reader who votes on every answer of a long day stays far below.
VOTES_PER_HOUR = 60
# json.dumps(ensure_ascii=False) keeps these raw; readers that split lines on them would break.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


class FeedbackLog:
    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, per_hour: int = VOTES_PER_HOUR, clock=time.monotonic,
                 question_text=scrub):
        """question_text: how a question is kept (the audit trail's policy: web/audit_trail.QuestionText)."""
        self.path = path
        self.question_text = question_text
        self.max_bytes = max_bytes
        self.per_hour = per_hour
        self._clock = clock
        self._recent: dict[str, list[float]] = {}  # client address -> times of its recorded votes this hour
        self._lock = threading.Lock()

    def vote(self, votes: dict, answer: dict, liked: bool, client: str = "") -> bool:
        """Record a vote unless this session already gave this answer the same vote, or this client address
        gave per_hour votes in the last hour; a changed vote is recorded with the one it replaces. votes: the
        session's {answer index: "up"/"down"}, updated here. Returns whether a record was written."""
        vote = "up" if liked else "down"
        previous = votes.get(answer["index"])
        if previous == vote or not self._allowed(client):
            return False
        votes[answer["index"]] = vote
        # a BSN, e-mail address or phone number in a question, or quoted from a document, never reaches the log
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "vote": vote,
                 "question": self.question_text(answer["question"]),
                 "answer": scrub(answer["answer"]), "citations": json.loads(scrub(json.dumps(answer["citations"])))}
        if previous:
            entry["replaces"] = previous
        self._append(entry)
        return True

    def _allowed(self, client: str) -> bool:
        now = self._clock()
        with self._lock:
            if len(self._recent) > 10_000:  # addresses seen this hour: bounded
                self._recent = {c: t for c, t in self._recent.items() if t and now - t[-1] < 3600}
            recent = [t for t in self._recent.get(client, []) if now - t < 3600]
            if len(recent) >= self.per_hour:
                self._recent[client] = recent
                return False
            self._recent[client] = recent + [now]
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
