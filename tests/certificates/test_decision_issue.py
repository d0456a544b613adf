import datetime as dt

import pytest
from django.db import transaction

from certificates import services
from certificates.models import Certificate, Decision, RegisterCounter, RenderStatus
from dossiers.errors import Conflict, DossierError, InvalidInput, InvalidState, NotPermitted
from dossiers.models import DossierEvent, EventKind
from workflows import services as flow
from workflows.walk import add_nominees, walk

from .conftest import actors, issue

pytestmark = pytest.mark.django_db


def test_issue_numbers_certificates_and_records_signer(world, decided, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        decision = issue(world, decided)
    # rendering and the export are outbox rows; after commit only the queue is kicked (one per row)
    assert len(callbacks) == 2 and {c.__name__ for c in callbacks} == {"kick"}
    assert decision.signer_capacity == "KT. CHỦ TỊCH"
    assert decision.signer_lines == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert decision.place == "Lạng Sơn"
    assert decision.render_status == RenderStatus.PENDING and decision.render_total == 3
    certificates = list(decision.certificates.order_by("serial"))
    # collectives first (Điều 1 lists them first), then individuals
    assert [c.recipient_name for c in certificates] == ["Sở Tư pháp", "Nguyễn Thị Hồng Nhung", "Hoàng Văn Đức"]
    assert [c.serial for c in certificates] == [1, 2, 3]
    assert [c.register_number for c in certificates] == [1, 2, 3]
    assert certificates[1].position_line == "Trưởng phòng Hành chính - Tư pháp, Sở Tư pháp"
    assert len({c.token for c in certificates}) == 3
    event = DossierEvent.objects.filter(dossier=decided, kind=EventKind.DECISION).last()
    assert event.data["decision"] == decision.pk and event.data["certificates"] == [1, 2, 3]
    assert RegisterCounter.objects.get(name="global").last == 3


def test_register_continues_across_decisions(world, decided, in_window):
    first = issue(world, decided, nominees=list(decided.nominees.all())[:1])
    second = issue(world, decided, number="1235/QĐ-UBND", nominees=list(decided.nominees.all())[1:])
    assert [c.register_number for c in first.certificates.all()] == [1]
    assert [(c.serial, c.register_number) for c in second.certificates.order_by("serial")] == [(1, 2), (2, 3)]


def test_refuses_nominees_not_decided_and_names_them(world, decided, in_window):
    pending = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.other,
                                  actor=world.charlie)
    add_nominees(pending, world.charlie, individuals=[{"full_name": "Lý Văn Tài"}])
    with pytest.raises(InvalidState) as refused:
        issue(world, decided, nominees=list(decided.nominees.all()) + list(pending.nominees.all()))
    assert "Lý Văn Tài" in str(refused.value)
    assert not Decision.objects.exists() and not Certificate.objects.exists()


def test_refuses_nominee_not_awarded(world, in_window):
    from dossiers.models import DossierStatus

    dossier = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, individuals=[{"full_name": "Nông Thị Lan"}, {"full_name": "Vi Văn Hùng"}])
    dossier = walk(dossier, actors(world), until=DossierStatus.AWAITING_DECISION)
    lan, hung = dossier.nominees.order_by("pk")
    flow.dossier_decide(dossier=dossier, actor=world.chris, outcomes={lan.pk: True, hung.pk: False})
    with pytest.raises(InvalidState) as refused:
        issue(world, dossier, nominees=[lan, hung])
    assert "Vi Văn Hùng" in str(refused.value) and "Nông Thị Lan" not in str(refused.value)
    assert issue(world, dossier, nominees=[lan]).certificates.count() == 1


def test_refuses_a_nominee_already_in_a_live_decision(world, decided):
    issue(world, decided)
    with pytest.raises(InvalidState) as refused:
        issue(world, decided, number="999/QĐ-UBND")
    assert "Sở Tư pháp" in str(refused.value)


def test_nominee_can_be_decided_again_after_revocation(world, decided):
    first = issue(world, decided)
    services.decision_revoke(decision=first, actor=world.chris, reason="Sai thông tin chức vụ")
    second = issue(world, decided, number="1300/QĐ-UBND")
    # the revoked numbers stay taken: never reused
    assert [c.register_number for c in second.certificates.order_by("serial")] == [4, 5, 6]


