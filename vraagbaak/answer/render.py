"""The Dutch answer text, made in one place from what the pipeline decided (Answer: outcome, citations, the
documents nearest, what was searched and where, the absent words). The builder and the Assistant decide and
leave the text to `answer_text`; the chat, the CLI and the memo show what it makes. May import: kernel,
text, answer.citations, answer.kinds."""
from __future__ import annotations

from vraagbaak.answer.citations import filters_line, source_reference
from vraagbaak.answer.kinds import COUNT, DECISION, DURATION, OFFICES, PERCENTAGE, SUM_OF_MONEY, VOTE, WHEN, Kind
from vraagbaak.profile import CollectionProfile
from vraagbaak.schema import Answer, Citation
from vraagbaak.text.cleaning import redaction_spots
from vraagbaak.text.words import whole_names

NOTHING_FOUND = "In de documenten heb ik niets gevonden dat uw vraag beantwoordt."
NOTHING_FOUND_IN = "In {titles} heb ik niets gevonden dat uw vraag beantwoordt."
ANSWERING_BOLD = "de zinnen die het antwoord geven"  # "… staan vet"
FITTING_BOLD = "de zinnen die het best bij uw vraag passen"  # answered, but the judge is not sure of the bold sentence
NEAREST_BOLD = "de zinnen die het dichtst bij uw vraag komen"  # the quotes are about the subject, not the answer
SOURCES_IN_DUTCH = "The sources are in Dutch; the quotes below are verbatim."
# a not_stated answer whose documents say themselves that what is asked is not known (builder._told_unknown)
SAID_UNKNOWN = "Volgens de documenten zelf is dit niet bekend; het eerste citaat zegt dat."
# what a not_stated answer says the passages lack, per kind of fact asked (answer/kinds.py, Kind.missing)
MISSING = {"money": "geen bedrag", "date": "geen datum of jaartal", "amount": "geen aantal of getal",
           "decision": "geen besluit of stemuitslag", "duration": "geen duur of termijn",
           "percentage": "geen percentage", "vote": "geen stemuitslag", "result": "geen uitkomst of conclusie",
           "frequency": "niet hoe vaak", "signer": "niet wie ondertekende"}
# ... where a quote does hold such a fact: "geen datum of jaartal" above "Datum: 13 februari 2024" reads as a mistake
# (a helper's user test), and where the check missed the answer ("Op 19 juni 2020 droeg … over", a red team) "niet de
# datum waarnaar u vraagt" denies it: the text says which is there and that it is not clearly the one asked for
NOT_THE_ASKED = {"money": ("een bedrag", "het bedrag"), "date": ("een datum", "de datum"),
                 "amount": ("een aantal", "het aantal"), "percentage": ("een percentage", "het percentage"),
                 "duration": ("een duur of termijn", "de duur of termijn"),
                 "decision": ("een besluit", "het besluit"), "vote": ("een stemuitslag", "de stemuitslag")}
_KIND_OF = {kind.missing: kind for kind in (SUM_OF_MONEY, WHEN, COUNT, PERCENTAGE, DURATION, DECISION, VOTE)}


def answer_text(answer: Answer, profile: CollectionProfile = CollectionProfile(),
                titles: dict[str, str] | None = None) -> str:
    """The whole answer as the user reads it: what was searched (a follow-up's subject, a rewritten question,
    the filters, words no document holds), then the answer itself. titles: document -> title, for the
    documents a follow-up was limited to."""
    named = ", ".join(f"„{(titles or {}).get(d, d)}”" for d in answer.searched_in)
    scope = ([f"Vervolgvraag over {named} (gevonden met: „{answer.searched_as}”)"] if answer.searched_in else
             [f"Gezocht op: „{answer.searched_as}”"] if answer.searched_as and answer.searched_as != answer.question
             else [])
    scope += [filters_line(answer.filters)] if answer.filters else []
    absent = whole_names(answer.question, answer.absent_names) + answer.absent_words
    scope += [absence_notice(absent, answer.found)] if absent else []
    body = _body(answer, profile, named)
    return "\n".join(scope) + f"\n\n{body}" if scope else body


def absence_notice(absent: list[str], found: bool) -> str:
    quoted = ", ".join(f"„{name}”" for name in absent)
    said = f"Let op: {quoted} {'komt' if len(absent) == 1 else 'komen'} in geen enkel document voor."
    return f"{said} Wat hieronder staat, gaat over de rest van uw vraag." if found else said


def memo_notice(answer: Answer) -> str | None:
    """What a memo must say before its quotes when they do not answer the question: that the passages do not
    state the amount, date or number asked (the chat says so too). None for an answer."""
    if answer.found and answer.found_as == "not_stated" and answer.missing_kind == "unknown":
        return f"Let op: {SAID_UNKNOWN}"
    if answer.found and answer.found_as == "not_stated":
        return (f"Let op: de gevonden passages noemen {_missing(answer)}. De citaten gaan wel over het "
                "onderwerp van de vraag, maar beantwoorden haar niet.")
    return None


