"""Follow-up questions without a language model: a question that leans on the one before it is searched
together with the subject of that earlier question, and the user sees what was searched.

"En in Rotterdam?" after "Hoe pakt Utrecht zwerfafval aan met data?" is searched, and shown, as
"Hoe pakt Rotterdam zwerfafval aan met data?": the new place takes the earlier one's place. Where that cannot
be done plainly (the earlier question names several things, or a place as an adjective: "Utrechtse"), as
"Hoe pakt zwerfafval aan met data? — in Rotterdam".
"""
from __future__ import annotations

import re

from vraagbaak.text.owners import named_in_question
from vraagbaak.text.words import CAPITALISED_NAME, PLACE_ADJECTIVE, WHOLE_NAME, fold

# How a follow-up starts: "En in Rotterdam?", "Maar hoe …", "Hoe zit het met …", "Wat dan met …", "Ook …"
_CONNECTIVE = re.compile(r"^\s*(en|maar|ook|of|en wat|wat dan|hoe zit het met|en hoe|wat nu als|dus)\b[\s,]*",
                         re.I)
# References to the earlier subject: "daarvan", "dat project", "die gemeente", "hun", "ervan"
_REFERENCE = re.compile(r"\b((daar|hier|er)(aan|bij|door|in|mee|na|naar|om|onder|op|over|toe|uit|van|voor)"
                        r"|d(at|it|ie|eze) (project|case|gemeente|aanpak|model|onderzoek|platform|monitor|app|"
                        r"applicatie|dashboard|programma|regeling)|het project|de case|hun|zij|ze)\b", re.I)
# "Wat levert dat op?": a short question with a bare pronoun and no name of its own
_PRONOUN = re.compile(r"\b(dat|dit|ze|zij|hun|hen|hem)\b", re.I)
_QUESTION_WORDS = {"wat", "wie", "welke", "welk", "hoe", "waar", "waarom", "wanneer", "hoeveel", "sinds", "met",
                   "door", "voor", "van", "het", "de", "een", "is", "zijn", "was", "waren", "en", "in", "op"}
_WORD = re.compile(r"[\wÀ-ÿ'-]+")
SHORT_WORDS = 4  # a question of at most this many words, without a subject word, says too little on its own
PRONOUN_WORDS = 8  # up to this many words, a bare "dat"/"ze" points back
RETRY_WORDS = 5  # up to this many words, a question that finds nothing alone is tried as a follow-up


def leans_on_previous(question: str) -> bool:
    words = _WORD.findall(question)
    has_subject = any(len(w) >= 5 and w.lower() not in _QUESTION_WORDS for w in words)
    has_name = names_a_subject(question)
    return bool(_CONNECTIVE.match(question) or _REFERENCE.search(question)
                or (len(words) <= SHORT_WORDS and not has_subject)
                or (len(words) <= PRONOUN_WORDS and not has_name and _PRONOUN.search(question)))


def names_a_subject(question: str) -> bool:
    """A capitalised name inside the question ("Utrecht", "Slim vegen"): the question has a subject of its own."""
    return bool(CAPITALISED_NAME.search(question))


def could_lean_on_previous(question: str) -> bool:
    """A question that found nothing on its own may still lean on the earlier one: a short one without a name
    ("Hoeveel wordt er voorgeschoten?", "Via welke dashboards?"). A longer one says what it asks about."""
    return not names_a_subject(question) and len(_WORD.findall(question)) <= RETRY_WORDS


def searched_as(question: str, previous: list[str] | tuple[str, ...] = (), force: bool = False,
                places: frozenset[str] = frozenset()) -> str:
    """What to search for: the question itself, or, when it leans on the conversation, the question with the
    subject of the earlier question it continues (earlier questions oldest first). force: read it as a
    follow-up even without the signs (used when the question alone finds nothing). places: the collection's
    owners (gemeenten), folded: only such a name of the earlier question makes room for the follow-up's."""
    question = question.strip()
    if not previous or not (force or leans_on_previous(question)):
        return question
    subject = searched_as(previous[-1], previous[:-1], places=places)  # the earlier one may be a follow-up too
    names = set(CAPITALISED_NAME.findall(question))
    rest = own_part(question)
    in_place = _in_place_of_the_earlier_name(subject, rest, places) if names else None
    if in_place:
        return in_place
    if names:  # "En in Rotterdam?": the new place replaces the places of the earlier question
        subject = _without_places(subject, places) if places else CAPITALISED_NAME.sub("", subject)
        subject = re.sub(r"\s+", " ", subject).strip()
    return f"{subject.rstrip('?. ')} — {rest}" if rest else subject


