"""What a collection calls its things, so that no answer rule names one collection: a folder of Kamerbrieven is
read by the same rules as the 18 cases of the default corpus.

- owner_field: the metadata field that says whose document it is ("gemeente"); `organisatie` stands in where
  it says nothing. Its values are filter values and the entries of a list ("Welke gemeenten …?");
- no_owner: owner values that mean "nobody in particular" (a report about all cases: "landelijk"); such a
  document is mentioned under a list, not listed;
- unknown: values that say nothing ("onbekend"): no filter value, no name in a reference;
- theme_field: the field of the theme filter ("domein");
- document_nouns: the words a list question counts documents by ("Welke brieven gaan over …?"): the Dutch words
  for documents, and what `collectie.yaml` adds ("cases", "dataprojecten").
- examples: the example questions on the first screen, about these documents (none by default: questions about
  another collection find nothing here).

The defaults fit Dutch government documents. `collectie.yaml` in the documents folder (not indexed itself)
changes them:

    eigenaar: gemeente
    thema: domein
    geen_eigenaar: [landelijk]
    onbekend: [onbekend]
    documenten_heten: [cases, dataprojecten]
    voorbeeldvragen:
      - Hoe pakt Zaanstad ondermijning aan met data?

Kernel module: imports nothing from vraagbaak.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

PROFILE_FILE = "collectie.yaml"
MAX_PROFILE_CHARS = 20_000
MAX_EXAMPLES, MAX_EXAMPLE_CHARS = 8, 200  # what the first screen shows well

# Words for documents in any Dutch government collection, and the English ones the app also understands.
DOCUMENT_NOUNS = ("gemeenten", "gemeentes", "projecten", "initiatieven", "voorbeelden", "documenten", "stukken",
                  "bestanden", "brieven", "kamerbrieven", "rapporten", "publicaties", "municipalities", "projects",
                  "documents")
# ... of which these also name things in the world: "drie gemeenten" or "dertig projecten" count those, not documents
THING_NOUNS = frozenset({"gemeenten", "gemeentes", "projecten", "initiatieven", "voorbeelden", "municipalities",
                         "projects"})
PAPER_NOUNS = tuple(n for n in DOCUMENT_NOUNS if n not in THING_NOUNS)  # the words that name only documents


class ProfileError(ValueError):
    """collectie.yaml cannot be read: said in Dutch, with the file."""


@dataclass(frozen=True)
class CollectionProfile:
    owner_field: str = "gemeente"
    fallback_owner_field: str = "organisatie"
    theme_field: str = "domein"
    no_owner: frozenset[str] = frozenset({"landelijk"})
    unknown: frozenset[str] = frozenset({"", "onbekend"})
    document_nouns: tuple[str, ...] = DOCUMENT_NOUNS
    examples: tuple[str, ...] = ()
    source: str = field(default="standaard", compare=False)  # where it was read from, for status and docs

    @property
    def paper_nouns(self) -> tuple[str, ...]:
        """The words that name this collection's documents and nothing else: PAPER_NOUNS and those its
        collectie.yaml adds ("cases", "dataprojecten")."""
        return PAPER_NOUNS + tuple(n for n in self.document_nouns if n not in DOCUMENT_NOUNS)

    def owner(self, metadata: dict | None) -> str:
        """Whose document this is, as the metadata says; "" where it says nothing."""
        metadata = metadata or {}
        for name in (self.owner_field, self.fallback_owner_field):
            value = str(metadata.get(name) or "").strip()
            if not self.is_unknown(value):
                return value
        return ""

    def is_unknown(self, value) -> bool:
        return value is None or str(value).strip().lower() in self.unknown

    def means_nobody(self, value) -> bool:
        """An owner value that names nobody in particular ("landelijk")."""
        return str(value).strip().lower() in self.no_owner

    def has_own_owner(self, metadata: dict | None) -> bool:
        """The document belongs to one owner ("onbekend" still says: one owner, not known which)."""
        value = (metadata or {}).get(self.owner_field)
        return bool(value) and not self.means_nobody(value)

    @classmethod
    def read(cls, corpus_dir: Path | None) -> "CollectionProfile":
        """The profile of the collection in corpus_dir: its collectie.yaml over the defaults."""
        path = Path(corpus_dir) / PROFILE_FILE if corpus_dir else None
        if path is None or not path.is_file():
            return cls()
        import yaml

        text = path.read_text(encoding="utf-8", errors="replace")
        if len(text) > MAX_PROFILE_CHARS:
            raise ProfileError(f"{path}: langer dan {MAX_PROFILE_CHARS} tekens")
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as err:
            raise ProfileError(f"{path} is geen geldige YAML: {err}") from None
        if not isinstance(data, dict):
            raise ProfileError(f"{path} moet sleutels met waarden bevatten (eigenaar, thema, documenten_heten, …)")
        default = cls()
        return cls(owner_field=_word(data, "eigenaar", default.owner_field, path),
                   theme_field=_word(data, "thema", default.theme_field, path),
                   no_owner=frozenset(_words(data, "geen_eigenaar", default.no_owner, path)),
                   unknown=frozenset({"", *_words(data, "onbekend", default.unknown, path)}),
                   document_nouns=tuple(dict.fromkeys([*default.document_nouns,
                                                       *_words(data, "documenten_heten", (), path)])),
                   examples=_questions(data, "voorbeeldvragen", path), source=str(path))


def _word(data: dict, key: str, default: str, path: Path) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{path}: '{key}' moet een veldnaam zijn, bijvoorbeeld '{default}'")
    return value.strip().lower()


def _words(data: dict, key: str, default, path: Path) -> list[str]:
    value = data.get(key, list(default))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ProfileError(f"{path}: '{key}' moet een lijst met woorden zijn")
    return [str(v).strip().lower() for v in value if str(v).strip()]


def _questions(data: dict, key: str, path: Path) -> tuple[str, ...]:
    """The example questions; one too long is left out and more than MAX_EXAMPLES are cut, with a line in the log:
    the first screen's examples never cost the rest of collectie.yaml (which decides how lists are read)."""
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{path}: '{key}' moet een lijst met vragen zijn")
    questions = [" ".join(v.split()) for v in value if v.strip()]
    kept = [q for q in questions if len(q) <= MAX_EXAMPLE_CHARS][:MAX_EXAMPLES]
    if len(kept) < len(questions):
        log.warning("%s: %d voorbeeldvragen niet getoond (hoogstens %d, van elk hoogstens %d tekens)", path,
                    len(questions) - len(kept), MAX_EXAMPLES, MAX_EXAMPLE_CHARS)
    return tuple(kept)
