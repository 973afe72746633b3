"""A cap on what one message writes to the app's log. Gradio prints the traceback of a failed event itself
(traceback.print_exc), whatever the logging setup; the message of a validation error lists every bad item, and a
malformed chat history of 200,000 items wrote 600,000 lines. The cap keeps the head of each message and says how
much was left out. May import: nothing of vraagbaak."""
from __future__ import annotations

from typing import TextIO

MAX_MESSAGE_CHARS = 8_000  # a traceback with its frames fits; one line per bad item of a huge request does not


class CappedStream:
    """A text stream (sys.stderr) whose writes are cut to MAX_MESSAGE_CHARS each."""

    def __init__(self, stream: TextIO, limit: int = MAX_MESSAGE_CHARS):
        self._stream, self._limit = stream, limit

    def write(self, text: str) -> int:
        if len(text) > self._limit:
            left_out = text[self._limit:]
            text = (f"{text[: self._limit]}\n… ingekort: nog {left_out.count(chr(10)) + 1} regels "
                    f"({len(left_out)} tekens) weggelaten / truncated\n")
        return self._stream.write(text)

    def __getattr__(self, name):  # flush, fileno, isatty, encoding, …: those of the stream
        return getattr(self._stream, name)
