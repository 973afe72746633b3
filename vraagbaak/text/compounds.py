"""Dutch compounds ("woningbouwmonitor", "schuldhulpverlening"): a long word yields its parts where they
are words of their own in the collection. Pure; imports only text.words.
"""
from __future__ import annotations

from vraagbaak.text.words import words

LINKING = ("s", "en", "e")  # tussenklanken: veiligheid-s-monitor, hond-en-overlast
MIN_PART = 4


class CompoundSplitter:
    """Splits a word into parts that occur as words of their own in the corpus."""

    def __init__(self, vocabulary: set[str]):
        self.vocabulary = vocabulary
        self._cache: dict[str, list[str]] = {}

    def parts(self, word: str) -> list[str]:
        if len(word) < 2 * MIN_PART or word.isdigit():
            return []
        if word not in self._cache:
            self._cache[word] = self._split(word)
        return self._cache[word]

    def made_of_parts(self, word: str) -> bool:
        """Is the word a head and a tail that are both words of the vocabulary ("kamer" + "brief")?"""
        return any(word[i:] in self.vocabulary and self._known_head(word[:i])
                   for i in range(MIN_PART, len(word) - MIN_PART + 1))

    def _split(self, word: str) -> list[str]:
        found: list[str] = []
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:i], word[i:]
            if tail in self.vocabulary:
                found.append(tail)  # the last part is the compound's core: a woningbouwmonitor is a monitor
                if self._known_head(head):
                    found.append(self._known_head(head))
        return list(dict.fromkeys(found))

    def _known_head(self, head: str) -> str | None:
        if head in self.vocabulary:
            return head
        for link in LINKING:
            if head.endswith(link) and len(head) - len(link) >= MIN_PART and head[: -len(link)] in self.vocabulary:
                return head[: -len(link)]
        return None


def vocabulary(texts) -> set[str]:
    """Every word of the corpus: what the compound splitter accepts as a part."""
    return {w for t in texts for w in words(t)}
