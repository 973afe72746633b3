"""Follow-up questions: what leans on the conversation is searched with the earlier subject; a new subject
starts fresh. Invented examples, not the dev conversations in eval/followup_dev.jsonl."""
import pytest

from vraagbaak.search.followup import leans_on_previous, own_part, searched_as

EARLIER = "Hoe verdeelt Groningen de subsidie voor zonnepanelen?"


@pytest.mark.parametrize("follow_up", [
    "En in Assen?", "Maar hoe lang duurt de aanvraag?", "Hoeveel geld ging daarnaar?", "Wie voerde dat project uit?",
    "Sinds wanneer?", "Wie?", "Wat levert dat de bewoners op?", "hoe zit het met de kosten",
])
def test_questions_that_lean_on_the_earlier_one(follow_up):
    assert leans_on_previous(follow_up)
    assert "subsidie voor zonnepanelen" in searched_as(follow_up, [EARLIER])


@pytest.mark.parametrize("fresh", [
    "Hoe pakt Zwolle de overlast van meeuwen aan?", "Wat kost een paspoort?", "Hoe werkt het huishoudboekje?",
])
def test_a_new_subject_starts_fresh(fresh):
    assert not leans_on_previous(fresh)
    assert searched_as(fresh, [EARLIER]) == fresh


def test_a_new_place_replaces_the_earlier_place():
    searched = searched_as("En in Assen?", [EARLIER])
    assert "Assen" in searched and "Groningen" not in searched


@pytest.mark.parametrize("earlier, follow_up, searched", [
    ("Welke projecten komen uit Zwolle?", "En in Deventer?", "Welke projecten komen uit Deventer?"),
    ("Hoe verdeelt Groningen de subsidie voor zonnepanelen?", "En in Alphen aan den Rijn?",
     "Hoe verdeelt Alphen aan den Rijn de subsidie voor zonnepanelen?"),
    # of several names, the one after the same preposition
    ("Wat deed de GGD in Zwolle tegen hittestress?", "En in Deventer?", "Wat deed de GGD in Deventer tegen hittestress?"),
    # a place as an adjective is not replaced ("Deventer projecten" says nothing): the earlier form
    ("Welke Zwolse projecten gaan over afval?", "En uit Deventer?", "Welke projecten gaan over afval — uit Deventer?"),
])
def test_a_follow_up_that_moves_the_question_is_searched_and_shown_as_a_question(earlier, follow_up, searched):
    """"En in Utrecht?" after "Welke cases komen uit Zaanstad?" was searched and shown as "Welke cases komen uit —
    in Utrecht?" (browser test): now the new name takes the earlier place's place."""
    from vraagbaak.search.followup import moved_to

    assert searched_as(follow_up, [earlier], places=PLACES) == searched
    assert moved_to(follow_up, [earlier]) == own_part(follow_up).split(" ", 1)[-1].rstrip("?")


@pytest.mark.parametrize("earlier, follow_up, searched", [
    # a name that is no place of the collection keeps its place (a helper's review: "Hoe voorspelt het Utrecht …")
    ("Hoe voorspelt het Wmo-model de zorgvraag?", "En in Utrecht?", "Hoe voorspelt het Wmo-model de zorgvraag — in Utrecht?"),
    # only the place of "Utrecht op Lage Weide" is replaced
    ("Wat doet Utrecht op Lage Weide?", "En in Rotterdam?", "Wat doet Rotterdam op Lage Weide?"),
])
def test_only_a_place_of_the_collection_makes_room_for_the_new_one(earlier, follow_up, searched):
    assert searched_as(follow_up, [earlier], places=frozenset({"utrecht", "rotterdam"})) == searched


PLACES = frozenset({"zwolle", "deventer", "groningen", "alphen aan den rijn"})


@pytest.mark.parametrize("follow_up", ["Sinds wanneer?", "En in de buurt?", "Wie?", "En wat kost dat in Assen?",
                                       "En over Tozo?"])
