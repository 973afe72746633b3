"""Overview questions ("Welke gemeenten …?") list every fitting document with one quote each; filters apply."""
import pytest

from vraagbaak.answer.builder import about_subject, is_overview
from vraagbaak.assistant import Assistant
from vraagbaak.settings import Settings

DOCS = {
    "afval-utrecht.md": ("Schone straten", "Utrecht", "fysiek",
                         "De gemeente Utrecht gebruikt sensordata van afvalbakken om zwerfafval sneller op te ruimen."),
    "afval-zwolle.md": ("Afvalradar", "Zwolle", "fysiek",
                        "Zwolle brengt met meldingen van bewoners in kaart waar zwerfafval en dumpingen zich ophopen."),
    "parkeren-utrecht.md": ("Slim parkeren", "Utrecht", "fysiek",
                            "Utrecht meet met sensoren hoeveel parkeerplaatsen in de binnenstad bezet zijn."),
    "jeugd-zwolle.md": ("Jeugdmonitor", "Zwolle", "sociaal",
                        "Zwolle volgt met een monitor hoeveel jongeren jeugdhulp krijgen en hoe lang dat duurt."),
}


def write_documents(corpus, docs: dict, fields: tuple[str, ...] = ("gemeente", "domein")) -> None:
    """Markdown documents with a front matter: name -> (title, a value per field, text)."""
    for name, (title, *values, text) in docs.items():
        meta = "".join(f"{field}: {value}\n" for field, value in zip(fields, values, strict=True))
        (corpus / name).write_text(f"---\ntitle: {title}\n{meta}---\n\n# {title}\n\n{text}\n", encoding="utf-8")


def assistant_for(corpus, index_dir, embedder) -> Assistant:
    return Assistant(Settings(corpus_dir=corpus, index_dir=index_dir, model_dir=embedder.settings.model_dir),
                     embedder)


@pytest.fixture(scope="module")
def overview(tmp_path_factory, embedder) -> Assistant:
    corpus = tmp_path_factory.mktemp("overview-corpus")
    write_documents(corpus, DOCS)
    assistant = assistant_for(corpus, tmp_path_factory.mktemp("overview-index"), embedder)
    assistant.build_index()
    return assistant


def test_overview_questions_are_recognised():
    assert is_overview("Welke gemeenten gebruiken data om zwerfafval aan te pakken?")
    assert is_overview("Noem de projecten die over jeugd gaan.")
    assert not is_overview("Hoe pakt Zwolle zwerfafval aan?")
    assert is_overview("Welke andere grote gemeenten gebruiken sensoren?")
    # the question asks for a role; "projecten" is only where
    assert not is_overview("Welke rol speelde de functionaris gegevensbescherming bij de projecten?")


def test_every_fitting_document_is_listed_once(overview):
    answer = overview.ask("Welke gemeenten gebruiken data om zwerfafval aan te pakken?")
    docs = [c.doc for c in answer.citations]
    assert sorted(docs) == ["afval-utrecht.md", "afval-zwolle.md"]  # both, one quote each, nothing else
    assert "van de 4 doorzochte documenten" in answer.answer
    for c in answer.citations:
        assert overview.verify_quote(c.doc, c.quote)


def test_a_named_gemeente_lists_its_documents_by_metadata(overview):
    answer = overview.ask("Welke projecten komen uit Zwolle?")
    assert sorted(c.doc for c in answer.citations) == ["afval-zwolle.md", "jeugd-zwolle.md"]


def test_an_overview_for_a_gemeente_that_no_document_names_lists_nothing(overview):
    """Listing every other gemeente's projects would answer a question nobody asked."""
    answer = overview.ask("Welke projecten heeft de gemeente Tilburg gedaan?")
    assert not answer.found and answer.citations == [] and answer.absent_names == ["Tilburg"]
    assert "„Tilburg” komt in geen enkel document voor" in answer.answer
    assert answer.index_version == overview.index.version and answer.searched_as == answer.question
    assert overview.ask("Welke projecten heeft de gemeente Zwolle gedaan?").found
    english = overview.ask("Which municipalities in the Netherlands use sensor data against litter?")
    assert english.found and english.absent_names == []  # English words are no Dutch names


