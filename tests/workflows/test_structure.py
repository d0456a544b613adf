"""The province as it is now (issue 13.4) and delegation (issue 14.6): mergers keep history, move the work
and stop the old accounts; a leader's delegation lets a deputy act for a date range, recorded on every
event and printed on the decision; an absent officer's open work is handed on in bulk."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.selectors import own_unit_ids
from dossiers import audit
from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import Delegation, DossierEvent, DossierStatus, EventKind, Membership, Role, Step, Unit, units_at
from dossiers.selectors import visible_dossiers
from dossiers.services import delegation_create, delegation_revoke
from workflows import services, structure
from workflows.flows import ACTIVE
from workflows.models import DossierTask
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db
HCM = dt.timezone(dt.timedelta(hours=7))


def actors(world, **changes):
    return Actors(**{"officer": world.alice, "head": world.henry, "appraiser": world.bob,
                     "home_affairs": world.nora, "chairman": world.chris, **changes})


@pytest.fixture
def admin(world):
    return world.user("quantri", world.province, Role.ADMIN)


@pytest.fixture
def dossier(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(d, world.alice, collectives=[world.unit],
                 individuals=[{"full_name": "Nguyễn Thị Bình", "citizen_id": "020188001111"}])
    return d


def _open_task(dossier):
    return DossierTask.objects.get(dossier=dossier, status__in=ACTIVE, flow_task_type="HUMAN")


# --- mergers ------------------------------------------------------------------------------------------------
def test_merger_moves_roles_and_open_work_keeps_history_and_stops_the_old_accounts(world, dossier, admin):
    """Sở TT&TT is merged into Sở KH&CN while a dossier waits for its appraisal: the appraiser's role is
    granted again at Sở KH&CN, the task moves there, the campaign still names Sở TT&TT, and the
    appraisal goes on from the successor."""
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    skhcn = Unit.objects.create(name="Sở Khoa học và Công nghệ", level=world.stt.level, parent=world.province)
    tttt_head = world.user("giamdoc_tttt", world.stt, Role.UNIT_HEAD, title="Giám đốc")
    report = structure.unit_merge(absorbed=[world.stt], successor=skhcn, on=dt.date(2025, 3, 1), actor=admin,
                                  basis="Nghị quyết 04/NQ-HĐND ngày 18/02/2025")
    world.stt.refresh_from_db()
    assert world.stt.successor == skhcn and not world.stt.is_active and world.stt.valid_to == dt.date(2025, 2, 28)
    assert not Membership.objects.get(user=world.bob, unit=world.stt).is_active
    assert Membership.objects.get(user=world.bob, unit=skhcn, role=Role.APPRAISER).is_active
    assert [m.user for m in report.leaders_not_moved] == [tttt_head]      # the successor keeps its own head
    assert not Membership.objects.filter(user=tttt_head, unit=skhcn).exists()
    task = _open_task(dossier)
    assert task.unit == skhcn and report.tasks_moved == 1 and report.dossiers == [dossier.pk]
    note = DossierEvent.objects.filter(dossier=dossier, kind=EventKind.NOTE).last()
    assert "sáp nhập vào Sở Khoa học và Công nghệ từ ngày 01/03/2025" in note.comment
    assert note.actor == admin and note.data["merger"]["to"] == skhcn.pk
    world.campaign.refresh_from_db()
    assert world.campaign.appraising_unit == world.stt        # the 2023 campaign keeps its units
    # the appraiser, now at the successor, sees the inbox task and appraises
    from workflows.selectors import inbox

    assert list(inbox(world.bob).values_list("pk", flat=True)) == [task.pk]
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.bob)
    assert dossier.status == DossierStatus.APPRAISED
    # the structure as of a date: before the merger Sở TT&TT, after it Sở KH&CN only
    assert world.stt in units_at(dt.date(2025, 2, 28)) and world.stt not in units_at(dt.date(2025, 3, 1))
    assert audit.verify().ok


def test_the_successor_sees_the_absorbed_units_dossiers_and_awards_and_old_accounts_are_refused(world, dossier,
                                                                                                admin):
    dossier = walk(dossier, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    merged_into = Unit.objects.create(name="Sở Nội vụ (mới)", level=world.unit.level, parent=world.province)
    new_head = world.user("giamdoc_moi", merged_into, Role.UNIT_HEAD, title="Giám đốc")
    structure.unit_merge(absorbed=[world.unit], successor=merged_into, on=dt.date(2023, 12, 5), actor=admin)
    # the old head was not moved: refused, and told why
    with pytest.raises(NotPermitted) as err:
        services.dossier_submit(dossier=dossier, actor=world.henry)
    assert "Sở Tư pháp đã sáp nhập vào Sở Nội vụ (mới) (ngày 05/12/2023)" in str(err.value)
    assert "không còn được thao tác" in str(err.value)
    # the successor's head sees the absorbed unit's dossier and signs it
    assert dossier in visible_dossiers(new_head)
    assert world.unit.pk in own_unit_ids(new_head)
    assert services.dossier_submit(dossier=dossier, actor=new_head).status == DossierStatus.SUBMITTED
    # the officer's role moved: alice still works on the unit's dossiers, as an officer of the successor
    assert Membership.objects.get(user=world.alice, unit=merged_into, role=Role.UNIT_OFFICER).is_active
    assert dossier in visible_dossiers(world.alice)
    assert dossier not in visible_dossiers(world.charlie)


def test_merger_refusals(world, admin):
    successor = Unit.objects.create(name="Sở Khoa học và Công nghệ", level=world.stt.level)
    with pytest.raises(NotPermitted):
        structure.unit_merge(absorbed=[world.stt], successor=successor, on=dt.date(2025, 3, 1), actor=world.alice)
    with pytest.raises(InvalidInput):
        structure.unit_merge(absorbed=[successor], successor=successor, on=dt.date(2025, 3, 1), actor=admin)
    structure.unit_merge(absorbed=[world.stt], successor=successor, on=dt.date(2025, 3, 1), actor=admin)
    with pytest.raises(InvalidState) as err:
        structure.unit_merge(absorbed=[world.stt], successor=world.snv, on=dt.date(2025, 4, 1), actor=admin)
    assert "đã sáp nhập vào Sở Khoa học và Công nghệ từ trước" in " ".join(err.value.problems)
    with pytest.raises(InvalidState) as err:
        structure.unit_merge(absorbed=[world.snv], successor=world.stt, on=dt.date(2025, 4, 1), actor=admin)
    assert "đã thôi hoạt động" in str(err.value)
    assert Unit.objects.filter(pk=world.stt.pk).exists()        # never deleted


def test_a_unit_closes_only_without_open_work(world, dossier, admin):
    with pytest.raises(InvalidState) as err:
        structure.unit_close(unit=world.unit, on=dt.date(2025, 7, 1), actor=admin)
    assert "còn 1 việc đang xử lý" in str(err.value)
    structure.unit_close(unit=world.other, on=dt.date(2025, 7, 1), actor=admin)
    world.other.refresh_from_db()
    assert not world.other.acts and world.other.valid_to == dt.date(2025, 6, 30)
    with pytest.raises(NotPermitted) as err:
        services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.other,
                                actor=world.charlie)


def test_the_merger_in_the_admin(world, admin, client):
    admin.is_staff = admin.is_superuser = True
    admin.save()
    successor = Unit.objects.create(name="Sở Khoa học và Công nghệ", level=world.stt.level)
    client.force_login(admin)
    url = f"/admin/dossiers/unit/sap-nhap/?ids={world.stt.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "Sở Thông tin và Truyền thông" in page.content.decode()
    bad = client.post(url, {"successor": successor.pk, "on": "31/02/2025"})
    assert "không hợp lệ" in bad.content.decode()
    done = client.post(url, {"successor": successor.pk, "on": "01/03/2025", "basis": "NQ 04/NQ-HĐND"}, follow=True)
    assert "Đã sáp nhập Sở Thông tin và Truyền thông vào Sở Khoa học và Công nghệ" in done.content.decode()
    world.stt.refresh_from_db()
    assert world.stt.successor == successor


# --- delegation ----------------------------------------------------------------------------------------------
@pytest.fixture
def deputy(world):
    return world.user("dan", world.unit, Role.UNIT_OFFICER, title="Phó Giám đốc")


def _delegate(world, deputy, **changes):
    values = {"unit": world.unit, "delegator": world.henry, "delegate": deputy, "role": Role.UNIT_HEAD,
              "kind": "acting", "valid_from": dt.date(2023, 12, 5), "valid_to": dt.date(2023, 12, 6),
              "actor": world.henry, "basis": "Giám đốc đi công tác"}
    return delegation_create(**{**values, **changes})


@pytest.mark.parametrize("moment,ok,why", [
    (dt.datetime(2023, 12, 4, 23, 59, 59, tzinfo=HCM), False, "chưa có hiệu lực"),
    (dt.datetime(2023, 12, 5, 0, 0, 0, tzinfo=HCM), True, ""),
    (dt.datetime(2023, 12, 6, 23, 59, 59, tzinfo=HCM), True, ""),
    (dt.datetime(2023, 12, 7, 0, 0, 0, tzinfo=HCM), False, "đã hết hạn: chỉ có hiệu lực từ ngày 05/12/2023 "
                                                           "đến hết ngày 06/12/2023"),
])
def test_a_deputy_signs_and_sends_only_inside_the_delegation(world, dossier, deputy, time_machine, moment, ok, why):
    dossier = walk(dossier, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    _delegate(world, deputy)
    time_machine.move_to(moment, tick=False)
    if not ok:
        with pytest.raises(NotPermitted) as err:
            services.dossier_submit(dossier=dossier, actor=deputy)
        assert why in str(err.value) and "Henry" in str(err.value)
        return
    dossier = services.dossier_submit(dossier=dossier, actor=deputy)
    assert dossier.status == DossierStatus.SUBMITTED
    event = DossierEvent.objects.filter(dossier=dossier, to_status=DossierStatus.SUBMITTED).get()
    assert event.actor == deputy and event.on_behalf_of == world.henry
    assert event.data["signed_as"]["capacity"] == "KT. GIÁM ĐỐC" and event.data["signed_as"]["title"] == "Phó Giám đốc"
    assert event.data["delegation"]["kind"] == "acting"
    # the leader's own actions name nobody else
    assert DossierEvent.objects.filter(dossier=dossier, actor=world.alice).exclude(on_behalf_of=None).count() == 0
    assert audit.verify().ok


def test_the_chain_covers_on_behalf_of(world, dossier, deputy):
    dossier = walk(dossier, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    _delegate(world, deputy)
    services.dossier_submit(dossier=dossier, actor=deputy)
    event = DossierEvent.objects.get(dossier=dossier, to_status=DossierStatus.SUBMITTED)
    assert audit.verify().ok
    # rewriting on whose behalf the deputy acted breaks the chain (the trigger dropped, as an attacker would)
    from tests.dossiers.test_audit import drop_trigger, raw

    table = DossierEvent._meta.db_table
    drop_trigger(table)
    raw(f"UPDATE {table} SET on_behalf_of_id = %s WHERE id = %s", [world.alice.pk, event.pk])
    result = audit.verify()
    assert not result.ok
    assert any(f"DossierEvent #{event.pk}" in p and "nội dung đã bị sửa" in p for p in result.problems), result.problems


def test_events_written_before_the_field_still_verify(world, dossier):
    """Rows without on_behalf_of hash exactly as before the field existed (the chain of migration 0005)."""
    from dossiers.audit import EVENT_FIELDS, link

    for event in DossierEvent.objects.filter(dossier=dossier).order_by("seq"):
        assert event.on_behalf_of_id is None
        assert link(event.prev_hash, {name: getattr(event, name) for name in EVENT_FIELDS}) == event.hash


def test_a_delegation_is_refused_to_another_units_people_and_by_non_leaders(world, dossier, deputy):
    with pytest.raises(InvalidInput) as err:
        _delegate(world, world.charlie)
    assert "không công tác tại Sở Tư pháp" in str(err.value)
    with pytest.raises(InvalidInput) as err:
        _delegate(world, deputy, delegator=world.alice, actor=world.alice)
    assert "không giữ vai trò “Thủ trưởng đơn vị” tại Sở Tư pháp" in str(err.value)
    with pytest.raises(NotPermitted):
        _delegate(world, deputy, actor=deputy)
    with pytest.raises(InvalidInput) as err:
        _delegate(world, deputy, valid_from=dt.date(2023, 12, 6), valid_to=dt.date(2023, 12, 5))
    assert "trước ngày bắt đầu" in str(err.value)
    with pytest.raises(InvalidInput) as err:
        _delegate(world, deputy, valid_from=dt.date(2023, 11, 1), valid_to=dt.date(2023, 12, 4))
    assert "đã qua" in str(err.value)
    _delegate(world, deputy)
    with pytest.raises(InvalidState) as err:
        _delegate(world, world.alice, valid_from=dt.date(2023, 12, 6), valid_to=dt.date(2023, 12, 8))
    assert "trùng thời gian" in str(err.value)


def test_a_delegation_holds_only_at_its_own_unit(world, deputy, in_window):
    """Another unit's leader is not the deputy's to replace: the delegation at Sở Tư pháp gives nothing at
    UBND huyện Cao Lộc."""
    other_head = world.user("lanhdao_caoloc", world.other, Role.UNIT_HEAD, title="Chủ tịch")
    other = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.other,
                                    actor=world.charlie)
    add_nominees(other, world.charlie, collectives=[world.other])
    other = walk(other, actors(world, officer=world.charlie, head=other_head), until=DossierStatus.REPORTS_COMPLETE)
    _delegate(world, deputy)
    with pytest.raises(NotPermitted):
        services.dossier_submit(dossier=other, actor=deputy)
    assert other not in visible_dossiers(deputy)


def test_a_revoked_delegation_is_refused_with_its_reason(world, dossier, deputy):
    dossier = walk(dossier, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    delegation = _delegate(world, deputy)
    delegation_revoke(delegation=delegation, actor=world.henry)
    with pytest.raises(NotPermitted) as err:
        services.dossier_submit(dossier=dossier, actor=deputy)
    assert "đã bị chấm dứt ngày 05/12/2023" in str(err.value)


def test_a_decision_signed_under_delegation_prints_tuq_and_names_the_leader(world, dossier, in_window):
    """The Chủ tịch authorises the Chánh Văn phòng to sign: the decision prints TUQ. CHỦ TỊCH over the
    signer's own title, and the events name the Chủ tịch."""
    chief = world.user("chanhvanphong", world.province, Role.UNIT_OFFICER, title="Chánh Văn phòng")
    leader = world.user("chutich", world.province, Role.CHAIRMAN, title="Chủ tịch")
    delegation_create(unit=world.province, delegator=leader, delegate=chief, role=Role.CHAIRMAN, kind="signing",
                      valid_from=dt.date(2023, 12, 5), valid_to=dt.date(2023, 12, 31), actor=leader)
    dossier = walk(dossier, actors(world), until=DossierStatus.AWAITING_DECISION)
    decision = services.decision_sign(dossiers=[dossier], actor=chief,
                                      outcomes={n.pk: True for n in dossier.nominees.all()}, number="77/QĐ-UBND",
                                      signed_on=dt.date(2023, 12, 5))
    assert decision.signer_capacity == "TUQ. CHỦ TỊCH" and decision.signer_title == "Chánh Văn phòng"
    assert decision.signer_lines == ["TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    events = DossierEvent.objects.filter(dossier=dossier, kind=EventKind.DECISION)
    assert events.count() == 2 and all(e.actor == chief and e.on_behalf_of == leader for e in events)
    # the Phó Chủ tịch signing by his own office still prints KT. CHỦ TỊCH, on behalf of nobody
    assert Delegation.objects.count() == 1


def test_roles_and_delegations_are_read_once_per_request(world, dossier, deputy, client):
    _delegate(world, deputy)
    client.force_login(deputy)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/ho-so/{dossier.pk}/")
    assert page.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "dossiers_delegation"' in q["sql"]]
    # once: the roles in one query (memberships, delegations and mergers, UNION ALL), then, one
    # delegation being valid, its details (delegator, unit)
    assert len(reads) == 2 and "UNION ALL" in reads[0] and "UNION" not in reads[1], reads


def test_the_delegation_page(world, deputy, client, in_window):
    client.force_login(world.henry)
    page = client.get("/uy-quyen/")
    assert page.status_code == 200 and "Phó Giám đốc" in page.content.decode()
    membership = Membership.objects.get(user=world.henry, role=Role.UNIT_HEAD)
    bad = client.post("/uy-quyen/", {"membership": membership.pk, "delegate": deputy.pk, "kind": "acting",
                                     "valid_from": "05/12/2023", "valid_to": "32/12/2023"})
    assert bad.status_code == 400 and "Đến hết ngày “32/12/2023” không hợp lệ" in bad.content.decode()
    done = client.post("/uy-quyen/", {"membership": membership.pk, "delegate": deputy.pk, "kind": "acting",
                                      "valid_from": "05/12/2023", "valid_to": "08/12/2023",
                                      "basis": "Giám đốc nghỉ phép"}, follow=True)
    assert "Đã ủy quyền cho Dan từ ngày 05/12/2023 đến hết ngày 08/12/2023" in done.content.decode()
    delegation = Delegation.objects.get()
    assert delegation.delegate == deputy and delegation.created_by == world.henry
    client.force_login(world.alice)          # an officer has nothing to delegate and received nothing
    assert client.get("/uy-quyen/").status_code == 404


# --- handing on an absent officer's open work ------------------------------------------------------------
def test_an_absent_officers_open_work_is_handed_on_in_bulk(world, in_window, client):
    colleague = world.user("an", world.unit, Role.UNIT_OFFICER, title="Chuyên viên")
    first = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    second = services.dossier_create(campaign=world.campaign, award_form=world.agency_form(), unit=world.unit,
                                     actor=world.alice)
    with pytest.raises(NotPermitted):
        structure.tasks_reassign(unit=world.unit, absent=world.alice, to=colleague, actor=colleague, reason="nghỉ")
    with pytest.raises(InvalidState) as err:
        structure.tasks_reassign(unit=world.unit, absent=world.alice, to=world.henry, actor=world.henry,
                                 reason="nghỉ phép")
    assert "Henry không giữ vai trò “Cán bộ thi đua của đơn vị” tại Sở Tư pháp" in " ".join(err.value.problems)
    with pytest.raises(InvalidInput):
        structure.tasks_reassign(unit=world.unit, absent=world.alice, to=colleague, actor=world.henry, reason=" ")
    client.force_login(world.henry)
    page = client.get(f"/giao-lai-viec/?unit={world.unit.pk}&absent={world.alice.pk}")
    assert page.status_code == 200 and page.content.decode().count('name="task"') == 2
    done = client.post("/giao-lai-viec/", {"unit": world.unit.pk, "absent": world.alice.pk, "to": colleague.pk,
                                           "reason": "Nghỉ ốm từ 05/12", "task": [t.pk for t in DossierTask.objects.filter(
                                               status__in=ACTIVE)]}, follow=True)
    assert "Đã giao 2 việc của Alice cho An" in done.content.decode()
    for dossier in (first, second):
        task = _open_task(dossier)
        assert task.owner == colleague and task.unit == world.unit
        note = DossierEvent.objects.filter(dossier=dossier, kind=EventKind.NOTE).last()
        assert note.actor == world.henry and note.data["reassigned"]["from"] == world.alice.pk
        assert "Nghỉ ốm từ 05/12" in note.comment
    # the colleague carries the work on: the proposal step is theirs to complete
    assert first in visible_dossiers(colleague)
    client.force_login(world.charlie)                 # another unit's officer: no such page
    assert client.get("/giao-lai-viec/").status_code == 404


def test_the_deputys_inbox_holds_the_leaders_tasks_while_the_delegation_holds(world, dossier, deputy, time_machine):
    from workflows.selectors import inbox

    dossier = walk(dossier, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    task = _open_task(dossier)
    assert task.pk not in set(inbox(deputy).values_list("pk", flat=True))
    _delegate(world, deputy)
    assert task.pk in set(inbox(deputy).values_list("pk", flat=True))
    time_machine.move_to(dt.datetime(2023, 12, 7, 0, 0, tzinfo=HCM), tick=False)
    assert task.pk not in set(inbox(deputy).values_list("pk", flat=True))
