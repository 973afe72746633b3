"""Which language a question is asked in: English or Dutch, by its common words. The sources are Dutch; an English
question shares no words with them and is judged by the model alone. May import: the standard library."""
from __future__ import annotations

import re

_ENGLISH = {"the", "what", "which", "who", "how", "is", "are", "does", "do", "did", "of", "to", "for", "and", "a",
            "an", "when", "where", "why", "many", "much", "was", "were", "with", "about", "there", "in", "on",
            "can", "should", "has", "have", "their", "this", "that", "by", "it", "any"}
_DUTCH = {"de", "het", "een", "en", "van", "wat", "welke", "wie", "hoe", "is", "zijn", "wordt", "worden", "in",
          "op", "voor", "met", "waarom", "wanneer", "hoeveel", "er", "te", "bij", "die", "dat", "om", "aan"}


def is_english(question: str) -> bool:
    """Two or more common English words, and more of them than common Dutch ones."""
    tokens = re.findall(r"[a-z]+", question.lower())
    english, dutch = sum(t in _ENGLISH for t in tokens), sum(t in _DUTCH for t in tokens)
    return english >= 2 and english > dutch


