"""The pre-check runs in the queue, from the outbox message the upload wrote in its own transaction;
its state is what the facts say (queued job → pending; failures retried, then failed, then retried on
request); a change of the dossier re-checks from the text already read."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Document
from dossiers.services import council_record, document_upload
from dossiers.services.documents import PRECHECK_DOSSIER_KIND, PRECHECK_KIND
from outbox.models import OutboxMessage
from outbox.services import dispatch
from precheck import corpus, reading, services
from precheck.models import CheckStatus, DocumentCheck
from precheck.selectors import states_for


def upload_minutes(world, dossier, rng, defect=""):
    content, _detail = corpus.document("bien-ban-hop-xet", dossier, defect=defect, rng=rng)
    return document_upload(dossier=dossier, actor=world.alice, document_type=world.types["bien-ban-hop-xet"],
                           file=SimpleUploadedFile("bien-ban.pdf", content, content_type="application/pdf"))


def state(document):
    return states_for([Document.objects.get(pk=document.pk)])[document.pk]


def test_upload_queues_the_check_and_the_consumer_runs_it(world, dossier, rng, monkeypatch):
    monkeypatch.setattr(rng, "choice", lambda seq: next(n for n in seq if getattr(n, "name", "") == "Nguyễn Văn An"))
    document = upload_minutes(world, dossier, rng, defect="name")
    message = OutboxMessage.objects.get(kind=PRECHECK_KIND, dedupe_key=str(document.pk))
    assert message.payload == {"document": document.pk} and message.delivered_at is None
    assert not DocumentCheck.objects.filter(document=document).exists()     # nothing read in the request
    assert state(document).state == "pending"

    assert dispatch(sweepers=False).delivered >= 1

    check = DocumentCheck.objects.get(document=document)
    assert check.status == CheckStatus.DONE and check.attempts == 1 and check.checked_at
    assert [(p["number"], p["source"]) for p in check.pages] == [(1, "text"), (2, "text")]
    assert [(f["code"], f["params"].get("name"), f["page"]) for f in check.warnings] == [
        ("name_missing", "Nguyễn Văn An", 2)]
    shown = state(document)
    assert shown.state == "done"
    assert shown.warnings[0].text == "Biên bản họp xét của Hội đồng TĐKT: không thấy tên Nguyễn Văn An."
    assert shown.warnings[0].url == f"/tai-lieu/{document.pk}/#page=2"


def test_a_failing_read_is_retried_then_failed_then_retried_on_request(world, dossier, rng, monkeypatch, settings,
                                                                      time_machine):
    settings.PRECHECK_MAX_ATTEMPTS = 2
    document = upload_minutes(world, dossier, rng)

    def broken(content):
        raise reading.ReadError("tesseract took longer than 120 s")

    monkeypatch.setattr(reading, "read_bytes", broken)
    dispatch(sweepers=False)
    check = DocumentCheck.objects.get(document=document)
    assert (check.status, check.attempts) == (CheckStatus.QUEUED, 1) and "120 s" in check.error
    assert state(document).state == "pending" and state(document).retrying      # the outbox will try again

    time_machine.shift(dt.timedelta(minutes=10))
    dispatch(sweepers=False)
    check.refresh_from_db()
    assert (check.status, check.attempts) == (CheckStatus.FAILED, 2)
    assert not OutboxMessage.objects.filter(kind=PRECHECK_KIND, delivered_at__isnull=True).exists()
    assert state(document).state == "failed"        # not "đang kiểm tra…": nothing is queued any more

    monkeypatch.undo()
    services.precheck_request(document=document, actor=world.alice)
    assert state(document).state == "pending"
    dispatch(sweepers=False)
    assert state(document).state == "done" and state(document).warnings == []


def test_recording_other_votes_rechecks_without_reading_again(world, dossier, rng, monkeypatch):
    document = upload_minutes(world, dossier, rng)
    dispatch(sweepers=False)
    assert DocumentCheck.objects.get(document=document).warnings == []

    monkeypatch.setattr(reading, "read_bytes", lambda content: pytest.fail("read again"))
    an = dossier.nominees.get(person__full_name="Nguyễn Văn An")
    votes = {n.pk: (5 if n.pk == an.pk else n.votes_for) for n in dossier.nominees.all()}
    council_record(dossier=dossier, actor=world.alice, held_on=dt.date(2023, 12, 1), members_total=9,
                   members_present=8, votes=votes)
    assert OutboxMessage.objects.filter(kind=PRECHECK_DOSSIER_KIND, delivered_at__isnull=True).exists()
    dispatch(sweepers=False)
    warnings = DocumentCheck.objects.get(document=document).warnings
    assert [(f["code"], f["params"]["found"], f["params"]["recorded"]) for f in warnings] == [("votes_differ", 8, 5)]


def test_only_someone_who_sees_the_dossier_may_ask_for_a_check(world, dossier, rng):
    from dossiers.errors import NotPermitted

    document = upload_minutes(world, dossier, rng)
    with pytest.raises(NotPermitted):
        services.precheck_request(document=document, actor=world.charlie)