def test_absent_names_skip_stopwords_and_know_titles_and_metadata():
    from vraagbaak.answer.absent_names import absent_names

    indexed = {"bilt": ["bilt"], "waarde": ["waard"]}
    terms = lambda word: indexed.get(word.lower(), [])  # noqa: E731 - a stand-in for Backend.indexed_terms
    assert absent_names("Wat doet De Bilt met data?", terms, set()) == []  # "De" is no name of its own
    assert absent_names("WAT IS DE WOZ-WAARDE?", terms, set()) == []  # all in capitals: "WAARDE" is known
    assert absent_names("Wat is de WOZ-waarde?", terms, set()) == ["WOZ-waarde"]  # the name part is "WOZ"
    assert absent_names("Wat doet Kampen met data?", terms, {"kampen"}) == []  # only in metadata or a title
    assert absent_names("Wat doen Kampen en Tiel?", terms, set()) == ["Kampen", "Tiel"]
    assert absent_names("Waar ging het Kampense project over?", terms, {"kampen"}) == []  # made from a name


def test_filters_apply_to_an_overview(overview):
    answer = overview.ask("Welke gemeenten gebruiken data om zwerfafval aan te pakken?",
                          filters={"gemeente": ["Utrecht"]})
    assert [c.doc for c in answer.citations] == ["afval-utrecht.md"]
    assert "van de 2 doorzochte documenten" in answer.answer and "Gezocht in: gemeente Utrecht" in answer.answer


def test_onbekend_is_not_offered_as_a_filter_value(overview, tmp_path):
    (overview.settings.corpus_dir / "zonder-gemeente.md").write_text(
        "---\ntitle: Zonder gemeente\ngemeente: onbekend\n---\n\n# Zonder gemeente\n\nEen tekst.\n", encoding="utf-8")
    overview.build_index()
    try:
        assert "onbekend" not in [v.lower() for v in overview.facets()["gemeente"]]
        assert set(overview.facets()["gemeente"]) == {"Utrecht", "Zwolle"}
    finally:
        (overview.settings.corpus_dir / "zonder-gemeente.md").unlink()
        overview.build_index()


def test_a_report_about_all_cases_is_mentioned_not_listed(overview):
    """"Welke gemeenten …?" lists documents that belong to a gemeente; a report that sums up every case fits
    the question too, but is no gemeente: it is named below the list, without a citation."""
    report = overview.settings.corpus_dir / "rapport.md"
    report.write_text("---\ntitle: Rapport over alle cases\norganisatie: Kennisinstituut\n---\n\n# Lessen\n\n"
                      "Utrecht en Zwolle gebruiken data van sensoren en meldingen om zwerfafval aan te pakken.\n",
                      encoding="utf-8")
    overview.build_index()
    try:
        answer = overview.ask("Welke gemeenten gebruiken data om zwerfafval aan te pakken?")
        assert sorted(c.doc for c in answer.citations) == ["afval-utrecht.md", "afval-zwolle.md"]
        assert "overzichtsdocument „Rapport over alle cases”" in answer.answer
    finally:
        report.unlink()
        overview.build_index()


def test_an_overview_of_something_no_document_mentions_finds_nothing(overview):
    """Every document is about a gemeente using data, so "Welke gemeenten gebruiken drones?" is close to all
    of them in meaning; no document mentions drones, so none is listed."""
    answer = overview.ask("Welke gemeenten gebruiken drones?")
    assert not answer.found and answer.citations == []
    listed = overview.ask("Welke gemeenten gebruiken sensoren?")  # sensordata (Utrecht afval), sensoren (parkeren)
    assert {c.doc for c in listed.citations} <= {"afval-utrecht.md", "parkeren-utrecht.md"} and listed.found


