"""Follow-up questions: what leans on the conversation is searched with the earlier subject; a new subject
starts fresh. Invented examples, not the dev conversations in eval/followup_dev.jsonl."""
import pytest

from assistant.followup import leans_on_previous, searched_as

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