def test_only_a_follow_up_that_asks_another_name_moves_the_question(follow_up):
    from vraagbaak.search.followup import moved_to

    assert moved_to(follow_up, [EARLIER]) is None
    assert "subsidie" in searched_as(follow_up, [EARLIER])


def test_a_chain_of_follow_ups_keeps_the_first_subject():
    searched = searched_as("Sinds wanneer?", [EARLIER, "En in Assen?"])
    assert "subsidie voor zonnepanelen" in searched and "Assen" in searched and "Groningen" not in searched


def test_without_a_conversation_the_question_is_searched_as_it_is():
    assert searched_as("En in Assen?", []) == "En in Assen?"


def test_force_reads_any_question_as_a_follow_up():
    assert searched_as("Hoeveel kost de aanvraag?", [EARLIER]) == "Hoeveel kost de aanvraag?"
    assert "subsidie voor zonnepanelen" in searched_as("Hoeveel kost de aanvraag?", [EARLIER], force=True)


def test_only_a_short_question_without_a_name_is_tried_again_as_a_follow_up():
    """A question that finds nothing alone is glued to the earlier one only when it says too little itself:
    "Welke drie projecten kwamen er het beste uit?", glued to "Hoeveel dataprojecten … bekeken?", found the
    earlier question's answer (seen when trying it as a user)."""
    from vraagbaak.search.followup import could_lean_on_previous

    assert could_lean_on_previous("Hoeveel wordt er voorgeschoten?") and could_lean_on_previous("Via welke dashboards?")
    assert not could_lean_on_previous("Welke drie projecten kwamen er het beste uit?")
    assert not could_lean_on_previous("Hoeveel trok Utrecht uit?")  # names its own subject


@pytest.mark.parametrize("follow_up, own", [
    ("En in Assen?", False), ("En Assen?", False), ("Sinds wanneer?", False),
    ("Wat levert dat de bewoners op?", True), ("Hoe lang duurt de aanvraag daar?", True), ("Wie?", False),
])
def test_a_follow_up_that_asks_something_of_its_own(follow_up, own):
    """"Wat levert dat op?" asks something new about the earlier subject; "En in Assen?" moves the earlier
    question to another place and asks nothing of its own."""
    from vraagbaak.search.followup import asks_something_of_its_own

    assert asks_something_of_its_own(follow_up) is own


def test_a_follow_up_is_answered_from_the_earlier_subject_with_its_own_question(tmp_path, embedder):
    """The conversation gives the document, the follow-up what to quote from it: glued to the earlier
    question ("Hoe verdeelt Groningen …"), the earlier question's words chose the sentence on the lottery."""
    from vraagbaak.assistant import Assistant
    from vraagbaak.settings import Settings

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "zonnepanelen-groningen.md").write_text(
        "---\ntitle: Zonnepanelen Groningen\ngemeente: Groningen\n---\n\n# Zonnepanelen Groningen\n\n"
        "## Verdeling\n\nGroningen verdeelt de subsidie voor zonnepanelen door loting onder de aanvragers. "
        "Wie wordt ingeloot, krijgt de subsidie voor zonnepanelen binnen zes weken.\n\n"
        "## Resultaat\n\nDe regeling heeft 1.200 nieuwe daken met zonnepanelen opgeleverd.\n", encoding="utf-8")
    (corpus / "warmtepompen-assen.md").write_text(
        "---\ntitle: Warmtepompen Assen\ngemeente: Assen\n---\n\n# Warmtepompen Assen\n\n"
        "Assen verdeelt de subsidie voor warmtepompen op volgorde van binnenkomst. "
        "De regeling heeft 300 warmtepompen opgeleverd.\n", encoding="utf-8")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "i",
                                   model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    answer = assistant.ask("Wat heeft dat opgeleverd?", previous=[EARLIER])
    assert answer.found and answer.searched_in == ["zonnepanelen-groningen.md"]
    assert answer.to_json()["searched_in"] == ["zonnepanelen-groningen.md"]
    assert {c.doc for c in answer.citations} == {"zonnepanelen-groningen.md"}
    assert "1.200 nieuwe daken" in answer.citations[0].highlights[0], answer.answer
    assert answer.answer.startswith("Vervolgvraag over „Zonnepanelen Groningen”")
    moved = assistant.ask("En in Assen?", previous=[EARLIER])  # asks nothing of its own: searched as before
    assert moved.searched_in == [] and moved.citations[0].doc == "warmtepompen-assen.md"
    others = assistant.ask("Welke andere gemeenten doen dat?", previous=[EARLIER])  # an overview looks further
    assert others.searched_in == []