def test_a_word_that_most_documents_hold_does_not_make_them_fit(tmp_path, embedder):
    """"Welke gemeenten gebruiken sensoren?": every case "gebruikt data", one uses sensordata (the stemmer
    makes "sensoor" of "sensoren"; the compound is built on "sensor"). Only that one is listed."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    texts = {"drukte.md": ("Drukte", "Utrecht", "Utrecht gebruikt sensordata om de drukte in de binnenstad te meten."),
             "wmo.md": ("Wmo-model", "Dordrecht", "Dordrecht gebruikt data om de vraag naar Wmo-hulp te voorspellen."),
             "schuld.md": ("Schulden", "Zwolle", "Zwolle gebruikt data om schulden van inwoners vroeg te zien."),
             "jeugd.md": ("Jeugd", "Enschede", "Enschede gebruikt data om jeugdhulp beter te plannen."),
             "afval.md": ("Afval", "Tilburg", "Tilburg gebruikt data van meldingen om zwerfafval op te ruimen.")}
    write_documents(corpus, texts, ("gemeente",))
    assistant = assistant_for(corpus, tmp_path / "i", embedder)
    assistant.build_index()
    question = "Welke gemeenten gebruiken sensoren?"
    hits = assistant.search(question, k=10)
    assert len({h.chunk.doc for h in hits}) == 5
    assert about_subject(question, hits, assistant.settings.overview_subject_share) == {"drukte.md"}
    answer = assistant.ask(question)
    assert [c.doc for c in answer.citations] == ["drukte.md"], answer.answer


def test_first_screen_promises_a_page_only_where_there_are_pdfs(overview, small_assistant):
    """A Markdown collection has no page numbers: the first screen must not promise them (seen when trying it as a user)."""
    from vraagbaak.web.ui import collection_description

    markdown_only = collection_description(overview)
    assert "titel en sectie." in markdown_only and "pagina" not in markdown_only
    with_pdf = collection_description(small_assistant)
    assert "PDF" in with_pdf and "pagina" in with_pdf


def test_an_absent_word_is_the_subject_only_where_the_other_words_are_common():
    from vraagbaak.answer.absent_names import absent_subject, absent_words
    from vraagbaak.text.words import stem

    def stems(*words: str) -> set[str]:
        return {stem(w) for w in words}

    indexed = {"gemeente", "data", "aanpak", "jongeren", "zwolle"}
    terms = lambda word: [word] if word in indexed else []  # noqa: E731 - a stand-in for Backend.indexed_terms
    collection = [stems("gemeente", "data", "aanpak")] * 5 + [stems("gemeente", "data", "jongeren")] * 2 + \
        [stems("zwolle")]
    question = "Welke gemeente zet data in bij de aanpak van armoede?"
    assert absent_words(question, terms, set()) == ["armoede"]
    assert absent_subject(question, ["armoede"], collection) == ["armoede"]
    assert absent_subject(question, ["armoede"], collection[:3]) == []  # too few documents to say
    youth = "Hoe voorspelt een gemeente of jongeren ontsporen?"  # "jongeren": 2 of 8 documents
    assert absent_subject(youth, absent_words(youth, terms, set()), collection) == []
    named = "Hoe pakt Zwolle armoede aan?"  # a name that few documents hold is specific too
    assert absent_subject(named, absent_words(named, terms, set()), collection) == []
    # names are absent_names' part; "doet" is absent too, but absent_subject never takes it for the subject
    assert absent_words("Wat doet Tilburg tegen armoede?", terms, set()) == ["doet", "armoede"]
    assert absent_subject("Wat doet de gemeente met data?", ["doet"], collection) == []
    # no word of the question in any document: a paraphrase found by meaning, not a question about nothing
    assert absent_subject("Hoe vaak komt de vuilniswagen langs?", ["vaak", "komt", "vuilniswagen", "langs"],
                          collection) == []
    assert absent_words("Welke gemeente bestrijdt armoede?", terms, {"armoede", "bestrijdt"}) == []  # a title
    verbs = "Welke gemeenten zetten drones in?"  # only the rare word, where there is one
    assert absent_subject(verbs, absent_words(verbs, lambda w: [w] if w == "gemeenten" else [], set()),
                          [stems("gemeenten")] * 4) == ["drones"]


def test_an_overview_with_or_lists_the_documents_of_either(overview):
    """"… veiligheid of handhaving?" is two overviews: a domain named in the metadata ("veiligheid") decided the
    whole list, and the documents about handhaving were missing (seen when trying it as a user)."""
    from vraagbaak.answer.builder import alternatives

    assert alternatives("Welke gemeenten gebruiken data bij veiligheid of handhaving?") == [
        "Welke gemeenten gebruiken data bij veiligheid?", "Welke gemeenten gebruiken data bij handhaving?"]
    assert alternatives("Noem de projecten over wonen en/of jeugd.") == ["Noem de projecten over wonen.",
                                                                          "Noem de projecten over jeugd."]
    assert alternatives("Welke projecten gaan over het sociaal domein of over parkeren?") == [
        "Welke projecten gaan over het sociaal domein?", "Welke projecten gaan over parkeren?"]
    assert alternatives("Welke gemeenten zetten sensoren in bij afval of bij de openbare ruimte?") == [
        "Welke gemeenten zetten sensoren in bij afval?", "Welke gemeenten zetten sensoren in bij de openbare ruimte?"]
    assert alternatives("Welke gemeenten gebruiken data bij veiligheid, zorg of handhaving?") == [
        "Welke gemeenten gebruiken data bij veiligheid?", "Welke gemeenten gebruiken data bij zorg?",
        "Welke gemeenten gebruiken data bij handhaving?"]
    assert alternatives("Welke gemeenten gebruiken sensoren of camera's?") == [
        "Welke gemeenten gebruiken sensoren?", "Welke gemeenten gebruiken camera's?"]
    # "of" as "whether" after a verb, also behind a preposition, which would otherwise head two alternatives
    for single in ("Welke gemeenten gebruiken sensoren?", "Welke gemeenten hebben onderzocht of jongeren uitvallen?",
                   "Welke gemeenten hebben bij de jeugdzorg onderzocht of jongeren uitvallen?"):
        assert alternatives(single) == [single]  # no "of"; "of" as "whether"
    either = overview.ask("Welke projecten gaan over het sociaal domein of over parkeren?")
    assert sorted(c.doc for c in either.citations) == ["jeugd-zwolle.md", "parkeren-utrecht.md"]
    assert [c.n for c in either.citations] == [1, 2] and "2 van de 4 doorzochte documenten" in either.answer
    # a gemeente that no document names leaves its alternative out, not the whole list
    named = overview.ask("Welke projecten komen uit Zwolle of Tilburg?")
    assert named.found and sorted(c.doc for c in named.citations) == ["afval-zwolle.md", "jeugd-zwolle.md"]
    assert named.absent_names == ["Tilburg"] and "„Tilburg” komt in geen enkel document voor" in named.answer


def test_a_misspelled_word_is_one_the_documents_hold():
    from vraagbaak.answer.absent_names import misspelled

    vocabulary = {"zwerfafval", "voorspelmodel", "ouders", "klimaatverandering"}
    assert misspelled("zwerfafal", vocabulary) and misspelled("voorspelmodl", vocabulary)
    assert not misspelled("ouderen", vocabulary) and not misspelled("klimaatadaptatie", vocabulary)
    assert not misspelled("armoede", set())


def test_a_list_of_documents_by_any_name_for_them_is_an_overview_about_its_subject():
    from vraagbaak.answer.builder import overview_subject

    for question in ("Welke documenten gaan over rente?", "In welke stukken komt een GGD voor?",
                     "Welke brieven noemen Schiphol?"):
        assert is_overview(question), question
    # the frame ("gaan over", "noemen", "komt … voor") is no part of the subject a document must hold
    assert overview_subject("Welke documenten gaan over rente?").split() == ["rente?"]
    assert overview_subject("In welke stukken komt een GGD voor?").split() == ["een", "GGD?"]
    assert overview_subject("Welke brieven noemen Schiphol?").split() == ["Schiphol?"]
    assert overview_subject("Welke gemeenten gebruiken sensoren?").split() == ["gebruiken", "sensoren?"]


def test_documents_that_name_the_subject_are_listed_and_only_those(tmp_path, embedder):
    """"Welke documenten noemen het RIVM?": a document that names it in passing, in a passage about something
    else, belongs in the list; one about the same theme that never names it does not."""
    corpus = tmp_path / "docs"
    corpus.mkdir()
    texts = {
        "griep.md": "# Griepvaccinatie\n\nOuderen krijgen in het najaar een uitnodiging voor de griepprik van de "
                    "huisarts. Het RIVM coördineert het programma.\n",
        "begroting.md": "# Begroting 2025\n\n" + " ".join(
            f"In {year} gaat er meer geld naar het onderhoud van wegen, bruggen, fietspaden en de verlichting van "
            f"parkeerterreinen in wijk {year - 2020}." for year in range(2021, 2029))
        + " Voor de jeugdgezondheidszorg volgt de gemeente de richtlijnen van het RIVM.\n",
        "vaccinatie.md": "# Vaccinatiegraad\n\nDe GGD meldt dat minder ouders hun kinderen laten vaccineren tegen "
                         "mazelen; de gemeente start een voorlichtingscampagne.\n",
        "corona.md": "# Coronamaatregelen\n\nDe veiligheidsregio besloot over mondkapjes en testen in de regio, op "
                     "advies van het landelijk instituut voor volksgezondheid.\n",
        "zorg.md": "# Gezondheidsbeleid\n\nDe gemeente werkt aan preventie: minder roken, gezonder eten en meer "
                   "bewegen voor alle inwoners.\n",
    }
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    assistant = assistant_for(corpus, tmp_path / "index", embedder)
    assistant.build_index()
    answer = assistant.ask("Welke documenten noemen het RIVM?")
    assert answer.outcome == "overview"
    assert sorted(c.doc for c in answer.citations) == ["begroting.md", "griep.md"]
    for c in answer.citations:
        assert assistant.verify_quote(c.doc, c.quote)


def test_a_collection_profile_names_what_its_lists_count_and_whose_documents_they_are(tmp_path, embedder):
    """The same rules on a folder of Kamerbrieven as on the cases: collectie.yaml says that a document belongs
    to a ministerie and that the collection calls its documents "nota's"; it is not indexed itself."""
    from vraagbaak.ingest.loaders import corpus_files
    from vraagbaak.profile import CollectionProfile

    corpus = tmp_path / "brieven"
    corpus.mkdir()
    (corpus / "collectie.yaml").write_text("eigenaar: ministerie\nthema: beleidsterrein\ngeen_eigenaar: [rijksbreed]\n"
                                           "documenten_heten: [nota's, notas]\n", encoding="utf-8")
    letters = {
        "ocw-lerarentekort.md": ("Lerarentekort", "OCW", "onderwijs",
                                 "Het kabinet trekt extra geld uit om het lerarentekort in het basisonderwijs aan te pakken."),
        "ocw-studiefinanciering.md": ("Basisbeurs", "OCW", "onderwijs",
                                      "De basisbeurs voor studenten in het hoger onderwijs keert terug."),
        "vws-wachtlijsten.md": ("Wachtlijsten jeugdzorg", "VWS", "zorg",
                                "Het kabinet wil de wachtlijsten in de jeugdzorg verkorten met regionale afspraken."),
        "rijksbrede-begroting.md": ("Miljoenennota", "rijksbreed", "financiën",
                                    "De miljoenennota beschrijft het geld voor onderwijs, zorg en veiligheid."),
    }
    write_documents(corpus, letters, ("ministerie", "beleidsterrein"))
    assert CollectionProfile.read(corpus).owner_field == "ministerie"
    assert "collectie.yaml" not in [p.name for p in corpus_files(corpus)]
    assistant = assistant_for(corpus, tmp_path / "index", embedder)
    report = assistant.build_index()
    assert not report.failed
    assert assistant.facets()["ministerie"] == ["OCW", "VWS", "rijksbreed"]
    # the owner named in the question is a filter, as "Welke cases komen uit Zaanstad?" is on the cases
    listed = assistant.ask("Welke nota's komen van OCW?")
    assert listed.outcome == "overview"
    assert sorted(c.doc for c in listed.citations) == ["ocw-lerarentekort.md", "ocw-studiefinanciering.md"]
    # a document of no one ministerie is mentioned under a list, not listed
    about = assistant.ask("Welke nota's gaan over onderwijs?")
    assert "rijksbrede-begroting.md" not in [c.doc for c in about.citations]
    assert "ocw-lerarentekort.md" in [c.doc for c in about.citations]


def test_a_collectie_yaml_that_cannot_be_read_leaves_the_defaults(tmp_path, caplog):
    from vraagbaak.assistant import _profile
    from vraagbaak.profile import CollectionProfile, ProfileError

    (tmp_path / "collectie.yaml").write_text("eigenaar: [geen, veldnaam]\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="veldnaam"):
        CollectionProfile.read(tmp_path)
    assert _profile(tmp_path) == CollectionProfile() and "collectie.yaml niet gebruikt" in caplog.text
    (tmp_path / "collectie.yaml").write_text("a: &a [*a]\n", encoding="utf-8")  # an alias to itself
    assert _profile(tmp_path) == CollectionProfile()


def test_the_example_questions_belong_to_the_collection(tmp_path):
    """The first screen of a folder of PDFs showed the shipped corpus's examples, which found nothing there
    (browser test): examples come from the collection's collectie.yaml, or there are none."""
    from vraagbaak.profile import CollectionProfile, ProfileError

    assert Settings().example_questions == [] and CollectionProfile.read(tmp_path).examples == ()
    from vraagbaak.settings import PROJECT_ROOT

    shipped = CollectionProfile.read(PROJECT_ROOT / "corpus").examples
    assert len(shipped) == 4 and "Hoe pakt Zaanstad ondermijning aan met data?" in shipped
    (tmp_path / "collectie.yaml").write_text("voorbeeldvragen:\n  - Wie   tekende de brief?\n", encoding="utf-8")
    assert CollectionProfile.read(tmp_path).examples == ("Wie tekende de brief?",)
    # too many or too long: left out, and the rest of collectie.yaml still holds (a helper's review)
    (tmp_path / "collectie.yaml").write_text("eigenaar: organisatie\nvoorbeeldvragen:\n  - " + "lang " * 50 + "\n"
                                             + "".join(f"  - Vraag {n}?\n" for n in range(9)), encoding="utf-8")
    profile = CollectionProfile.read(tmp_path)
    assert profile.owner_field == "organisatie" and profile.examples == tuple(f"Vraag {n}?" for n in range(8))
    (tmp_path / "collectie.yaml").write_text("voorbeeldvragen: {een: twee}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="lijst met vragen"):
        CollectionProfile.read(tmp_path)


def test_which_owners_a_question_names_and_which_it_asks_the_others_of():
    """Owners are named capitalised and whole, longest first ("Best" in "het best" is no gemeente, "Bergen" is not
    asked in "Bergen op Zoom", accents fold); the others are asked of a name after "dan", "behalve", "naast" or
    "op … na", or of any name in a question for "andere gemeenten" (a helper's review of the first version, which
    read every "andere" so)."""
    from vraagbaak.text.owners import named_in_question, others_asked, without_owners

    owners = frozenset({"best", "bergen", "bergen op zoom", "sudwest-fryslan", "enschede", "utrecht", "rotterdam"})
    assert named_in_question("Hoeveel geld kan een gemeente het best uittrekken?", owners) == []
    assert [o for *_, o in named_in_question("Hoeveel trekt Bergen op Zoom uit?", owners)] == ["bergen op zoom"]
    assert [o for *_, o in named_in_question("Wat doet Súdwest-Fryslân?", owners)] == ["sudwest-fryslan"]
    for asked, others in [("Welke andere projecten heeft Utrecht nog gedaan?", set()),
                          ("Welke gemeenten behalve Enschede hebben een monitor?", {"enschede"}),
                          ("Welke gemeenten, op Rotterdam na, hebben een monitor?", {"rotterdam"}),
                          ("Welke andere gemeenten hebben de audit van Utrecht overgenomen?", {"utrecht"}),
                          ("Welke andere grote gemeenten dan Enschede en Utrecht hebben een monitor?",
                           {"enschede", "utrecht"})]:
        assert others_asked(asked, owners, "gemeente") == others, asked
    assert without_owners("Welke andere gemeenten dan Enschede en Utrecht hebben een monitor?",
                          {"enschede", "utrecht"}, owners) == "Welke andere gemeenten hebben een monitor?"
    assert without_owners("Welke gemeenten, behalve Súdwest-Fryslân, doen dat?", {"sudwest-fryslan"}, owners) \
        == "Welke gemeenten, doen dat?"