def _missing(answer: Answer) -> str:
    """What the passages do not name: "geen aantal reizigers" where the question counts something, "2014 niet"
    where it names a year that no quote holds ("13 juli niet" for a day), "Duitsland niet" for a name."""
    if answer.missing_kind == "name":  # "Tour de France niet", where the check found "France" missing
        return " en ".join(whole_names(answer.question, answer.missing_what.split(" en "))) + " niet"
    if answer.missing_kind in ("year", "day"):
        return f"{answer.missing_what} niet"
    if answer.missing_kind == "redacted":  # a Woo release blacked the names out and printed the ground instead
        several = len(redaction_spots(answer.citations[0].quote)) > 1 if answer.citations else False
        said = "geen namen: die zijn" if several else "geen naam: die is"
        return f"{said} weggelakt op grond van de Woo ({answer.missing_what})"
    if answer.missing_kind == "office":  # "Wie is de burgemeester …?": "niet wie de burgemeester is"
        office = answer.missing_what
        plural = office.split("-")[0] not in OFFICES and office.endswith(("s", "en"))  # "wethouders", "eigenaren"
        return f"niet wie de {office} {'zijn' if plural else 'is'}"
    if not (answer.missing_what or answer.missing_for) and _quoted(_KIND_OF.get(answer.missing_kind), answer):
        some, the = NOT_THE_ASKED[answer.missing_kind]
        return f"wel {some}, maar niet duidelijk {the} waarnaar u vraagt"
    missing = f"geen aantal {answer.missing_what}" if answer.missing_what else MISSING[answer.missing_kind]
    return f"{missing} voor {answer.missing_for}" if answer.missing_for else missing


def _said_absent(answer: Answer) -> bool:
    """The names the passages lack are in no document at all: the absence notice above the answer said so."""
    return answer.missing_kind == "name" and set(answer.missing_what.split(" en ")) <= set(answer.absent_names)


def _body(answer: Answer, profile: CollectionProfile, named_subject: str) -> str:
    if not answer.found:
        if answer.refused_in_subject:
            return NOTHING_FOUND_IN.format(titles=named_subject)
        lines = [NOTHING_FOUND]
        if answer.nearest_documents:
            lines.append("Deze documenten komen er het dichtst bij:")
            lines += [f"- {d['title']} ({d['doc']})" for d in answer.nearest_documents]
        return "\n".join(lines)
    lead = [SOURCES_IN_DUTCH] if answer.english else []
    if answer.found_as == "overview":
        return "\n\n".join(lead + _overview(answer, profile))
    if answer.found_as == "not_stated" and answer.missing_kind == "unknown":
        lead.append(SAID_UNKNOWN)
    elif answer.found_as == "not_stated" and not _said_absent(answer):
        lead.append(f"De gevonden passages noemen {_missing(answer)}; ze gaan wel over het onderwerp "
                    "van uw vraag.")
    citations = answer.citations
    docs = len({c.doc for c in citations})
    bold = NEAREST_BOLD if answer.found_as != "answered" else ANSWERING_BOLD if answer.confident else FITTING_BOLD
    intro = (f"Ik vond {len(citations)} {'passage' if len(citations) == 1 else 'passages'} in {docs} "
             f"{'document' if docs == 1 else 'documenten'} over uw vraag; {bold} staan vet.")
    return "\n\n".join(lead + [intro] + [f"[{c.n}] „{marked_quote(c)}”\n— {source_reference(c, with_url=False)}"
                                         for c in citations])


def _overview(answer: Answer, profile: CollectionProfile) -> list[str]:
    citations = answer.citations
    intro = (f"{len(citations)} van de {answer.documents_searched} doorzochte documenten "
             f"{'past' if len(citations) == 1 else 'passen'} bij uw vraag "
             f"(één citaat per document; de zin die het laat zien staat vet):")
    lines = [f"[{c.n}] **{c.title}**{_who(c, profile)}: „{marked_quote(c)}”" for c in citations]
    general = answer.also_about
    if general:
        titles = ", ".join(f"„{d['title']}”" for d in general)
        owner = profile.owner_field
        lines.append(f"Ook de overzichtsdocumenten {titles} gaan hierover; ze noemen geen eigen {owner} en "
                     "staan daarom niet in de lijst." if len(general) > 1 else
                     f"Ook het overzichtsdocument {titles} gaat hierover; het noemt geen eigen {owner} en "
                     "staat daarom niet in de lijst.")
    return [intro] + lines


def _who(c: Citation, profile: CollectionProfile) -> str:
    who = profile.owner(c.metadata)
    return f" ({who})" if who else ""


def marked_quote(c: Citation) -> str:
    """The quote with its bold sentences in Markdown bold."""
    text = c.quote
    for sentence in c.highlights:
        text = text.replace(sentence, f"**{sentence}**", 1)
    return text


def _quoted(kind: Kind | None, answer: Answer) -> bool:
    """Does a quote of the answer hold a fact of this kind (of something else than what is asked)?"""
    return kind is not None and any(kind.holds(c.quote) for c in answer.citations)
