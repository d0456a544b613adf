"""Returns that must be answered: a resubmission is refused until every returned item has a new
version or a written reply from the unit (each named); after the supplement deadline it is accepted,
marked late and counted; the reviewer's next review shows the history and pre-selects nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from dossiers.errors import MissingRequirements
from dossiers.models import DossierEvent, DossierStatus, ReturnRequest
from dossiers.services import council_record, document_upload, nominee_add, return_reply
from workflows import figures, selectors, services
from tests.web.conftest import client_for  # noqa: F401
from workflows.walk import Actors, add_nominees, pdf, walk

pytestmark = pytest.mark.django_db
HCM = dt.timezone(dt.timedelta(hours=7))


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


@pytest.fixture
def returned(world, in_window, time_machine):
    """Returned by the appraiser on Tue 05/12/2023 with a document reason and a general one."""
    time_machine.move_to(dt.datetime(2023, 12, 5, 9, 0, tzinfo=HCM), tick=False)
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    time_machine.move_to(dt.datetime(2023, 12, 5, 10, 0, tzinfo=HCM), tick=False)
    request = services.dossier_return(dossier=dossier, actor=world.bob, reasons=[
        {"text": "Biên bản thiếu chữ ký thư ký", "document_type": "bien-ban-hop-xet"},
        "Bổ sung ý kiến của Đảng ủy"])
    dossier.refresh_from_db()
    return dossier, request


def test_unchanged_resubmission_is_refused_naming_each_item(world, returned, time_machine):
    dossier, request = returned
    time_machine.move_to(dt.datetime(2023, 12, 6, 9, 0, tzinfo=HCM), tick=False)
    events = DossierEvent.objects.filter(dossier=dossier).count()
    with pytest.raises(MissingRequirements) as err:
        services.dossier_resubmit(dossier=dossier, actor=world.alice)
    problems = err.value.problems
    assert len(problems) == 2
    assert "Biên bản họp xét" in problems[0] and "Biên bản thiếu chữ ký thư ký" in problems[0]
    assert "Yêu cầu chung" in problems[1] and "Bổ sung ý kiến của Đảng ủy" in problems[1]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert DossierEvent.objects.filter(dossier=dossier).count() == events
    # a new version answers the first item; the second is still named
    document_upload(dossier=dossier, actor=world.alice, file=pdf("bien-ban-v2.pdf"),
                    document_type=world.types["bien-ban-hop-xet"])
    with pytest.raises(MissingRequirements) as err:
        services.dossier_resubmit(dossier=dossier, actor=world.alice)
    assert len(err.value.problems) == 1 and "Đảng ủy" in err.value.problems[0]
    # a blank reply is no answer
    return_reply(dossier=dossier, actor=world.alice, replies={1: "   \u200f "})
    with pytest.raises(MissingRequirements):
        services.dossier_resubmit(dossier=dossier, actor=world.alice)
    return_reply(dossier=dossier, actor=world.alice, replies={1: "Không cần sửa vì ý kiến đã có ở trang 2 tờ trình."})
    dossier = services.dossier_resubmit(dossier=dossier, actor=world.alice)
    assert dossier.status == DossierStatus.SUBMITTED
    request.refresh_from_db()
    assert request.resolved_at is not None and request.late is False
    assert request.replies == {"1": "Không cần sửa vì ý kiến đã có ở trang 2 tờ trình."}


def test_late_resubmission_is_accepted_marked_and_counted(world, returned, time_machine):
    dossier, request = returned
    assert request.unit_due_at.astimezone(HCM).date() == dt.date(2023, 12, 12)   # 5 working days
    return_reply(dossier=dossier, actor=world.alice, replies={0: "Không cần sửa vì biên bản đã có chữ ký ở trang 3.",
                                                             1: "Đã có ý kiến, xem trang 2."})
    time_machine.move_to(dt.datetime(2023, 12, 14, 9, 0, tzinfo=HCM), tick=False)   # after the deadline
    dossier = services.dossier_resubmit(dossier=dossier, actor=world.alice)
    assert dossier.status == DossierStatus.SUBMITTED
    request.refresh_from_db()
    assert request.late is True
    event = DossierEvent.objects.filter(dossier=dossier, data__step="revision").latest("pk")
    assert event.data["late"] is True and "quá hạn bổ sung" in event.comment
    figures.refresh()
    stats = selectors.dashboard(world.bob)
    assert (stats.resubmissions, stats.late_resubmissions) == (1, 1)


def test_the_next_review_shows_the_history_and_preselects_nothing(world, returned, client_for, time_machine):
    dossier, request = returned
    time_machine.move_to(dt.datetime(2023, 12, 6, 9, 0, tzinfo=HCM), tick=False)
    old = dossier.documents.get(document_type__code="bien-ban-hop-xet", is_current=True)
    new = document_upload(dossier=dossier, actor=world.alice, file=pdf("bien-ban-v2.pdf"),
                          document_type=world.types["bien-ban-hop-xet"])
    nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="Hoàng Thị Lan")
    document_upload(dossier=dossier, actor=world.alice, file=pdf("bc.pdf"),
                    document_type=world.types["bao-cao-thanh-tich"],
                    nominee=dossier.nominees.get(person__full_name="Hoàng Thị Lan"))
    council_record(dossier=dossier, actor=world.alice, held_on=dt.date(2023, 12, 6), members_total=9,
                   members_present=9, votes={n.pk: 9 for n in dossier.nominees.all()})
    client = client_for(world.alice)
    response = client.post(reverse("workflows:resubmit", args=[dossier.pk]),
                           {"seen_status": "returned", "reply_1": "Đã bổ sung ý kiến của Đảng ủy vào tờ trình."})
    assert response.status_code == 302, re.findall(r"<li>[^<]*</li>", response.content.decode())
    page = client_for(world.bob).get(reverse("workflows:review", args=[dossier.pk])).content.decode()
    assert "Biên bản thiếu chữ ký thư ký" in page and "Đã bổ sung ý kiến của Đảng ủy vào tờ trình." in page
    assert reverse("dossiers:document", args=[old.pk]) in page and reverse("dossiers:document", args=[new.pk]) in page
    assert "Thêm Hoàng Thị Lan" in page
    assert " checked" not in page.split('id="review-form"')[1]        # no verdict chosen for the reviewer
    # approving without a verdict for every document is refused, naming them
    url = reverse("workflows:review", args=[dossier.pk])
    documents = list(dossier.documents.filter(is_current=True))
    response = client_for(world.bob).post(url, {"action": "approve", "seen_status": "submitted",
                                                f"verdict_{new.pk}": "ok"})
    assert response.status_code == 400 and "Chưa chọn “Đạt” hoặc “Trả lại”" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    response = client_for(world.bob).post(url, {"action": "approve", "seen_status": "submitted",
                                                **{f"verdict_{d.pk}": "ok" for d in documents}})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.APPRAISED
    assert ReturnRequest.objects.get(pk=request.pk).late is False
