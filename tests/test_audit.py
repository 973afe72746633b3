"""The audit trail: every line chained to the one before and sealed with an HMAC whose key is outside the log
folder. `python -m vraagbaak audit verify` exits 0 on a whole chain and 1, naming the first bad line, after a
flipped byte, a removed or reordered line, or a cut rotated file; a BSN never reaches a line."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from vraagbaak.audit import AuditLog, is_bsn, log_files, scrub, verify

BSN = "123456782"  # passes the eleven test; not a real person's number


def trail(tmp_path: Path, events: int = 12, max_file_bytes: int = 1500) -> tuple[Path, Path]:
    folder, key = tmp_path / "audit", tmp_path / "audit-sleutel"
    log = AuditLog(folder, key, max_file_bytes=max_file_bytes)
    for i in range(events):
        log.record("vraag", f"vraag {i}", "answered", actor="anna", origin="10.0.0.7", docs=[f"d{i}.pdf"])
    return folder, key


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vraagbaak", "audit", *args], capture_output=True, text=True,
                          timeout=120)


def test_a_whole_chain_verifies_across_rotated_files_and_the_cli_says_so(tmp_path):
    folder, key = trail(tmp_path)
    assert len(log_files(folder)) >= 3  # rotated
    assert verify(folder, key).ok and verify(folder, key).lines == 12
    run = cli("verify", str(folder), "--sleutel", str(key))
    assert run.returncode == 0 and "heel: 12 regels" in run.stdout
    last = json.loads(log_files(folder)[-1].read_text().splitlines()[-1])
    assert last["action"] == "audit.controleren" and last["result"] == "heel"  # reading the log is logged
    event = json.loads(log_files(folder)[0].read_text().splitlines()[0])
    assert {"action", "object", "result", "origin", "actor", "time_utc", "time_local", "request_id"} <= set(event)
    assert event["actor"].startswith("p-") and "anna" not in log_files(folder)[0].read_text()  # a pseudonym
    mapping = json.loads((tmp_path / "audit-pseudoniemen.json").read_text())
    assert mapping[event["actor"]] == "anna"  # for the admin role, outside the log folder


def test_a_flipped_byte_is_found_at_its_line(tmp_path):
    folder, key = trail(tmp_path)
    second = log_files(folder)[1]
    lines = second.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"vraag ", b"vraaG ", 1)
    second.write_bytes(b"".join(lines))
    verdict = verify(folder, key)
    assert not verdict.ok and verdict.problem.startswith(f"{second.name} regel 2: de inhoud is gewijzigd")
    run = cli("verify", str(folder), "--sleutel", str(key))
    assert run.returncode == 1 and f"{second.name} regel 2" in run.stderr


def test_a_removed_or_reordered_line_breaks_the_chain_at_the_next_line(tmp_path):
    folder, key = trail(tmp_path)
    first = log_files(folder)[0]
    lines = first.read_bytes().splitlines(keepends=True)
    first.write_bytes(b"".join([lines[0], *lines[2:]]))  # line 2 removed
    assert verify(folder, key).problem.startswith(f"{first.name} regel 2: de keten is onderbroken")
    first.write_bytes(b"".join([lines[1], lines[0], *lines[2:]]))  # the first two swapped
    assert verify(folder, key).problem.startswith(f"{first.name} regel 1: de keten is onderbroken")


def test_a_cut_rotated_file_and_a_cut_last_file_are_found(tmp_path):
    folder, key = trail(tmp_path)
    files = log_files(folder)
    middle = files[1].read_bytes().splitlines(keepends=True)
    files[1].write_bytes(b"".join(middle[:-1]))  # the rotated file lost its last line
    assert verify(folder, key).problem.startswith(f"{files[2].name} regel 1: de keten is onderbroken")
    files[1].write_bytes(b"".join(middle))
    assert verify(folder, key).ok
    tail = files[-1].read_bytes().splitlines(keepends=True)
    files[-1].write_bytes(b"".join(tail[:-1]))  # the file being written lost its last line: HEAD says so
    verdict = verify(folder, key)
    assert not verdict.ok and "laatste regel(s) ontbreken" in verdict.problem
    (folder / "HEAD.json").write_text((folder / "HEAD.json").read_text().replace('"lines":', '"lines": '))
    assert not verify(folder, key).ok


def test_the_key_lives_outside_the_log_folder_and_a_wrong_key_fails(tmp_path):
    with pytest.raises(ValueError, match="buiten de logmap"):
        AuditLog(tmp_path / "audit", tmp_path / "audit" / "sleutel")
    folder, key = trail(tmp_path, events=2)
    other = tmp_path / "andere-sleutel"
    other.write_bytes(b"x" * 32)
    assert not verify(folder, other).ok


def test_a_purge_removes_old_files_anchors_the_rest_and_logs_itself(tmp_path):
    folder, key = trail(tmp_path)
    files = log_files(folder)
    old = files[0]
    aged = [json.loads(line) for line in old.read_text().splitlines()]
    assert aged  # make the first file's events a year and a day old, sealed again as the writer would
    log = AuditLog(folder, key)
    past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=366)).isoformat()
    lines, prev = [], aged[0]["prev"]
    from vraagbaak.audit import _canonical, _line_hash, _mac
    for event in aged:
        event.pop("mac")
        event["time_utc"], event["prev"] = past, prev
        event["mac"] = _mac(log.key, _canonical(event))
        line = (_canonical(event) + "\n").encode()
        lines.append(line)
        prev = _line_hash(line)
    old.write_bytes(b"".join(lines))
    second = files[1].read_text().splitlines()
    relinked = json.loads(second[0])
    relinked.pop("mac")
    relinked["prev"] = prev
    relinked["mac"] = _mac(log.key, _canonical(relinked))
    files[1].write_text("\n".join([_canonical(relinked), *second[1:]]) + "\n")
    # the rest of the chain after the relinked line is broken by the rewrite; only the purge is checked here
    removed = log.purge(365, actor="beheerder", origin="opdrachtregel")
    assert removed == [old.name] and not old.exists()
    assert json.loads(log_files(folder)[-1].read_text().splitlines()[-1])["action"] == "audit.opschonen"
    anchor = json.loads((folder / "ANCHOR.json").read_text())
    assert anchor["file"] == files[1].name and anchor["prev"] == prev


def test_a_bsn_an_email_address_and_a_phone_number_never_reach_a_line(tmp_path):
    assert is_bsn(BSN) and not is_bsn("123456789")
    assert scrub(f"BSN {BSN}, zaak 123456789, mail a.jansen@voorbeeld.nl, bel 06-12345678") == \
        "BSN [BSN], zaak 123456789, mail [e-mailadres], bel [telefoonnummer]"
    folder, key = trail(tmp_path, events=0)
    AuditLog(folder, key).record("vraag", f"Wat weet u over BSN {BSN}?", details_text=f"bsn {BSN}",
                                 nested={"list": [f"nr {BSN}"]})
    assert BSN not in "".join(f.read_text() for f in log_files(folder))
    assert verify(folder, key).ok


def test_a_question_with_a_name_and_a_bsn_is_kept_pseudonymised_by_deduce(tmp_path):
    """The default: names, places and numbers replaced by Deduce (real, loaded once: its first run builds its
    lookup tables), a BSN never kept; 'off' keeps nothing and 'full' the text without the BSN."""
    from vraagbaak.schema import Answer, Citation
    from vraagbaak.settings import Settings
    from vraagbaak.web.audit_trail import NOT_KEPT, QuestionText, Trail

    pytest.importorskip("deduce", reason="Deduce is apart geïnstalleerd (README, .ci/run doet het)")
    settings = Settings(index_dir=tmp_path / "index", audit_questions="pseudonymised")
    trail = Trail(settings)
    assert trail.question_text.ready(timeout=600), "Deduce kon niet worden geladen"
    question = f"Heeft Jan de Vries uit Utrecht met BSN {BSN} al een Wmo-voorziening?"
    answer = Answer(question, True, "…", [Citation(1, "wmo/besluit.pdf", "Besluit", 3, None, "Citaat.")])
    trail.question(answer, "10.1.2.3", {"gemeente": ["Utrecht"]})
    written = "".join(f.read_text() for f in log_files(settings.audit_path))
    assert "Jan de Vries" not in written and BSN not in written and "[PERSOON-1]" in written
    event = json.loads(written.splitlines()[-1])
    assert event["action"] == "vraag" and event["result"] == "answered" and event["origin"] == "10.1.2.3"
    assert event["details"]["quoted"] == [{"doc": "wmo/besluit.pdf", "pagina": 3}]
    assert verify(settings.audit_path, settings.audit_key_path).ok
    assert settings.audit_key_path.parent == settings.audit_path.parent  # the key beside the folder, not in it
    assert QuestionText("off")(question) == NOT_KEPT
    assert BSN not in QuestionText("full")(question) and "Jan de Vries" in QuestionText("full")(question)
    with pytest.raises(ValueError, match="off, pseudonymised of full"):
        QuestionText("alles")


def test_the_feedback_log_keeps_a_question_as_the_audit_trail_does():
    """"A question holding a name and a BSN leaves neither in any log": the feedback log kept the question as
    asked (without the BSN, but with the name)."""
    import tempfile

    from vraagbaak.web.audit_trail import NOT_KEPT, QuestionText
    from vraagbaak.web.feedback import FeedbackLog

    with tempfile.TemporaryDirectory() as tmp:
        log = FeedbackLog(Path(tmp) / "feedback.jsonl", question_text=QuestionText("off"))
        record = {"index": 1, "question": f"Heeft Jan de Vries met BSN {BSN} een uitkering?", "answer": "…",
                  "citations": [{"quote": f"BSN {BSN}"}]}
        assert log.vote({}, record, True, "10.0.0.1")
        written = (Path(tmp) / "feedback.jsonl").read_text()
        assert "Jan de Vries" not in written and BSN not in written and NOT_KEPT in written