def test_a_follow_up_to_another_place_answers_only_from_documents_that_name_it(tmp_path, embedder):
    """"En in Utrecht?" after a question about Zaanstad's foundations quoted Zaanstad first (browser test): the
    user asks the same of Utrecht, so a quote from a document that does not name Utrecht answers nothing. And an
    overview moved to another place stays an overview."""
    from vraagbaak.assistant import Assistant
    from vraagbaak.settings import Settings

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "fundering-zaanstad.md").write_text(
        "---\ntitle: Fundering Zaanstad\ngemeente: Zaanstad\n---\n\n# Fundering Zaanstad\n\n"
        "Met meetboutjes houdt Zaanstad bij welke panden verzakken. Eigenaren zien hun meetgegevens online.\n",
        encoding="utf-8")
    for name, place, text in [("afval", "Utrecht", "Utrecht haalt het afval op met slimme containers."),
                              ("monumenten", "Utrecht", "In Utrecht zijn veel oude panden een monument; eigenaren "
                               "zien online welke panden dat zijn."),
                              ("wijken", "Zaanstad", "Zaanstad bekijkt de leefbaarheid per wijk met een dashboard.")]:
        (corpus / f"{name}-{place.lower()}.md").write_text(
            f"---\ntitle: {name.title()} {place}\ngemeente: {place}\n---\n\n# {name.title()} {place}\n\n{text}\n",
            encoding="utf-8")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "i",
                                   model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    earlier = "Hoe houdt Zaanstad bij welke panden verzakken?"
    assert assistant.ask(earlier).citations[0].doc == "fundering-zaanstad.md"
    moved = assistant.ask("En in Utrecht?", previous=[earlier])
    assert moved.searched_as == "Hoe houdt Utrecht bij welke panden verzakken?"
    # no document says how Utrecht does it: the Zaanstad quote stays, under a notice that it does not name Utrecht
    assert moved.outcome == "not_stated" and "noemen Utrecht niet" in moved.answer, moved.answer
    listed = assistant.ask("En in Utrecht?", previous=["Welke projecten komen uit Zaanstad?"])
    assert listed.outcome == "overview", listed.answer
    assert {c.doc for c in listed.citations} == {"afval-utrecht.md", "monumenten-utrecht.md"}


def test_naming_keeps_the_quotes_from_documents_that_name_the_place():
    """The selection behind "En in Utrecht?": a quote from a document about Zaanstad goes, one from a document that
    names Utrecht (in its text, not necessarily in the quote) stays and is renumbered; none left: not_stated."""
    from vraagbaak.answer.stated import naming
    from vraagbaak.schema import Answer, Citation

    texts = {"zaanstad.md": "Met meetboutjes houdt Zaanstad bij welke panden verzakken.",
             "utrecht.md": "Utrecht. De gemeente meet welke panden verzakken met satellietbeelden."}

    def answer_with(*docs):
        return Answer("En in Utrecht?", True, "", [Citation(n, d, d, None, None, texts[d].split(". ")[-1], [], {})
                                                   for n, d in enumerate(docs, start=1)], [])

    kept = naming(answer_with("zaanstad.md", "utrecht.md"), "Utrecht", texts.get)
    assert [(c.n, c.doc) for c in kept.citations] == [(1, "utrecht.md")] and kept.outcome == "answered"
    none = naming(answer_with("zaanstad.md"), "Utrecht", texts.get)
    assert none.outcome == "not_stated" and none.missing_what == "Utrecht" and none.citations
