"""The Dutch answer text is made in one place (answer/render.py) from what the pipeline decided: one test per
outcome, on plain data (no model, no index)."""
from __future__ import annotations

from vraagbaak.answer.render import (
    ANSWERING_BOLD,
    NEAREST_BOLD,
    NOTHING_FOUND,
    SAID_UNKNOWN,
    SOURCES_IN_DUTCH,
    answer_text,
    memo_notice,
)
from vraagbaak.profile import CollectionProfile
from vraagbaak.schema import Answer, Citation

QUOTE = "Utrecht ruimt zwerfafval op waar bewoners het melden. Veegroutes volgen de meldingen."


def citation(n: int = 1, doc: str = "a.md", owner: str = "Utrecht") -> Citation:
    return Citation(n, doc, "Slim schoonmaken", 3, None, QUOTE, ["Veegroutes volgen de meldingen."],
                    {"gemeente": owner, "jaar": 2021})


def test_an_answer_names_its_passages_and_marks_the_answering_sentence():
    text = answer_text(Answer("Hoe ruimt Utrecht afval op?", True, "", [citation()]))
    assert text.startswith(f"Ik vond 1 passage in 1 document over uw vraag; {ANSWERING_BOLD} staan vet.")
    assert "[1] „Utrecht ruimt zwerfafval op waar bewoners het melden. **Veegroutes volgen de meldingen.**”" in text
    assert "— Slim schoonmaken, Utrecht, 2021, p. 3." in text
    # where the judge does not take the bold sentence as the answer, the text does not promise one
    unsure = answer_text(Answer("Hoe ruimt Utrecht afval op?", True, "", [citation()], confident=False))
    assert "de zinnen die het best bij uw vraag passen staan vet." in unsure and ANSWERING_BOLD not in unsure


def test_nearest_and_not_stated_say_the_bold_sentences_only_come_nearest():
    nearest = Answer("Hoe ruimt Tilburg afval op?", True, "", [citation()], found_as="nearest",
                     absent_names=["Tilburg"])
    text = answer_text(nearest)
    assert text.startswith("Let op: „Tilburg” komt in geen enkel document voor. Wat hieronder staat, gaat over "
                           "de rest van uw vraag.\n\n") and NEAREST_BOLD in text
    stated = answer_text(Answer("Wat kostte het?", True, "", [citation()], found_as="not_stated",
                                missing_kind="money"))
    assert stated.startswith("De gevonden passages noemen geen bedrag; ze gaan wel over het onderwerp van uw "
                             "vraag.\n\nIk vond 1 passage") and NEAREST_BOLD in stated
    other = answer_text(Answer("Wat kost het in Amsterdam?", True, "", [citation()], found_as="not_stated",
                               missing_kind="money", missing_for="Amsterdam"))
    assert other.startswith("De gevonden passages noemen geen bedrag voor Amsterdam; ze gaan wel over")
    unnamed = Answer("Wat vindt Duitsland ervan?", True, "", [citation()], found_as="not_stated",
                     missing_kind="name", missing_what="Duitsland")
    assert answer_text(unnamed).startswith("De gevonden passages noemen Duitsland niet; ze gaan wel over")
    # a name that no document holds at all is said once, by the absence notice
    nowhere = answer_text(Answer("Wat kost het in Tilburg?", True, "", [citation()], found_as="not_stated",
                                 missing_kind="name", missing_what="Tilburg", absent_names=["Tilburg"]))
    assert nowhere.count("Tilburg") == 1 and "noemen Tilburg niet" not in nowhere


def test_not_stated_says_the_asked_fact_is_missing_where_a_quote_holds_another_of_its_kind():
    """"noemen geen datum of jaartal" above a quote with "Datum: 13 februari 2024" read as a mistake (a helper's
    user test): where a quote holds a date, a sum or a number of something else, the text says the one asked for is
    not clearly there (a check that missed the answer must not deny the date it quotes)."""
    dated = Citation(1, "a.md", "Rapport", 1, None, "Datum: 13 februari 2024 Versie: 2.1", ["Datum: 13 februari 2024"],
                     {})
    when = Answer("Wanneer is de verklaring ondertekend?", True, "", [dated], found_as="not_stated",
                  missing_kind="date")
    assert answer_text(when).startswith("De gevonden passages noemen wel een datum, maar niet duidelijk de datum "
                                        "waarnaar u vraagt; ze gaan wel ")
    assert memo_notice(when).startswith("Let op: de gevonden passages noemen wel een datum, maar niet duidelijk de "
                                        "datum waarnaar u vraagt.")
    undated = Answer("Wanneer is de verklaring ondertekend?", True, "", [citation()], found_as="not_stated",
                     missing_kind="date")
    assert answer_text(undated).startswith("De gevonden passages noemen geen datum of jaartal; ze gaan wel ")
    priced = Citation(1, "a.md", "Rapport", 1, None, "De app kostte 40.000 euro.", [], {})
    cost = Answer("Wat kostte de scan?", True, "", [priced], found_as="not_stated", missing_kind="money")
    assert answer_text(cost).startswith("De gevonden passages noemen wel een bedrag, maar niet duidelijk het bedrag "
                                        "waarnaar u vraagt;")
    # whose sum is missing stays named: that is more than "not the one asked"
    whose = Answer("Wat kost het in Amsterdam?", True, "", [priced], found_as="not_stated", missing_kind="money",
                   missing_for="Amsterdam")
    assert answer_text(whose).startswith("De gevonden passages noemen geen bedrag voor Amsterdam;")


