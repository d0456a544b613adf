"""The findings on the officer's dossier page (before submission) and beside the document on the
appraiser's review page, each linked to its page; pending and failed shown as they are."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import DossierStatus
from dossiers.services import document_upload
from outbox.services import dispatch
from precheck import corpus, reading
from workflows.walk import Actors, sample_file, walk


@pytest.fixture
def minutes_without_an(world, dossier, rng, monkeypatch):
    """The dossier with its minutes leaving out Nguyễn Văn An, every other document a sample PDF."""
    monkeypatch.setattr(rng, "choice", lambda seq: next(n for n in seq if getattr(n, "name", "") == "Nguyễn Văn An"))
    content, _detail = corpus.document("bien-ban-hop-xet", dossier, defect="name", rng=rng)
    return document_upload(dossier=dossier, actor=world.alice, document_type=world.types["bien-ban-hop-xet"],
                           file=SimpleUploadedFile("bien-ban.pdf", content, content_type="application/pdf"))


def test_officer_sees_pending_then_the_warning_with_its_page(client, world, dossier, minutes_without_an):
    client.force_login(world.alice)
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "đang kiểm tra…" in page and f'id="precheck-{minutes_without_an.pk}"' in page

    dispatch(sweepers=False)
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "đang kiểm tra…" not in page
    assert "Biên bản họp xét của Hội đồng TĐKT: không thấy tên Nguyễn Văn An." in page
    assert f'href="/tai-lieu/{minutes_without_an.pk}/#page=2"' in page
    assert 'id="precheck-summary"' in page           # listed before submission, with the way to the page
    assert "không chặn việc gửi" in page


def test_appraiser_sees_the_warning_beside_the_document(client, world, dossier, rng, monkeypatch):
    monkeypatch.setattr(rng, "choice", lambda seq: next(n for n in seq if getattr(n, "name", "") == "Nguyễn Văn An"))
    content, _detail = corpus.document("bien-ban-hop-xet", dossier, defect="name", rng=rng)

    def files(*, dossier, document_type, nominee, actor):
        if document_type.code == "bien-ban-hop-xet":
            return SimpleUploadedFile("bien-ban.pdf", content, content_type="application/pdf")
        return sample_file(dossier=dossier, document_type=document_type, nominee=nominee, actor=actor)

    actors = Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                    chairman=world.chris)
    dossier = walk(dossier, actors, until=DossierStatus.SUBMITTED, files=files)   # warnings never block
    assert dossier.status == DossierStatus.SUBMITTED
    dispatch(sweepers=False)
    minutes = dossier.documents.get(document_type__code="bien-ban-hop-xet", is_current=True)
    client.force_login(world.bob)
    page = client.get(f"/ho-so/{dossier.pk}/tham-dinh/").content.decode()
    row = page[page.index(f'id="doc-{minutes.pk}"'):]
    row = row[:row.index('class="verdict"')]
    assert "không thấy tên Nguyễn Văn An" in row
    assert f'href="/tai-lieu/{minutes.pk}/#page=2"' in row and "data-preview" in row


def test_failed_check_offers_a_retry_that_queues_it_again(client, world, dossier, minutes_without_an, monkeypatch,
                                                          settings):
    settings.PRECHECK_MAX_ATTEMPTS = 1

    def broken(content):
        raise reading.ReadError("pdftoppm failed (1)")

    monkeypatch.setattr(reading, "read_bytes", broken)
    dispatch(sweepers=False)
    client.force_login(world.alice)
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Kiểm tra không thành công" in page and "đang kiểm tra…" not in page
    assert f'action="/tai-lieu/{minutes_without_an.pk}/kiem-tra-lai/"' in page

    response = client.post(f"/tai-lieu/{minutes_without_an.pk}/kiem-tra-lai/", {"next": f"/ho-so/{dossier.pk}/"})
    assert response.status_code == 302 and response.url == f"/ho-so/{dossier.pk}/"
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "đang kiểm tra…" in page and "Kiểm tra không thành công" not in page


def test_another_units_officer_cannot_ask_for_a_check(client, world, dossier, minutes_without_an):
    client.force_login(world.charlie)
    assert client.post(f"/tai-lieu/{minutes_without_an.pk}/kiem-tra-lai/").status_code == 404