def test_refuses_duplicate_number_outsider_and_non_signer(world, decided):
    issue(world, decided, nominees=list(decided.nominees.all())[:1])
    with pytest.raises(Conflict):
        issue(world, decided, nominees=list(decided.nominees.all())[1:])
    with pytest.raises(NotPermitted):
        services.decision_issue(award_form=world.form, number="1/QĐ-UBND", signed_on=dt.date(2023, 12, 15),
                                signer=world.chris, actor=world.charlie, nominees=list(decided.nominees.all())[1:])
    with pytest.raises(InvalidInput) as refused:
        services.decision_issue(award_form=world.form, number="1/QĐ-UBND", signed_on=dt.date(2023, 12, 15),
                                signer=world.bob, actor=world.chris, nominees=list(decided.nominees.all())[1:])
    assert "Bob" in str(refused.value)
    with pytest.raises(InvalidInput):
        services.decision_issue(award_form=world.form, number="  ", signed_on=dt.date(2023, 12, 15),
                                signer=world.chris, actor=world.chris, nominees=list(decided.nominees.all())[1:])


def test_crash_mid_issue_leaves_no_gap(world, decided, monkeypatch):
    """A failure after some certificates were numbered rolls the numbers back with the rows."""
    nominees = list(decided.nominees.all())
    issue(world, decided, nominees=nominees[:1])
    real = services.record_event

    def crash(**kwargs):
        raise RuntimeError("mất điện giữa chừng")

    monkeypatch.setattr(services, "record_event", crash)
    with pytest.raises(RuntimeError):
        issue(world, decided, number="2000/QĐ-UBND", nominees=nominees[1:])
    monkeypatch.setattr(services, "record_event", real)
    assert RegisterCounter.objects.get(name="global").last == 1
    assert not Decision.objects.filter(number="2000/QĐ-UBND").exists()
    again = issue(world, decided, number="2000/QĐ-UBND", nominees=nominees[1:])
    numbers = sorted(Certificate.objects.values_list("register_number", flat=True))
    assert numbers == [1, 2, 3]
    assert [c.serial for c in again.certificates.order_by("serial")] == [1, 2]


def test_revoke_marks_certificates_and_needs_reason_and_authority(world, decided):
    decision = issue(world, decided)
    with pytest.raises(InvalidInput):
        services.decision_revoke(decision=decision, actor=world.chris, reason="   ")
    with pytest.raises(NotPermitted):
        services.decision_revoke(decision=decision, actor=world.alice, reason="Không có thẩm quyền")
    decision = services.decision_revoke(decision=decision, actor=world.chris, reason="Trùng thành tích")
    assert decision.is_revoked and decision.revoke_reason == "Trùng thành tích"
    assert not decision.certificates.filter(revoked_at__isnull=True).exists()
    assert DossierEvent.objects.filter(dossier=decided, kind=EventKind.DECISION, data__revoked=True).count() == 1
    with pytest.raises(InvalidState):
        services.decision_revoke(decision=decision, actor=world.chris, reason="Lần nữa")


def test_errors_are_domain_errors(world, decided):
    with pytest.raises(DossierError):
        issue(world, decided, nominees=[])


def test_agency_giay_khen_signer_without_deputy(world, agency_decided):
    decision = issue(world, agency_decided, number="56/QĐ-STP", signer=world.henry)
    assert decision.signer_lines == ["GIÁM ĐỐC"] and decision.signer_name == "Phạm Hùng Trường"
    assert decision.issuing_unit == world.unit


def test_refuses_nominees_of_another_award_form(world, decided, agency_decided):
    with pytest.raises(InvalidState) as refused:
        issue(world, decided, form=world.form, nominees=list(agency_decided.nominees.all()))
    assert "Lương Thị Thu Hà" in str(refused.value)


def test_issue_inside_outer_transaction_renders_only_after_commit(world, decided, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            decision = issue(world, decided)
            assert Decision.objects.get(pk=decision.pk).render_status == RenderStatus.PENDING
    decision.refresh_from_db()
    assert decision.render_status == RenderStatus.DONE, decision.render_error
    assert decision.render_done == 3


def test_refuses_a_signer_without_a_title(world, decided):
    from dossiers.models import Membership

    Membership.objects.filter(user=world.chris).update(title="")
    with pytest.raises(InvalidInput) as refused:
        issue(world, decided)
    assert "Chưa ghi chức vụ" in str(refused.value)
