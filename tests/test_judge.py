"""The answer judge's features (vraagbaak/answer/judge.py) on plain data, and the fitted weights that belong to
them. Fast: no model, no index; the probabilities come from the committed judge.json."""
from __future__ import annotations

import numpy as np

from vraagbaak.answer.judge import FEATURES, Collection, Judge, SentenceEvidence, features, specifics
from vraagbaak.schema import Chunk, Hit

QUESTION = "Heeft de raad van Den Helder in 2015 de verordening kamerverhuur vastgesteld?"


def _hit(text: str, title: str = "Besluitenlijst raad Den Helder") -> Hit:
    return Hit(Chunk("c1", "besluiten.pdf", title, 1, 1, None, text), score=0.9, rank=1, dense_score=0.86,
               lexical_score=5.0)


def _row(question: str, sentence: str, collection: Collection | None = None, wants_kind: bool = False,
         has_kind: bool = False) -> dict[str, float]:
    evidence = [SentenceEvidence(sentence, _hit(sentence), 1, 0.88, 0.8, False, has_kind)]
    row = features(question, evidence, collection or Collection(), False, wants_kind)[0]
    return dict(zip(FEATURES, row))


def test_names_and_numbers_of_the_question_are_its_specifics():
    assert specifics(QUESTION) == {"den", "helder", "2015"}
    assert specifics("Wat kost een paspoort?") == set()
    # a question may say "Nederland" or "ik" with a capital without naming something the answer must hold
    assert specifics("Wat doet Nederland tegen zwerfafval in Utrecht?") == {"utrecht"}
    # the noun a which-question asks for is what the answer names, not a word it must hold
    assert specifics("Welke Kamerleden vroegen naar de TOZO-rente?") == {"tozo-rente"}


def test_a_name_no_document_holds_a_year_that_differs_and_a_missing_yes_no_verb_are_seen():
    held = _row(QUESTION, "De raad heeft in 2015 de verordening kamerverhuur vastgesteld.")
    assert held["specifics_in_collection"] == 1.0 and held["year_conflict"] == 0.0
    assert held["yes_no_verb_missing"] == 0.0 and held["last_word_sentence"] == 1.0
    other_year = _row(QUESTION, "Voorstel over de verordening kamerverhuur 2014.")
    assert other_year["year_conflict"] == 1.0 and other_year["yes_no_verb_missing"] == 1.0
    elsewhere = _row(QUESTION.replace("Den Helder", "Tilburg"), "De raad heeft de verordening vastgesteld.",
                     Collection(holds=lambda word: word.lower() != "tilburg"))
    assert elsewhere["specifics_in_collection"] == 0.5  # "Tilburg" no, "2015" yes
    assert _row("Wat kostte het onderzoek?", "Het onderzoek duurde een jaar.", wants_kind=True)["kind_missing"] == 1.0


def test_a_question_word_behind_a_preposition_asks_for_something_not_yes_or_no():
    """"Onder welk Kamerstukdossier is de motie ingediend?" was read as a yes/no question (it starts with no question
    word), so the sentence that answers lacked its "last verb" and lost to one that repeats the question."""
    from vraagbaak.answer.judge import asks_yes_or_no

    assert asks_yes_or_no("Is de motie aangenomen?") and asks_yes_or_no("Heeft de raad het besluit genomen?")
    assert asks_yes_or_no("Klopt wat de wethouder zegt over de motie?")  # a verb first, then a question word
    for question in ("Onder welk Kamerstukdossier is de motie ingediend?", "Volgens welke methode is getest?",
                     "Namens wie sprak de wethouder?", "Welke partij diende de motie in?"):
        assert not asks_yes_or_no(question), question
    row = _row("Onder welk Kamerstukdossier is de motie ingediend?", "Kamerstuk 35 570 XV, nr. 12.")
    assert row["yes_no_verb_missing"] == 0.0


def test_a_place_adjective_of_the_question_is_found_by_its_place():
    # "de Amsterdamse aanpak" is about a passage of Amsterdam's case; "Zaanse" names Zaanstad
    question = "Welk bureau heeft de Amsterdamse aanpak geëvalueerd?"
    sentence = "Uit een evaluatie door DSP-groep bleek dat het overleg helpt."
    evidence = [SentenceEvidence(sentence, _hit(sentence, "Handhaving openbare ruimte, Amsterdam"), 1, 0.8, 0.2,
                                 False, False)]
    row = dict(zip(FEATURES, features(question, evidence, Collection(holds=lambda word: word == "amsterdam"), False,
                                      False)[0]))
    assert row["specifics_passage"] == 1.0 and row["specifics_sentence"] == 0.0
    assert row["specifics_in_collection"] == 1.0
    assert _row("Hoe ging het Utrechtse project?", "Utrecht bouwde een prototype.")["specifics_sentence"] == 1.0
    # not a place of four letters: "Leidse" is not found in "leiding"
    assert _row("Hoe ging het Leidse project?", "De leiding bouwde een prototype.")["specifics_sentence"] == 0.0


def test_the_fitted_judge_belongs_to_these_features_and_prefers_the_sentence_that_answers():
    judge = Judge.load()
    assert len(judge.sentence.weights) == len(FEATURES) and 0 < judge.found_threshold < 1
    assert judge.provenance["by"] == "scripts/fit_judge.py" and judge.provenance["leave_one_collection_out"]
    answers = features(QUESTION, [SentenceEvidence(s, _hit(s), 1, c, 0.8, False, False) for s, c in [
        ("De raad heeft in 2015 de verordening kamerverhuur vastgesteld.", 0.88),
        ("Voorstel over de verordening kamerverhuur 2014.", 0.88)]], Collection(), False, False)
    p = judge.sentences(answers)
    assert p[0] > p[1]  # same cosine: the other year and the missing "vastgesteld" count against the second
    elsewhere = features(QUESTION.replace("Den Helder", "Tilburg"),
                         [SentenceEvidence("De raad heeft in 2015 de verordening vastgesteld.", _hit("x"), 1, 0.88,
                                           0.8, False, False)],
                         Collection(holds=lambda word: word.lower() != "tilburg"), False, False)
    assert judge.sentences(elsewhere)[0] < p[0]
    assert np.all((p >= 0) & (p <= 1))