# "in Rotterdam", "uit Alphen aan den Rijn", "Amsterdam": a follow-up that only moves the question to another name
_PREPOSITION = r"(?:in|uit|bij|voor|van|te|op)"  # of a place: "En over Tozo?" asks about something else
_ONLY_A_NAME = re.compile(rf"^(?:((?i:{_PREPOSITION}))\s+)?({WHOLE_NAME.pattern})\s*[?.!]*$")


def moved_to(question: str, previous: list[str] | tuple[str, ...] = ()) -> str | None:
    """The name a follow-up moves the earlier question to ("En in Utrecht?" → "Utrecht"); None for any other
    question. The user asks the same about that name: an answer about the earlier one is no answer."""
    if not previous or not leans_on_previous(question):
        return None
    only = _ONLY_A_NAME.match(own_part(question))
    # a name inside the question, not its first word ("Sinds wanneer?")
    return only.group(2) if only and names_a_subject(question) else None


def _in_place_of_the_earlier_name(subject: str, rest: str, places: frozenset[str]) -> str | None:
    """The earlier question with its name replaced by the follow-up's ("Welke cases komen uit Zaanstad?",
    "En in Utrecht?" → "Welke cases komen uit Utrecht?"): a question a user can read, and one an overview
    question stays. Only a place of the collection makes room ("Wat deed de GGD in Amsterdam?", "En in
    Rotterdam?": not the GGD). None where the follow-up asks more than another name, or where the earlier question
    names no single place ("Utrechtse projecten" names none: "Rotterdam projecten" would say nothing; of
    "Zaanstad en Utrecht", which one would be a guess)."""
    new = _ONLY_A_NAME.match(rest)
    if not new:
        return None
    # a place of the collection: "Hoe voorspelt het Wmo-model …?" and "En in Utrecht?" is no "Hoe voorspelt het
    # Utrecht …?" (a helper's review); in "Wat doet Utrecht op Lage Weide?" only Utrecht is a place
    earlier = [(start, end) for start, end, _ in named_in_question(subject, places) if _is_a_name_at(subject, start)]
    if len(earlier) != 1:
        return None
    start, end = earlier[0]
    return f"{subject[:start]}{new.group(2)}{subject[end:]}"


def _without_places(subject: str, places: frozenset[str]) -> str:
    """The earlier question without its places and their adjectives ("Utrechtse", "Zwolse", "Zaanse", "Haagse"),
    keeping its other names ("Hoe voorspelt het Wmo-model …?" stays about the Wmo-model)."""
    for start, end, _ in sorted(named_in_question(subject, places), reverse=True):
        subject = subject[:start] + subject[end:]
    starts = {place.split()[-1][:4] for place in places} | {place[:4] for place in places}
    return CAPITALISED_NAME.sub(lambda m: "" if PLACE_ADJECTIVE.search(m.group(0)) and fold(m.group(0))[:4] in starts
                                else m.group(0), subject)


def _is_a_name_at(text: str, at: int) -> bool:
    """A capitalised word at `at` that is no first word of the text or of a sentence in it."""
    found = CAPITALISED_NAME.search(text, at)
    return found is not None and found.start() == at


def own_part(question: str) -> str:
    """The question without the words that join it to the conversation ("En", "Maar", "Hoe zit het met")."""
    return _CONNECTIVE.sub("", question.strip()).strip()


def asks_something_of_its_own(question: str) -> bool:
    """"Wat heeft dat project opgeleverd?" asks something new about the earlier subject; "En in Enschede?" or
    "Sinds wanneer?" only moves the earlier question. A word of four letters or more that is no name, no
    question word and no reference to the earlier subject makes the difference."""
    rest = _REFERENCE.sub(" ", _CONNECTIVE.sub("", question))
    rest = re.sub(r"\b[A-Z][\w'-]*", " ", rest)  # names, also the first word of the rest ("En Amsterdam?")
    return any(len(w) >= 4 and not w.isdigit() and w.lower() not in _NOT_ASKED for w in _WORD.findall(rest))


# Words of four letters or more that ask nothing of their own: question words, auxiliaries, fillers
_NOT_ASKED = _QUESTION_WORDS | {"daar", "hier", "toen", "heeft", "hebben", "had", "hadden", "wordt", "worden",
                                "werd", "werden", "ook", "alleen", "dan", "nog", "echt"}
