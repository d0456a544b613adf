"""Every guard of the path refuses with a message naming what is missing; permissions are checked
separately from state (role × own/other unit)."""

import datetime as dt

import pytest

from dossiers.errors import InvalidInput, InvalidState, MissingRequirements, NotPermitted, WindowClosed
from dossiers.models import DossierEvent, DossierStatus, ReturnRequest, Step
from dossiers.services import document_upload
from workflows import services
from workflows.flows import ACTIVE
from workflows.models import DossierTask
from workflows.walk import Actors, add_nominees, pdf, prepare, walk

pytestmark = pytest.mark.django_db
HCM = dt.timezone(dt.timedelta(hours=7))


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


@pytest.fixture
def dossier(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(d, world.alice, collectives=[world.unit],
                 individuals=[{"full_name": "Nguyễn Thị Bình", "citizen_id": "020188001111"}])
    return d


def test_proposal_needs_nominees_and_to_trinh(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    with pytest.raises(MissingRequirements) as err:
        services.dossier_complete_step(dossier=d, actor=world.alice, step=Step.PROPOSAL)
    assert "Chưa có tập thể hoặc cá nhân" in str(err.value)
    assert "Thiếu Tờ trình đề nghị khen thưởng." in err.value.problems
    d.refresh_from_db()
    assert d.status == DossierStatus.DRAFT


def test_council_needs_meeting_votes_and_minutes(world, dossier):
    dossier = walk(dossier, actors(world), until=DossierStatus.PROPOSAL_READY)
    with pytest.raises(MissingRequirements) as err:
        services.dossier_complete_step(dossier=dossier, actor=world.alice, step=Step.COUNCIL)
    problems = err.value.problems
    assert any("Hội đồng TĐKT" in p for p in problems)
    assert "Chưa ghi số phiếu đồng ý cho Nguyễn Thị Bình." in problems
    assert "Thiếu Biên bản họp xét của Hội đồng TĐKT." in problems


def test_reports_needed_for_each_nominee(world, dossier):
    dossier = walk(dossier, actors(world), until=DossierStatus.COUNCIL_REVIEWED)
    first = dossier.nominees.first()
    document_upload(dossier=dossier, actor=world.alice, file=pdf("bc.pdf"),
                    document_type=world.types["bao-cao-thanh-tich"], nominee=first)
    with pytest.raises(MissingRequirements) as err:
        services.dossier_complete_step(dossier=dossier, actor=world.alice, step=Step.REPORTS)
    assert err.value.problems == ["Thiếu Báo cáo thành tích (mẫu số 07, Nghị định 91/2017/NĐ-CP) của Nguyễn Thị Bình."]


def test_wrong_step_is_refused(world, dossier):
    with pytest.raises(InvalidState):
        services.dossier_complete_step(dossier=dossier, actor=world.alice, step=Step.COUNCIL)


@pytest.mark.parametrize("who", ["alice", "bob", "nora", "chris", "charlie"])
def test_only_the_unit_head_submits(world, dossier, who):
    dossier = walk(dossier, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    with pytest.raises(NotPermitted):
        services.dossier_submit(dossier=dossier, actor=getattr(world, who))
    assert not DossierEvent.objects.filter(dossier=dossier, to_status=DossierStatus.SUBMITTED).exists()


@pytest.mark.parametrize("who,allowed", [("alice", False), ("henry", False), ("bob", True), ("nora", False),
                                         ("chris", False), ("charlie", False)])
def test_appraisal_only_by_appraiser_of_appraising_unit(world, dossier, who, allowed):
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    if allowed:
        assert services.dossier_approve_step(dossier=dossier, actor=getattr(world, who)).status == DossierStatus.APPRAISED
    else:
        with pytest.raises(NotPermitted):
            services.dossier_approve_step(dossier=dossier, actor=getattr(world, who))


@pytest.mark.parametrize("who,allowed", [("bob", False), ("nora", True), ("henry", False)])
def test_home_affairs_check_only_by_home_affairs(world, dossier, who, allowed):
    dossier = walk(dossier, actors(world), until=DossierStatus.APPRAISED)
    if allowed:
        services.dossier_approve_step(dossier=dossier, actor=getattr(world, who))
    else:
        with pytest.raises(NotPermitted):
            services.dossier_approve_step(dossier=dossier, actor=getattr(world, who))


def test_outsider_cannot_touch_another_units_dossier(world, dossier):
    from dossiers.services import nominee_add
    with pytest.raises(NotPermitted):
        nominee_add(dossier=dossier, actor=world.charlie, kind="collective", unit=world.other)
    with pytest.raises(NotPermitted):
        services.dossier_complete_step(dossier=dossier, actor=world.charlie, step=Step.PROPOSAL)


def test_merged_unit_accounts_stop_acting(world, dossier):
    from dossiers.models import Unit
    successor = Unit.objects.create(name="Sở Tư pháp (mới)", level=world.unit.level)
    Unit.objects.filter(pk=world.unit.pk).update(successor=successor)
    with pytest.raises(NotPermitted):
        services.dossier_complete_step(dossier=dossier, actor=world.alice, step=Step.PROPOSAL)


@pytest.mark.parametrize("moment,ok", [
    (dt.datetime(2023, 12, 3, 23, 59, 59, tzinfo=HCM), False),
    (dt.datetime(2023, 12, 4, 0, 0, 0, tzinfo=HCM), True),
    (dt.datetime(2023, 12, 6, 23, 59, 59, tzinfo=HCM), True),
    (dt.datetime(2023, 12, 7, 0, 0, 0, tzinfo=HCM), False),
])
def test_submission_window_edges(world, dossier, time_machine, moment, ok):
    dossier = walk(dossier, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    time_machine.move_to(moment, tick=False)
    if ok:
        assert services.dossier_submit(dossier=dossier, actor=world.henry).status == DossierStatus.SUBMITTED
    else:
        with pytest.raises(WindowClosed) as err:
            services.dossier_submit(dossier=dossier, actor=world.henry)
        assert "từ 00:00 ngày 04/12/2023 đến 23:59 ngày 06/12/2023" in str(err.value)
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.REPORTS_COMPLETE


def test_return_requires_reasons(world, dossier):
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    with pytest.raises(InvalidInput):
        services.dossier_return(dossier=dossier, actor=world.bob, reasons=["   "])
    with pytest.raises(NotPermitted):
        services.dossier_return(dossier=dossier, actor=world.nora, reasons=["Thiếu chữ ký"])


def test_return_fix_resubmit_resumes_at_returning_step_with_days_left(world, dossier, time_machine):
    dossier = walk(dossier, actors(world), until=DossierStatus.APPRAISED)   # Tue 05/12/2023
    task = DossierTask.objects.get(dossier=dossier, status__in=ACTIVE)
    assert task.step == Step.HOME_AFFAIRS
    # Sở Nội vụ lead time 5 working days: due Tue 12/12. Return on Thu 07/12: 3 working days left (8, 11, 12).
    time_machine.move_to(dt.datetime(2023, 12, 7, 10, 0, tzinfo=HCM), tick=False)
    request = services.dossier_return(dossier=dossier, actor=world.nora, reasons=[
        {"text": "Biên bản thiếu chữ ký thư ký", "document_type": "bien-ban-hop-xet"}])
    assert request.reviewer_days_left == 3
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED and dossier.returned_from == Step.HOME_AFFAIRS
    revision = DossierTask.objects.get(dossier=dossier, status__in=ACTIVE)
    assert revision.step == "revision" and revision.unit_id == world.unit.pk
    assert revision.due_at == request.unit_due_at
    # The unit cannot resubmit what is still missing... (remove nothing: all present) so it fixes and resends.
    time_machine.move_to(dt.datetime(2023, 12, 11, 9, 0, tzinfo=HCM), tick=False)  # Monday
    document_upload(dossier=dossier, actor=world.alice, file=pdf("bien-ban-v2.pdf"),
                    document_type=world.types["bien-ban-hop-xet"])
    dossier = services.dossier_resubmit(dossier=dossier, actor=world.alice)
    assert dossier.status == DossierStatus.APPRAISED        # back to Sở Nội vụ, not to Sở TT&TT
    resumed = DossierTask.objects.get(dossier=dossier, status__in=ACTIVE)
    assert resumed.step == Step.HOME_AFFAIRS
    assert resumed.due_at.astimezone(HCM).date() == dt.date(2023, 12, 14)   # Mon + 3 working days
    assert ReturnRequest.objects.get(pk=request.pk).resolved_at is not None
    assert dossier.documents.filter(document_type__code="bien-ban-hop-xet").count() == 2


def test_resubmit_refused_while_something_is_missing(world, dossier):
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    services.dossier_return(dossier=dossier, actor=world.bob, reasons=["Bổ sung báo cáo"])
    dossier.refresh_from_db()
    # the unit adds a nominee but not the nominee's report
    from dossiers.services import nominee_add, return_reply
    nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="Người Mới")
    return_reply(dossier=dossier, actor=world.alice, replies={0: "Đã bổ sung thêm một cá nhân."})
    with pytest.raises(MissingRequirements) as err:
        services.dossier_resubmit(dossier=dossier, actor=world.alice)
    assert any("Người Mới" in p for p in err.value.problems)


def test_withdraw_and_reject_end_the_process(world, dossier):
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    with pytest.raises(NotPermitted):
        services.dossier_withdraw(dossier=dossier, actor=world.alice, reason="x")
    dossier = services.dossier_withdraw(dossier=dossier, actor=world.henry, reason="Chưa đạt chỉ tiêu")
    assert dossier.status == DossierStatus.WITHDRAWN
    assert not DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE).exists()
    # a withdrawn dossier frees the slot: the unit may start again
    again = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    assert again.pk != dossier.pk


def test_reject_needs_a_reason_and_the_reviewer(world, dossier):
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    with pytest.raises(InvalidInput):
        services.dossier_reject(dossier=dossier, actor=world.bob, reason=" ")
    dossier = services.dossier_reject(dossier=dossier, actor=world.bob, reason="Không đạt tiêu chuẩn")
    assert dossier.status == DossierStatus.REJECTED
    with pytest.raises(InvalidState):
        services.dossier_approve_step(dossier=dossier, actor=world.bob)


def test_second_live_dossier_for_same_unit_and_form_is_refused(world, dossier):
    from dossiers.errors import Conflict
    with pytest.raises(Conflict) as err:
        services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    assert f"#{dossier.pk}" in str(err.value)


def test_create_refused_after_window_closed(world, time_machine):
    time_machine.move_to(dt.datetime(2023, 12, 7, 0, 0, tzinfo=HCM), tick=False)
    with pytest.raises(WindowClosed):
        services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)


def test_decision_requires_every_nominee_and_records_signing_capacity(world, dossier):
    dossier = walk(dossier, actors(world), until=DossierStatus.AWAITING_DECISION)
    nominees = list(dossier.nominees.all())
    with pytest.raises(MissingRequirements):
        services.dossier_decide(dossier=dossier, actor=world.chris, outcomes={nominees[0].pk: True})
    with pytest.raises(NotPermitted):
        services.dossier_decide(dossier=dossier, actor=world.nora, outcomes={n.pk: True for n in nominees})
    services.dossier_decide(dossier=dossier, actor=world.chris,
                            outcomes={nominees[0].pk: True, nominees[1].pk: False})
    event = DossierEvent.objects.get(dossier=dossier, kind="decision")
    assert event.data["signed_as"]["capacity"] == "KT. CHỦ TỊCH"
    assert event.data["signed_as"]["title"] == "Phó Chủ tịch"
    assert event.data["awarded"] == [nominees[0].pk] and event.data["not_awarded"] == [nominees[1].pk]


def test_stale_page_gets_conflict_not_overwrite(world, dossier):
    from dossiers.errors import Conflict
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    stale = type(dossier).objects.get(pk=dossier.pk)          # what a second appraiser's page loaded
    services.dossier_approve_step(dossier=dossier, actor=world.bob)
    with pytest.raises(Conflict):
        services.dossier_return(dossier=stale, actor=world.bob, reasons=["quá muộn"])
    assert DossierEvent.objects.filter(dossier=dossier, from_status=DossierStatus.SUBMITTED).count() == 1


def test_rulebook_frozen_on_first_submission(world, dossier):
    assert world.campaign.rulebook_frozen_at is None
    walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    world.campaign.refresh_from_db()
    assert world.campaign.rulebook_frozen_at is not None


def test_status_cannot_be_written_directly(world, dossier):
    with pytest.raises(AttributeError):
        dossier.status = DossierStatus.DECIDED


def test_events_are_append_only(world, dossier):
    event = DossierEvent.objects.filter(dossier=dossier).first()
    event.comment = "sửa"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