def test_not_stated_because_the_documents_say_it_is_not_known():
    """The documents say themselves that what is asked is not known: the chat and the memo say so, not that
    the passages lack a kind of fact."""
    answer = Answer("Welke gemeente draagt de case?", True, "", [citation()], found_as="not_stated",
                    missing_kind="unknown")
    text = answer_text(answer)
    assert text.startswith(f"{SAID_UNKNOWN}\n\nIk vond 1 passage") and NEAREST_BOLD in text
    assert memo_notice(answer) == f"Let op: {SAID_UNKNOWN}"


def test_a_name_of_several_words_is_said_whole():
    """The checks look at capitalised words one by one; the text names what the user wrote."""
    tour = Answer("Hoe werden de bezoekers bij de Tour de France in Utrecht geteld?", True, "", [citation()],
                  found_as="not_stated", missing_kind="name", missing_what="Tour en France")
    assert answer_text(tour).startswith("De gevonden passages noemen Tour de France niet;")
    # only the missing words are joined: Utrecht, which the documents hold, is no part of the name (review)
    utrecht = answer_text(Answer("Wat vindt Utrecht van de Tour de France?", False, "", [],
                                 absent_names=["Tour", "France"]))
    assert utrecht.startswith("Let op: „Tour de France” komt in geen enkel document voor.")
    council = answer_text(Answer("Wat adviseert de Raad van State in Bergen op Zoom?", False, "", [],
                                 absent_names=["Raad", "State", "Bergen", "Zoom"]))
    assert council.startswith("Let op: „Raad van State”, „Bergen op Zoom” komen in geen enkel document voor.")


def test_nothing_found_names_the_nearest_documents_or_the_followups_subject():
    plain = answer_text(Answer("Wat is de hondenbelasting?", False, "", [], [{"doc": "a.md", "title": "A"}]))
    assert plain == f"{NOTHING_FOUND}\nDeze documenten komen er het dichtst bij:\n- A (a.md)"
    followup = Answer("Wat kostte dat?", False, "", [], searched_as="Slim vegen Wat kostte dat?",
                      searched_in=["a.md"], refused_in_subject=True)
    assert answer_text(followup, titles={"a.md": "Slim vegen"}) == (
        "Vervolgvraag over „Slim vegen” (gevonden met: „Slim vegen Wat kostte dat?”)\n\n"
        "In „Slim vegen” heb ik niets gevonden dat uw vraag beantwoordt.")


def test_an_overview_lists_each_document_with_its_owner_and_mentions_those_without_one():
    answer = Answer("Welke gemeenten ruimen afval op?", True, "", [citation(1), citation(2, "b.md", "Zwolle")],
                    found_as="overview", documents_searched=18, also_about=[{"doc": "r.pdf", "title": "Rapport"}],
                    filters={"domein": ["fysiek"]})
    text = answer_text(answer, CollectionProfile())
    assert text.startswith("Gezocht in: domein fysiek\n\n2 van de 18 doorzochte documenten passen bij uw vraag")
    assert "[2] **Slim schoonmaken** (Zwolle): „" in text
    assert text.endswith("Ook het overzichtsdocument „Rapport” gaat hierover; het noemt geen eigen gemeente en "
                         "staat daarom niet in de lijst.")
    organisaties = answer_text(answer, CollectionProfile(owner_field="organisatie"))
    assert "geen eigen organisatie" in organisaties


def test_an_english_question_is_told_the_quotes_stay_dutch():
    text = answer_text(Answer("How does Utrecht clean streets?", True, "", [citation()], english=True))
    assert text.startswith(SOURCES_IN_DUTCH + "\n\nIk vond 1 passage")
