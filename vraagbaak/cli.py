"""Command line: python -m vraagbaak index | search | ask | eval | status."""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path

from vraagbaak.assistant import Assistant
from vraagbaak.index import backends
from vraagbaak.index.versions import IndexError_, IndexLocked, has_usable_version
from vraagbaak.schema import hit_to_json
from vraagbaak.search.fusion import MODES
from vraagbaak.text.cleaning import terminal_safe
from vraagbaak.web.api_input import result_count

EXIT_SOME_FAILED = 3  # index: written, but some files could not be read; --batch: some lines were skipped
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", type=Path, help="documentenmap (standaard: corpus/)")
    p.add_argument("--index", type=Path, help="indexmap (standaard: index/, of een eigen map per --corpus)")
    p.add_argument("--store", choices=backends.names(),
                   help="waar vectoren en BM25 staan (standaard: faiss; milvus, postgres: zie docs/scaling.md)")


def _query_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=MODES, help="zoekmodus (standaard: hybrid)")
    p.add_argument("--filter", action="append", default=[], metavar="VELD=WAARDE",
                   help="beperk tot documenten met dit metadataveld, bv. gemeente=Utrecht of doc=cases/x.md")
    p.add_argument("--json", action="store_true", help="JSON-uitvoer")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="vraagbaak", description="Vraagbaak: vragen over documenten, met bron.")
    root.add_argument("-v", "--verbose", action="store_true")
    sub = root.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="bouw of werk de index bij")
    _common(p)
    p.add_argument("--rebuild", action="store_true", help="alles opnieuw opbouwen")
    p.add_argument("--workers", action="store_true",
                   help="verdeel het embedden over workers via PostgreSQL (VRAAGBAAK_POSTGRES_URL); wacht tot alle "
                        "taken klaar zijn en schrijf dan de index (docs/scaling.md)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("worker", help="neem indexeertaken uit PostgreSQL tot er geen meer open zijn")
    _common(p)

    p = sub.add_parser("search", help="zoek passages")
    p.add_argument("question", nargs="?")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--batch", metavar="FILE", help="één vraag per regel ('-' = stdin); één JSON-object per regel")
    _common(p)
    _query_options(p)

    p = sub.add_parser("ask", help="stel een vraag; antwoord met letterlijke citaten")
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", metavar="FILE", help="één vraag per regel ('-' = stdin); één ask-JSON per regel")
    p.add_argument("--previous", action="append", default=[], metavar="VRAAG",
                   help="een eerdere vraag uit het gesprek (herhaalbaar, oudste eerst) voor een vervolgvraag")
    _common(p)
    _query_options(p)

    p = sub.add_parser("eval", help="meet recall, MRR en de kwaliteit van antwoorden op een vragenset")
    p.add_argument("--questions", type=Path, required=True)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--mode", choices=("all",) + MODES, default="all")
    p.add_argument("--no-answers", action="store_true", help="alleen retrieval meten, geen antwoorden")
    p.add_argument("--json", action="store_true")
    _common(p)

    p = sub.add_parser("status", help="toon de staat van de index")
    _common(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("audit", help="controleer het auditlog (verify) of schoon het op (purge)")
    p.add_argument("actie", choices=["verify", "purge"], help="verify: is de keten heel; purge: bewaartermijn")
    p.add_argument("map", nargs="?", type=Path, help="map van het auditlog (standaard: <index>/audit)")
    p.add_argument("--sleutel", type=Path, help="sleutelbestand (standaard: audit-sleutel naast de logmap)")
    _common(p)
    return root


def parse_filters(items: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"ongeldig filter '{item}': gebruik VELD=WAARDE")
        filters.setdefault(key.strip(), []).append(value.strip())
    return filters


INTERRUPTED = "\nAfgebroken. De index is zoals hij was. / Interrupted; the index is unchanged."


def say(*parts, **kwargs) -> None:
    """print() for text made of document text or names: no control characters reach the terminal."""
    print(*(terminal_safe(str(part)) for part in parts), **kwargs)


def stop_on_sigterm() -> None:
    """SIGTERM (docker stop, systemd, kill) stops like Ctrl-C: an indexing run is abandoned and the index is as
    it was. Without a handler, a process that runs as PID 1 in a container ignores SIGTERM altogether."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    stop_on_sigterm()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        assistant = Assistant.for_corpus(args.corpus, args.index, store=args.store)
        return COMMANDS[args.command](assistant, args)
    except IndexLocked as err:
        print(str(err), file=sys.stderr)
        return EXIT_ERROR
    except (IndexError_, FileNotFoundError, ValueError) as err:  # ValueError: a setting with no valid value
        say(f"Fout: {err}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as err:  # a full disk, a read-only folder: the new version was never switched in
        print(f"Fout bij het schrijven: {err.strerror or err}. De vorige index is ongewijzigd en blijft "
              f"bruikbaar. / Write failed; the previous index is unchanged.", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:  # a new version is switched in only when it is complete
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED


def cmd_index(assistant: Assistant, args) -> int:
    from tqdm import tqdm

    with tqdm(total=100, desc="indexeren", unit="%", disable=args.json or not sys.stderr.isatty()) as bar:
        def progress(fraction: float, message: str) -> None:
            bar.set_postfix_str(message[:60])
            bar.update(max(0, int(fraction * 100) - bar.n))

        if args.workers:
            report = assistant.build_index_with_workers(rebuild=args.rebuild, progress=progress)
        else:
            report = assistant.build_index(rebuild=args.rebuild, progress=progress)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        say(_index_summary(report))
    return EXIT_SOME_FAILED if report.failed else 0


_STAGES = {"read_and_chunk": "lezen", "embed": "embedden", "write": "schrijven"}


def _index_summary(r) -> str:
    lines = [f"Index {r.version}: {r.documents} documenten, {r.pages} pagina's, {r.chunks} passages "
             f"in {r.seconds.get('total', 0):.1f} s",
             f"  nieuw {len(r.added)}, gewijzigd {len(r.changed)}, verwijderd {len(r.removed)}, "
             f"ongewijzigd {len(r.unchanged)}, mislukt {len(r.failed)}; "
             f"{r.embedded} passages ge-embed, {r.reused_vectors} hergebruikt",
             "  tijden: " + ", ".join(f"{_STAGES.get(k, k)} {v:.1f} s" for k, v in r.seconds.items() if k != "total")]
    if r.renamed:
        lines.append("Hernoemd (niets opnieuw ge-embed) / renamed:")
        lines += [f"  {old} -> {new}" for new, old in sorted(r.renamed.items())]
    if r.failed:
        lines.append("Overgeslagen bestanden / skipped files:")
        lines += [f"  {name}: {reason}" for name, reason in sorted(r.failed.items())]
    if r.warnings:
        lines.append("Geïndexeerd met een waarschuwing / indexed with a warning:")
        lines += [f"  {name}: {note}" for name, note in sorted(r.warnings.items())]
    if r.ocr_pages:
        lines.append(f"OCR: {r.ocr_pages} pagina's gelezen (de rest uit de OCR-cache)")
    if r.duplicates:
        lines.append("Dubbele documenten (één keer geïndexeerd) / duplicates:")
        lines += [f"  {name} = {original}" for name, original in sorted(r.duplicates.items())]
    return "\n".join(lines)


def _ready(assistant: Assistant, quiet: bool) -> None:
    """The index brought up to date before a question; where that fails (a full disk, another indexer at work)
    and an earlier index exists, the question is answered from it, with a warning."""
    try:
        report = assistant.ensure_index()
    except (OSError, IndexError_) as err:
        if not has_usable_version(assistant.settings.index_dir):
            raise
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        say(f"Let op: de index is niet bijgewerkt ({reason}); het antwoord komt uit de vorige index. / "
            "The index was not updated; answering from the previous one.", file=sys.stderr)
        return
    if report and not quiet:
        say(_index_summary(report), file=sys.stderr)
    elif report:
        print(f"index bijgewerkt: {report.chunks} passages", file=sys.stderr)


def _search_json(assistant: Assistant, question: str, args) -> dict:
    hits = assistant.search(question, k=result_count(args.k), filters=parse_filters(args.filter), mode=args.mode)
    return {"query": question, "results": [hit_to_json(h) for h in hits]}


class _BatchLines:
    """The non-empty lines of a file, or of stdin for '-': one question each. A line that is not UTF-8 is
    skipped with a Dutch message on stderr, and the rest is answered (it stopped the whole batch);
    `skipped` counts them, for the exit code."""

    def __init__(self, source: str):
        if source != "-" and not Path(source).is_file():
            raise SystemExit(f"vragenbestand {source} bestaat niet of is geen bestand")
        self.source, self.skipped = source, 0

    def __iter__(self):
        stream = sys.stdin.buffer if self.source == "-" else open(self.source, "rb")
        with stream:
            for number, raw in enumerate(stream, start=1):
                try:
                    line = raw.decode("utf-8").strip()
                except UnicodeDecodeError:
                    self.skipped += 1
                    print(f"regel {number} is geen UTF-8-tekst en is overgeslagen / line {number} skipped: "
                          "not UTF-8", file=sys.stderr)
                    continue
                if line:
                    yield line


def cmd_search(assistant: Assistant, args) -> int:
    _ready(assistant, quiet=True)
    if args.batch:
        lines = _BatchLines(args.batch)
        for question in lines:
            print(json.dumps(_search_json(assistant, question, args), ensure_ascii=False), flush=True)
        return EXIT_SOME_FAILED if lines.skipped else 0
    if not args.question:
        raise SystemExit("geef een vraag of --batch FILE")
    result = _search_json(assistant, args.question, args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    for r in result["results"]:
        where = f"p. {r['page']}" if r["page"] is not None else ""
        say(f"{r['rank']}. [{r['score']:.3f}] {r['title']} ({r['doc']}) {where} {r['section'] or ''}")
        say(f"   {r['text'][:300]}{'…' if len(r['text']) > 300 else ''}\n")
    return 0


def cmd_ask(assistant: Assistant, args) -> int:
    _ready(assistant, quiet=True)
    if args.batch:
        lines = _BatchLines(args.batch)
        for question in lines:
            answer = assistant.ask(question, filters=parse_filters(args.filter), mode=args.mode)
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return EXIT_SOME_FAILED if lines.skipped else 0
    if not args.question:
        raise SystemExit("geef een vraag of --batch FILE")
    answer = assistant.ask(args.question, filters=parse_filters(args.filter), mode=args.mode, previous=args.previous)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        say(answer.answer)
    return 0


def cmd_eval(assistant: Assistant, args) -> int:
    from vraagbaak.evaluation import QuestionFileError, evaluate, format_table, load_questions

    _ready(assistant, quiet=True)
    modes = list(MODES) if args.mode == "all" else [args.mode]
    try:
        questions = load_questions(args.questions)
    except (QuestionFileError, OSError, UnicodeDecodeError) as err:
        say(f"Fout in vragenbestand {args.questions}: {err}", file=sys.stderr)
        return EXIT_ERROR
    result = evaluate(assistant, questions, k=args.k, modes=modes, answers=not args.no_answers)
    print(json.dumps(result, indent=1) if args.json else format_table(result))
    return 0


def cmd_status(assistant: Assistant, args) -> int:
    status = assistant.status()
    if status.get("problem"):
        if args.json:
            print(json.dumps(status, ensure_ascii=False, indent=1))
        else:
            say(f"Fout: {status['problem']}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=1))
        return 0
    if not status["exists"]:
        print(f"Geen index in {status['index_dir']}. Maak die met: python -m vraagbaak index")
        return 1
    c = status["counts"]
    say(f"Index {status['version']} ({status['index_dir']})\n  model {status['model']} ({status['dimension']}d, "
          f"{status['precision']}), gebouwd {status['built']}\n  {c['documents']} documenten, {c['pages']} pagina's, "
          f"{c['chunks']} passages")
    say(f"  opslag: {status['storage']}")
    if status["up_to_date"]:
        say("  actueel: ja")
    elif any(status["stale"].values()):
        say(f"  NIET actueel: {status['stale']}")
    else:  # the files are indexed, but by an older set-up or with other settings
        say("  NIET actueel: gemaakt met een oudere opzet of andere instellingen (bijv. nog zonder zinsvectoren); "
            "python -m vraagbaak index werkt de index bij (vectoren van ongewijzigde passages worden overgenomen)")
    for name, reason in status["failed"].items():
        say(f"  mislukt: {name}: {reason}")
    for name, original in status["duplicates"].items():
        say(f"  dubbel: {name} = {original}")
    ocr = status.get("ocr") or {}
    if ocr.get("documents"):
        say(f"  OCR: {ocr['documents']} gescande documenten, {ocr['pages']} pagina's via OCR")
    for name, pages in (ocr.get("low_confidence") or {}).items():
        say(f"  OCR met lage zekerheid: {name}: " + ", ".join(f"p. {p} ({c:.0f}%)" for p, c in pages.items()))
    return 0


def cmd_audit(assistant: Assistant, args) -> int:
    """verify: exit 0 when the chain is whole, 1 with the first bad line; purge: remove what is past the
    retention period. Both are events in the log themselves."""
    import getpass

    from vraagbaak.audit import AuditLog, verify

    s = assistant.settings
    folder = args.map or s.audit_path
    key = args.sleutel or (s.audit_key_file or folder.parent / "audit-sleutel")
    actor = getpass.getuser()
    if args.actie == "verify":
        verdict = verify(folder, key)
        if verdict.ok:
            say(f"Het auditlog is heel: {verdict.lines} regels, de keten klopt.")
        else:
            say(f"Het auditlog is NIET heel: {verdict.problem}", file=sys.stderr)
        if key.exists():
            AuditLog(folder, key).record("audit.controleren", str(folder), "heel" if verdict.ok else "niet heel",
                                         actor=actor, origin="opdrachtregel", problem=verdict.problem)
        return 0 if verdict.ok else 1
    removed = AuditLog(folder, key).purge(s.audit_retention_days, actor=actor, origin="opdrachtregel")
    say(f"Opgeschoond: {', '.join(removed) if removed else 'niets'} (bewaartermijn {s.audit_retention_days} dagen).")
    return 0


def cmd_worker(assistant: Assistant, args) -> int:
    """Take tasks of the corpus's current run until none is open (docs/scaling.md)."""
    done = assistant.work_on_tasks(say=lambda line: say(line, file=sys.stderr))
    say(f"klaar: {done} taak/taken gedaan")
    return 0


COMMANDS = {"worker": cmd_worker, "index": cmd_index, "search": cmd_search, "ask": cmd_ask, "eval": cmd_eval,
            "status": cmd_status, "audit": cmd_audit}

if __name__ == "__main__":
    sys.exit(main())
