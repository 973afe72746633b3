"""Follow-up questions: what leans on the conversation is searched with the earlier subject; a new subject
starts fresh. Invented examples, not the dev conversations in eval/followup_dev.jsonl."""
import pytest

from vraagbaak.search.followup import leans_on_previous, searched_as

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
