"""Converters and chunking on real PDFs, Markdown and text."""

import pytest
from conftest import FIXTURES, KNOWN_SENTENCE, make_report_pdf

from vraagbaak.ingest.chunking import _FORM_FIELD, chunk_document, document_sentences
from vraagbaak.ingest.loaders import LoadError, load_file
from vraagbaak.text.cleaning import collapse_whitespace
from vraagbaak.text.sentences import LONG_SENTENCE_WORDS, split_sentences


@pytest.fixture
def report(tmp_path):
    make_report_pdf(tmp_path / "rapport.pdf")
    return load_file(tmp_path / "rapport.pdf", tmp_path)


def test_pdf_has_one_page_per_pdf_page_with_numbers(report):
    assert [p.number for p in report.pages] == [1, 2, 3, 4]
    assert KNOWN_SENTENCE in report.pages[2].text
    assert report.title == "Mobiliteitsrapport Voorbeeldstad"


def test_running_header_and_footer_are_removed(report):
    assert "Mobiliteitsrapport 2026" not in report.text
    assert "Pagina" not in report.text


def test_hyphenation_is_repaired_but_compounds_keep_their_hyphen(report):
    assert "beperktere" in report.text
    assert "beperk-" not in report.text
    assert "Noord-Holland" in report.text


def test_real_pdf_repairs_hyphenation_and_drops_running_footer():
    doc = load_file(FIXTURES / "tk-aanhangsel-kamervragen-tozo-2021.pdf", FIXTURES)
    assert len(doc.pages) == 3
    assert "beperktere" in doc.text
    assert "Tweede Kamer, vergaderjaar 2020–2021, Aanhangsel 2" not in doc.text


def test_real_pdf_with_pagina_x_van_y_headers():
    doc = load_file(FIXTURES / "bnc-fiche-5-mifid-herziening.pdf", FIXTURES)
    assert len(doc.pages) == 15
    assert not any(line.strip().startswith("Pagina ") for line in doc.text.split("\n"))


def test_markdown_front_matter_becomes_metadata(tmp_path):
    (tmp_path / "case.md").write_text("---\ntitle: Slim vegen\ngemeente: Utrecht\njaar: 2021\n"
                                      "bronnen:\n  - https://example.org/a\n---\n# Wat is het\n\nTekst.\n")
    doc = load_file(tmp_path / "case.md", tmp_path)
    assert doc.title == "Slim vegen"
    assert doc.metadata == {"gemeente": "Utrecht", "jaar": 2021, "bronnen": ["https://example.org/a"]}
    assert doc.pages[0].number is None


def test_text_falls_back_to_cp1252_with_warning(tmp_path, caplog):
    (tmp_path / "oud.txt").write_bytes("Coöperatie café – één".encode("cp1252"))
    doc = load_file(tmp_path / "oud.txt", tmp_path)
    assert "Coöperatie café – één" in doc.text
    assert "cp1252" in caplog.text


def test_other_file_types_are_refused_by_the_file_type_registry(tmp_path):
    (tmp_path / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "ok.txt").write_text("Een gewone zin.")
    with pytest.raises(LoadError, match="bestandstype .jpg wordt niet ondersteund"):
        load_file(tmp_path / "foto.jpg", tmp_path)
    assert load_file(tmp_path / "ok.txt", tmp_path).path == "ok.txt"


@pytest.mark.parametrize("name, reason", [
    ("awkward-not-a-pdf-IAmWrongPDF.pdf", "geen geldige PDF"),
    ("awkward-encrypted-aes256-userpw-foo.pdf", "versleuteld, wachtwoord nodig"),
    ("lnv-nota-scanned-no-textlayer.pdf", "OCR nodig (2 pagina's)"),
])
def test_bad_pdfs_give_a_clear_reason(name, reason):
    with pytest.raises(LoadError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        load_file(FIXTURES / name, FIXTURES)


def test_pdf_with_only_an_owner_password_opens():
    doc = load_file(FIXTURES / "awkward-encrypted-rc4-ownerpw-only.pdf", FIXTURES)
    assert doc.text.strip()


def test_sentences_survive_dutch_abbreviations():
    text = "Utrecht trekt o.a. geld uit voor data. Dat is bijv. slim! Klopt dat? Ja."
    assert split_sentences(text) == ["Utrecht trekt o.a. geld uit voor data.", "Dat is bijv. slim!",
                                     "Klopt dat?", "Ja."]


@pytest.mark.parametrize("text, expected", [
    # a list item or a "(3)" table note: sentencex left the whole paragraph unsplit
    ("• Bevinding nummer 75: De tabel is sorteerbaar. Dit wordt voorgelezen.",
     ["• Bevinding nummer 75: De tabel is sorteerbaar.", "Dit wordt voorgelezen."]),
    ("Tabel met cijfers. (3) 0 3 0 In de tabel staat een overzicht. Het doel is minder fouten.",
     ["Tabel met cijfers.", "(3) 0 3 0 In de tabel staat een overzicht.", "Het doel is minder fouten."]),
    # unbalanced quotes from OCR: sentencex did not split inside what it took for a quotation
    ("1) Bent u bekend met het bericht ‘Verbod op beurs: ‘Kan niet door de beugel”? Klopt het? Zo ja, welke?",
     ["1) Bent u bekend met het bericht ‘Verbod op beurs: ‘Kan niet door de beugel”?", "Klopt het?", "Zo ja, welke?"]),
    # balanced quotes and brackets stay with their sentence
    ('Hij zei: "Kom hier." Toen ging hij. Het rapport (zie bijlage.) Daarna de foto\'s van \'s-Hertogenbosch.',
     ['Hij zei: "Kom hier."', "Toen ging hij.", "Het rapport (zie bijlage.)", "Daarna de foto's van 's-Hertogenbosch."]),
    # a quoted question inside a sentence does not end it: the footnote of Kamervragen was quoted "'Is deze slang
    # illegaal of niet? … ', https://…" (a helper's user test)
    ('Hij vroeg: "Klopt dit?", en ging verder. Daarna niets.', ['Hij vroeg: "Klopt dit?", en ging verder.',
                                                                 "Daarna niets."]),
    ("2) NRC, 18 oktober 2019, 'Is deze slang illegaal of niet? ', https://www.nrc.nl/nieuws/a3977209. Dan dit.",
     ["2) NRC, 18 oktober 2019, 'Is deze slang illegaal of niet? ', https://www.nrc.nl/nieuws/a3977209.",
      "Dan dit."]),
])
def test_pdf_paragraphs_with_bullets_numbers_and_stray_quotes_are_split_verbatim(text, expected):
    assert split_sentences(text) == expected
    assert all(sentence in text for sentence in expected)


def test_an_exclamation_mark_inside_a_name_does_not_end_the_sentence():
    """The vote on item 15 was bold up to "Helder Onafhankelijk!" and left "en de PvdA." out (sample PDFs)."""
    text = "Tegen het voorstel stemden de fracties van Helder Onafhankelijk! en de PvdA. Wat een dag! Morgen weer."
    assert split_sentences(text) == ["Tegen het voorstel stemden de fracties van Helder Onafhankelijk! en de PvdA.",
                                     "Wat een dag!", "Morgen weer."]


def test_text_without_capitals_is_split_at_full_stops_but_not_after_abbreviations():
    # an export or OCR without capitals: a full word with its full stop ends a sentence
    text = "uw verzekering stopt. ook als u een straf heeft. tijdens detentie bent u verzekerd via art. 5 van de wet."
    assert split_sentences(text) == ["uw verzekering stopt.", "ook als u een straf heeft.",
                                     "tijdens detentie bent u verzekerd via art. 5 van de wet."]


@pytest.mark.timeout(30)  # a hang check: the abbreviation check once backtracked over such a code for hours
def test_a_long_dotted_code_inside_a_sentence_does_not_hang_the_splitter():
    # the abbreviation check once searched the whole piece and backtracked over such a code: 0.5 s at 22 parts,
    # doubling with each further part (60 parts: longer than anyone waits)
    code = "Zie onderdeel " + ".".join(str(i) for i in range(10, 70)) + " van het besluit."
    assert split_sentences(f"{code} daarna volgt de rest.") == [code, "daarna volgt de rest."]


NOTES = ("e Bij aerosol vormende handelingen FFP2 met gezichtsbescherming (gelaatscherm/bril) eo Bij gebruik van "
         "chirurgisch mondneusmasker wel IIR gebruiken eo Triage en 1,5 meter zoveel als mogelijk naleven Bezwaren "
         "vanuit de NVVK: eo De adviezen van het RIVM zijn gebaseerd op publieke veiligheid eo Uit het Arbobesluit "
         "volgt de keuze voor adembescherming altijd uit de RI&E.")


def test_a_list_in_running_text_is_cut_into_its_items():
    """OCR minutes kept a bullet list of 66 words as one sentence ("… (gelaatscherm/bril) eo Bij gebruik van …"),
    too long to quote beside the item that answered "Wat vindt de NVVK van het chirurgisch mondneusmasker?": a long
    sentence is cut before its list markers ("•", and OCR's "eo", "°"; "o", "e" and "-" after punctuation)."""
    assert split_sentences(NOTES) == [
        "e Bij aerosol vormende handelingen FFP2 met gezichtsbescherming (gelaatscherm/bril)",
        "eo Bij gebruik van chirurgisch mondneusmasker wel IIR gebruiken",
        "eo Triage en 1,5 meter zoveel als mogelijk naleven Bezwaren vanuit de NVVK:",
        "eo De adviezen van het RIVM zijn gebaseerd op publieke veiligheid",
        "eo Uit het Arbobesluit volgt de keuze voor adembescherming altijd uit de RI&E."]
    short = "Het advies: o Bij zorg een bril o Anders niet."  # up to LIST_WORDS words a sentence stays whole
    assert split_sentences(short) == [short]
    words = "De raad vergaderde lang over de begroting en over de plannen van het college voor de wijken " * 2
    assert split_sentences(words + "e Bij dit punt.") == [words + "e Bij dit punt."]  # "e" needs punctuation before


def test_a_block_of_fields_is_cut_before_each_label():
    """An e-mail's header and a report's cover sheet stayed one "sentence" ("Van: … Verzonden: maandag 28 september
    2020 19:26 … Onderwerp: …"), quoted and bolded whole under "Wat liet de Tweede Kamer op 28 september 2020
    weten?" (a helper's user test). From FIELD_LABELS labels on, each field is a sentence; not a vote of the minutes,
    whose parties are no fields, nor "RE:" or a place before a quoted title."""
    header = ("Hartelijke groet, Ministerie van Landbouw Van: Jansen <j@minvws.nl> Verzonden: maandag 28 september "
              "2020 19:26 cc: Pietersen Onderwerp: RE: Kamervraag over \"Het bericht ‘Verbod op reptielenbeurs in "
              "Houten: ‘Kan niet door de beugel’\"")
    assert split_sentences(header) == [
        "Hartelijke groet, Ministerie van Landbouw", "Van: Jansen <j@minvws.nl>",
        "Verzonden: maandag 28 september 2020 19:26", "cc: Pietersen",
        "Onderwerp: RE: Kamervraag over \"Het bericht ‘Verbod op reptielenbeurs in Houten: ‘Kan niet door de beugel’\""]
    cover = "Opdrachtgever: Ministerie van VWS Soort onderzoek: WCAG 2.1 Website: OpenVWS Scope: versie v1.4.31"
    assert split_sentences(cover) == ["Opdrachtgever: Ministerie van VWS", "Soort onderzoek: WCAG 2.1",
                                      "Website: OpenVWS", "Scope: versie v1.4.31"]
    two = "Datum: 13 februari 2024 Versie: 2.1"  # two labels are no block
    assert split_sentences(two) == [two]
    votes = "Voor de motie stemden: Stadspartij Den Helder: de heer Wouters; CDA: de heer Krijns; D66: mevrouw Klut."
    assert split_sentences(votes) == [votes]
    row = "- Rij 2: Aanvrager: Bakkerij Van Dam; Soort: terrasvergunning; Besluit: verleend"  # a record of its own
    assert split_sentences(row) == [row]
    # a decision with its fields is one record, and a label that comes back starts another record (a red-team review:
    # the decision and portefeuillehouder of the next agenda item were bolded)
    decided = "Bestemmingsplan Centrum-Noord Toelichting: zie bijlage Uitslag: vastgesteld Portefeuillehouder: Van Dijk"
    assert split_sentences(decided) == [decided]
    thread = "Van: Jansen Aan: Pietersen Onderwerp: maskers Van: Pietersen Aan: Jansen Onderwerp: maskers"
    assert split_sentences(thread) == [thread]


def test_a_list_s_items_are_spans_of_their_own_in_the_same_passages():
    """The items become sentences of their own (spans) while the passages keep their text and boundaries: a new
    chunking would move every passage's vector and its search rank."""
    from vraagbaak.schema import Document, Page

    doc = Document("notulen.pdf", "Notulen", [Page(1, f"Overleg over maskers.\n\n{NOTES}")])
    chunk = chunk_document(doc)[0]
    assert chunk.text == f"Overleg over maskers. {NOTES}"
    spans = [chunk.text[s.start:s.end] for s in chunk.spans]
    assert spans[0] == "Overleg over maskers."
    assert spans[2] == "eo Bij gebruik van chirurgisch mondneusmasker wel IIR gebruiken"
    assert len(spans) == 6 and all(span in NOTES for span in spans[1:])


def test_a_sentence_longer_than_the_quote_limit_is_cut_at_its_own_structure():
    claims = ["constaterende dat " + "spaarders betalen " * 12 + "voor hun geld;",
              "overwegende dat " + "sparen belangrijk is " * 8 + "voor huishoudens;",
              "verzoekt de regering " + "in gesprek te gaan " * 6 + "met de banken, en gaat over tot de orde van de dag."]
    motion = "De Kamer, gehoord de beraadslaging, " + " ".join(claims)
    assert len(motion.split()) > LONG_SENTENCE_WORDS
    parts = split_sentences(motion)
    assert parts == ["De Kamer, gehoord de beraadslaging, " + claims[0], claims[1], claims[2]]
    notes = "Dit lijkt in tegenstelling tot eerdere adviezen, echter: " + "o Door de ervaringen " * 30 + "blijkt het."
    parts = split_sentences(notes)
    assert len(parts) > 1 and all(len(p.split()) <= LONG_SENTENCE_WORDS and p in notes for p in parts)
    no_structure = "woord " * 200 + "einde."
    parts = split_sentences(no_structure)
    assert all(len(p.split()) <= LONG_SENTENCE_WORDS for p in parts) and " ".join(parts) == no_structure.strip()


def test_chunks_keep_whole_sentences_and_carry_their_source():
    doc = load_file(FIXTURES / "bnc-fiche-5-mifid-herziening.pdf", FIXTURES)
    chunks = chunk_document(doc, chunk_words=120, overlap=1)
    full = collapse_whitespace(doc.text)
    sentences = [s.text for s in document_sentences(doc)]
    assert len(chunks) > 10
    for chunk in chunks:
        assert collapse_whitespace(chunk.text) in full or chunk.page_start != chunk.page_end
        assert 1 <= chunk.page_start <= chunk.page_end <= 15
        assert chunk.doc == "bnc-fiche-5-mifid-herziening.pdf" and chunk.title
        assert len(chunk.text.split()) <= 120 + 80  # target plus one long sentence at most
    # one sentence of overlap: each chunk within a section starts with the last sentence of the one before,
    # except around form fields ("b) Datum ontvangst …: …"), which get small passages without overlap
    def form(c):
        return bool(_FORM_FIELD.match(c.text)) or bool(_FORM_FIELD.match(c.text[c.spans[-1].start:]))

    same_section = [(a, b) for a, b in zip(chunks, chunks[1:]) if a.section == b.section
                    and not form(a) and not form(b)]
    assert same_section
    for a, b in same_section:
        assert any(a.text.endswith(s) and b.text.startswith(s) for s in sentences)
    ids = [c.id for c in chunks]
    assert len(set(ids)) == len(ids) and ids == [c.id for c in chunk_document(doc, chunk_words=120)]


def test_markdown_chunks_follow_headings(tmp_path):
    (tmp_path / "a.md").write_text("# Rapport\n\n## Aanpak\n\nEerste zin. Tweede zin.\n\n## Lessen\n\nDerde zin.\n")
    chunks = chunk_document(load_file(tmp_path / "a.md", tmp_path))
    assert [(c.section, c.text) for c in chunks] == [("Rapport > Aanpak", "Eerste zin. Tweede zin."),
                                                     ("Rapport > Lessen", "Derde zin.")]


def test_numbered_pdf_headings_become_sections(report):
    chunks = chunk_document(report)
    known = next(c for c in chunks if KNOWN_SENTENCE in c.text)
    assert known.section == "3 Elektrisch vervoer" and known.page_start == 3


BILLION_LAUGHS = ("---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n---\n\n# Bom\n\nTekst.\n")


def test_a_pdf_heading_broken_over_two_lines_is_one_section_label_and_a_contents_line_none():
    """A real besluitenlijst breaks "15. Onderzoeksvoorstel … als wethouder van de" before "gemeente Den Helder.":
    the label was cut off after "van de", and the second line was quoted as text under it."""
    from vraagbaak.text.headings import heading_of

    path = FIXTURES / "gemeente-denhelder-besluitenlijst-raad-2015-06-29.pdf"
    chunks = chunk_document(load_file(path, FIXTURES), 120, 20, 0)
    sections = {c.section for c in chunks if c.section}
    cut = [s for s in sections if s.startswith("15. Onderzoeksvoorstel")]
    assert cut == ["15. Onderzoeksvoorstel inzake het ontslag van de heer G.K.Visser als wethouder van de gemeente "
                   "Den Helder"]
    under = next(c for c in chunks if c.section == cut[0])
    assert not under.text.startswith("gemeente Den Helder")
    for not_a_heading in ("3.4 Technologieën waarop wordt gesteund .............................. 11",
                          "2.75 MB)</span>", "22.04.21 NOTULEN regionaal"):
        assert heading_of(not_a_heading, False) is None
    assert heading_of("3.2 Steekproef", False) == (2, "3.2 Steekproef")


def test_agenda_items_of_a_besluitenlijst_are_sections_and_stay_in_the_text():
    """The real besluitenlijst numbers its items "1. Opening." to "17. Sluiting."; only the two whose title broke
    without a full stop were headings, so the vote on item 16 was cited under "§ 15. Onderzoeksvoorstel …"
    (found by a helper's user test). A list inside an item starts again at 1 and is no section."""
    from vraagbaak.web.sources import section_text

    doc = load_file(FIXTURES / "gemeente-denhelder-besluitenlijst-raad-2015-06-29.pdf", FIXTURES)
    chunks = chunk_document(doc)
    vote = next(c for c in chunks if "De raad besluit in meerderheid (16 stemmen" in c.text)
    assert vote.section == "16. Motie met betrekking tot de herverdeling van taken onder de wethouders"
    assert vote.text.startswith("16. Motie met betrekking tot")  # the item's title is still quoted
    items = [c.section for c in chunks if c.section and c.section[:3].rstrip(". ").isdigit()]
    assert sorted({int(s.split(".")[0]) for s in items}) == list(range(1, 18))
    assert not any(s.startswith(("1. De conclusies", "4. In het onder punt")) for s in items)
    # item 13 broke after "Stichting Meerwerf": its last line was quoted as a loose "basisscholen Den Helder."
    assert "13. Voorstel in te stemmen met de ontwerp statutenwijziging van de Stichting Meerwerf basisscholen Den " \
           "Helder" in {c.section for c in chunks}
    assert not any(c.text.startswith("basisscholen") for c in chunks)
    # the source view shows the cited page (4) and reads pages 1-3 for the numbering it goes on with
    assert vote.page_start == 4
    shown = section_text([p.text for p in doc.pages[:4]], vote.section, is_markdown=False, shown_from=3)
    assert "16 stemmen" in shown and "17. Sluiting" not in shown and "15. Onderzoeksvoorstel" not in shown


def test_a_numbered_list_is_no_agenda_item_and_no_heading_goes_on_over_a_page():
    """Review of the agenda items: a list in a chapter ("1." and "2." after "1 Inleiding") and the decisions in an
    item ("1./2./3." in item 2) follow each other, where an agenda item stands apart; "3. Mededelingen." is then
    still item 3. A heading that stops at an open word at the foot of a page does not take the next page's line."""
    from vraagbaak.text.headings import Item, document_lines, headings

    chapter = ["1 Inleiding", "Wij willen twee dingen:", "1. Het meten van de drukte.",
               "2. Het verbeteren van de dienstverlening.", "Hieronder staat hoe."]
    assert not any(isinstance(h, Item) for h in headings(chapter, False))
    agenda = ["1. Opening.", "De voorzitter opent.", "", "2. Voorstel Meerwerf.", "De raad besluit:",
              "1. Het amendement te verwerpen.", "2. Het voorstel aan te nemen.", "3. Het college te vragen.", "",
              "3. Mededelingen.", "Er zijn geen mededelingen.", "", "4. Motie over de haven van Den Helder",
              "5. Sluiting."]
    marks = headings(agenda, False)
    assert [h.title for h in marks if isinstance(h, Item)] == ["1. Opening", "2. Voorstel Meerwerf",
                                                              "3. Mededelingen"]
    pages = document_lines(["Tekst.\n2.1 Resultaten voor", "Het college besluit iets."])
    marks = headings(pages, False)
    assert marks[pages.index("Het college besluit iets.")] is None


def test_yaml_aliases_in_front_matter_are_one_refused_file_not_a_memory_bomb(tmp_path):
    """A 9^8-element alias bomb in front matter is refused before it expands (it took the indexer down with
    MemoryError); ordinary front matter still reads."""
    bomb = tmp_path / "bom.md"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(LoadError, match="aliassen"):
        load_file(bomb, tmp_path)
    long_head = tmp_path / "lang.md"
    long_head.write_text("---\ntitle: " + "x" * 30_000 + "\n---\n\nTekst.\n", encoding="utf-8")
    with pytest.raises(LoadError, match="te lang"):
        load_file(long_head, tmp_path)
    for name, head in [("datum.md", "datum: 2024-13-45"), ("tijd.md", "t: !!timestamp x"), ("diep.md", "a: " + "[" * 3000)]:
        bad = tmp_path / name  # one file's bad front matter is that file's failure, never the whole run's
        bad.write_text(f"---\n{head}\n---\n\nTekst.\n", encoding="utf-8")
        with pytest.raises(LoadError, match="ongeldige YAML-kop"):
            load_file(bad, tmp_path)
    fine = tmp_path / "goed.md"
    fine.write_text("---\ntitle: Goed\nbronnen:\n  - https://example.org\n---\n\nTekst.\n", encoding="utf-8")
    assert load_file(fine, tmp_path).metadata["bronnen"] == ["https://example.org"]


def test_a_pdf_citation_names_the_organisation_and_date_its_first_page_prints():
    """"Draagmoederschap, p. 2" said neither whose letter nor of when. The first page's letterhead or heading
    and its date are kept, never the addressee's name or another letter's date."""
    from vraagbaak.answer.citations import source_reference
    from vraagbaak.ingest.identity import printed_identity
    from vraagbaak.schema import Citation

    letter = ("> Retouradres Postbus 20301 2500 EH Den Haag Aan de Voorzitter van de Tweede Kamer der "
              "Staten-Generaal Postbus 20018 2500 EA DEN HAAG Datum 1 maart 2011 Onderwerp Draagmoederschap")
    assert printed_identity(letter) == {"datum": "1 maart 2011", "soort": "brief"}  # the Kamer is the addressee
    reply = ("Ministerie van Volksgezondheid, Welzijn en Sport > Retouradres Postbus 20350 2500 EJ Den Haag "
             "Geachte heer, hartelijk dank voor uw brief van 2 september 2020")
    assert printed_identity(reply) == {"organisatie": "Ministerie van Volksgezondheid, Welzijn en Sport"}
    assert printed_identity("Gemeente Den Helder Besluitenlijst raadsvergadering 29 juni 2015 aanvang 17.00 uur") \
        == {"organisatie": "Gemeente Den Helder", "datum": "29 juni 2015", "soort": "besluitenlijst"}
    assert printed_identity("Een notitie zonder kop of datum over het onderwerp.") == {}
    c = Citation(1, "brief.pdf", "Draagmoederschap", 2, None, "Citaat.",
                 metadata={"organisatie": "Ministerie van Justitie", "datum": "1 maart 2011"})
    assert source_reference(c) == "Draagmoederschap, Ministerie van Justitie, 1 maart 2011, p. 2."
    same = Citation(1, "kamer.pdf", "Tweede Kamer der Staten-Generaal", 1, None, "Citaat.",
                    metadata={"organisatie": "Tweede Kamer der Staten-Generaal", "datum": "6 juli 2021"})
    assert source_reference(same) == "Tweede Kamer der Staten-Generaal, 6 juli 2021, p. 1."  # not twice


def test_a_citation_says_what_kind_of_document_it_is_and_its_kenmerk():
    """"Tweede Kamer der Staten-Generaal, p. 1" for a motion and for Kamervragen alike: the kind, the subject
    the paper prints under the Kamer's name, and the Kamerstuk number or the letter's kenmerk are kept."""
    from vraagbaak.answer.citations import source_reference
    from vraagbaak.ingest.identity import printed_identity
    from vraagbaak.ingest.loaders import load_pdf
    from vraagbaak.schema import Citation

    motion = ("Tweede Kamer der Staten-Generaal 2 Vergaderjaar 2020–2021 32 545 Wet- en regelgeving financiële "
              "markten Nr. 143 MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS Voorgesteld 6 juli 2021 De Kamer,")
    assert printed_identity(motion) == {
        "soort": "motie", "kenmerk": "Kamerstuk 32 545, nr. 143", "titel": "Motie van de leden Inge van Dijk en Grinwis",
        "organisatie": "Tweede Kamer der Staten-Generaal", "datum": "6 juli 2021"}
    letter = "Ministerie van Financiën > Retouradres Postbus 1 Datum 3 mei 2024 Ons kenmerk 2024-0000123 Betreft Iets"
    assert printed_identity(letter)["kenmerk"] == "2024-0000123" and printed_identity(letter)["soort"] == "brief"
    assert "kenmerk" not in printed_identity("Datum 3 mei 2024 Ons kenmerk Betreft: besluit over 2021")
    questions = load_pdf(FIXTURES / "tk-aanhangsel-kamervragen-tozo-2021.pdf", "kamervragen.pdf")
    assert questions.title.startswith("Vragen van de leden Van Weyenberg, Romke de Jong en Kat (allen D66)")
    c = Citation(1, "kamervragen.pdf", questions.title, 2, None, "Citaat.", metadata=questions.metadata)
    assert source_reference(c) == ("Kamervragen „Vragen van de leden Van Weyenberg, Romke de Jong en Kat (allen D66) "
                                   "aan de Minister van Sociale Zaken en Werkgelegenheid over de TOZO”, Tweede Kamer "
                                   "der Staten-Generaal, 21 juni 2021, p. 2.")
    c = Citation(1, "motie.pdf", "Motie van de leden Inge van Dijk en Grinwis", 1, None, "Citaat.",
                 metadata=printed_identity(motion))
    assert source_reference(c) == ("Motie van de leden Inge van Dijk en Grinwis, Tweede Kamer der Staten-Generaal, "
                                   "6 juli 2021, Kamerstuk 32 545, nr. 143, p. 1.")


def test_the_sample_pdfs_record_what_their_first_page_prints():
    from vraagbaak.ingest.loaders import load_pdf

    pdf = FIXTURES / "tk-aanhangsel-kamervragen-tozo-2021.pdf"
    assert load_pdf(pdf, pdf.name).metadata.get("organisatie") == "Tweede Kamer der Staten-Generaal"
