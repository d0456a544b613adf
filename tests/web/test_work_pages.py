"""Reviewers' inbox and review page, the decision page, the dashboard, the home page per role."""

import datetime as dt

import pytest
from django.urls import reverse

from dossiers.models import DossierStatus, NomineeKind, Outcome, ReturnRequest, ServiceRating, Unit
from dossiers.services import dossier_rate
from workflows import figures, services
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


def make_dossier(world, unit=None, until=DossierStatus.SUBMITTED, officer=None, head=None):
    unit = unit or world.unit
    acts = actors(world)
    if officer:
        acts.officer, acts.head = officer, head
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit, actor=acts.officer)
    person = ({"full_name": "Nguyễn Văn An", "citizen_id": "020123456789"} if unit == world.unit
              else {"full_name": "Lý Thị Mai", "citizen_id": "020187654321"})
    add_nominees(dossier, acts.officer, collectives=[unit], individuals=[person])
    return walk(dossier, acts, until=until)


def second_unit(world):
    from dossiers.models import Membership, Role

    unit = Unit.objects.create(name="Sở Y tế", level=world.levels["tinh"], parent=world.province)
    officer = world.user("yte_canbo", unit, Role.UNIT_OFFICER)
    head = world.user("yte_giamdoc", unit, Role.UNIT_HEAD)
    assert Membership.objects.filter(unit=unit).count() == 2
    return unit, officer, head


def test_review_returns_each_document_with_its_reason(world, in_window, client_for):
    dossier = make_dossier(world)
    report = dossier.documents.filter(document_type__code="bao-cao-thanh-tich").first()
    client = client_for(world.bob)
    page = client.get(reverse("workflows:review", args=[dossier.pk]))
    assert page.status_code == 200 and f'name="verdict_{report.pk}"' in page.content.decode()
    url = reverse("workflows:review", args=[dossier.pk])
    # approve with a document marked "return" is refused, the marks kept
    response = client.post(url, {"action": "approve", "seen_status": dossier.status,
                                 f"verdict_{report.pk}": "return", f"reason_{report.pk}": "Thiếu số liệu"})
    assert response.status_code == 400
    assert "Thiếu số liệu" in response.content.decode()
    response = client.post(url, {"action": "return", "seen_status": dossier.status,
                                 f"verdict_{report.pk}": "return", f"reason_{report.pk}": "Thiếu số liệu",
                                 "general_reason": "Bổ sung danh sách"})
    assert response.status_code == 302
    request = ReturnRequest.objects.get(dossier=dossier)
    assert {"text": "Thiếu số liệu", "document_type": "bao-cao-thanh-tich", "nominee": report.nominee_id} \
        in request.reasons
    # the unit sees the reason beside that document
    html = client_for(world.alice).get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    row = html[html.index(f'id="req-bao-cao-thanh-tich-{report.nominee_id}"'):]
    row = row[:row.index('<form class="drop"')]
    assert 'data-state="returned"' in row and "Thiếu số liệu" in row
    assert "Bổ sung danh sách" in html


def test_return_without_a_reason_is_refused(world, in_window, client_for):
    dossier = make_dossier(world)
    response = client_for(world.bob).post(reverse("workflows:review", args=[dossier.pk]),
                                          {"action": "return", "seen_status": dossier.status, "comment": "x"})
    assert response.status_code == 400
    assert "lý do trả lại" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_resubmission_from_the_page(world, in_window, client_for):
    dossier = make_dossier(world)
    services.dossier_return(dossier=dossier, actor=world.bob, reasons=["Bổ sung"])
    client = client_for(world.alice)
    assert 'id="btn-resubmit"' in client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    response = client.post(reverse("workflows:resubmit", args=[dossier.pk]), {"seen_status": "returned"})
    assert response.status_code == 400 and "Chưa bổ sung “Yêu cầu chung” (lý do trả lại: Bổ sung)" in \
        response.content.decode()
    response = client.post(reverse("workflows:resubmit", args=[dossier.pk]),
                           {"seen_status": "returned", "reply_0": "Không cần sửa vì đã đủ."})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_inbox_filters_and_due_dates(world, in_window, client_for, time_machine):
    mine = make_dossier(world)
    unit, officer, head = second_unit(world)
    other = make_dossier(world, unit=unit, officer=officer, head=head)
    client = client_for(world.bob)
    html = client.get(reverse("workflows:inbox")).content.decode()
    assert f"#{mine.pk} ·" in html and f"#{other.pk} ·" in html
    html = client.get(reverse("workflows:inbox"), {"unit": unit.pk}).content.decode()
    assert f"#{mine.pk} ·" not in html and f"#{other.pk} ·" in html
    assert "#" + str(mine.pk) + " ·" not in client.get(reverse("workflows:inbox"), {"due": "overdue"}).content.decode()
    time_machine.move_to(dt.datetime(2024, 1, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    client = client_for(world.bob)  # a new session: the old one expired meanwhile
    html = client.get(reverse("workflows:inbox"), {"due": "overdue"}).content.decode()
    assert f"#{mine.pk} ·" in html and "Quá hạn" in html
    # the unit officer's inbox does not hold the appraiser's work
    assert f"#{mine.pk} ·" not in client_for(world.alice).get(reverse("workflows:inbox")).content.decode()


def test_forward_several_together(world, in_window, client_for):
    first = make_dossier(world)
    unit, officer, head = second_unit(world)
    second = make_dossier(world, unit=unit, officer=officer, head=head)
    response = client_for(world.bob).post(reverse("workflows:inbox"), {"dossier": [first.pk, second.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "tổng hợp" in html and "Sở Y tế" in html and "Nguyễn Văn An" in html
    for dossier in (first, second):
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.APPRAISED
    empty = client_for(world.bob).post(reverse("workflows:inbox"), {})
    assert empty.status_code == 400 and "Hãy chọn" in empty.content.decode()


def test_forward_refuses_a_dossier_not_at_the_users_step(world, in_window, client_for):
    dossier = make_dossier(world)
    response = client_for(world.nora).post(reverse("workflows:inbox"), {"dossier": [dossier.pk]})
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_decision_page_per_nominee(world, in_window, client_for):
    dossier = make_dossier(world, until=DossierStatus.AWAITING_DECISION)
    collective, individual = sorted(dossier.nominees.all(), key=lambda n: n.kind != NomineeKind.COLLECTIVE)
    client = client_for(world.chris)
    page = client.get(reverse("workflows:decisions")).content.decode()
    assert "Nguyễn Văn An" in page and f'value="{dossier.pk}"' in page
    bad = client.post(reverse("workflows:decisions"), {"award_form": world.form.pk, "dossier": [dossier.pk],
                                                       "award": [collective.pk],
                                                       "number": "12/QĐ-UBND", "signed_on": "31-12-2023"})
    assert bad.status_code == 400 and 'value="12/QĐ-UBND"' in bad.content.decode()
    response = client.post(reverse("workflows:decisions"), {"award_form": world.form.pk, "dossier": [dossier.pk],
                                                            "award": [collective.pk],
                                                            "number": "12/QĐ-UBND", "signed_on": "2023-12-05",
                                                            "action": "sign"})
    assert response.status_code == 302
    assert response["Location"].startswith("/quyet-dinh/")  # the certificates app's decision page
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DECIDED
    collective.refresh_from_db()
    individual.refresh_from_db()
    assert (collective.outcome, individual.outcome) == (Outcome.AWARDED, Outcome.NOT_AWARDED)


def test_decision_needs_a_number_and_keeps_the_choices(world, in_window, client_for):
    dossier = make_dossier(world, until=DossierStatus.AWAITING_DECISION)
    nominee = dossier.nominees.first()
    response = client_for(world.chris).post(reverse("workflows:decisions"), {
        "award_form": world.form.pk, "dossier": [dossier.pk], "award": [nominee.pk], "number": " ",
        "signed_on": "2023-12-20"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "số, ký hiệu" in html and 'value="2023-12-20"' in html
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_DECISION


def test_decision_page_is_not_for_other_roles(world, in_window, client_for):
    assert client_for(world.alice).get(reverse("workflows:decisions")).status_code == 404
    assert client_for(world.bob).get(reverse("workflows:review", args=[999])).status_code == 404


def test_dashboard_counts_rates_and_charts(world, in_window, client_for):
    decided = make_dossier(world, until=DossierStatus.DECIDED)
    dossier_rate(dossier=decided, actor=world.alice, score=5)
    unit, officer, head = second_unit(world)
    make_dossier(world, unit=unit, officer=officer, head=head)
    figures.refresh()
    response = client_for(world.bob).get(reverse("workflows:dashboard"))
    assert response.status_code == 200
    stats = response.context["stats"]
    counts = {value: count for value, _label, count in stats.by_status}
    assert counts[DossierStatus.DECIDED] == 1 and counts[DossierStatus.SUBMITTED] == 1
    assert stats.satisfaction_rate == 100.0 and stats.rating_count == 1
    assert stats.on_time_rate == 100.0 and stats.overdue == 0 and stats.open_tasks == 1
    html = response.content.decode()
    assert html.count("<svg") >= 4 and "100%" in html
    # a unit sees only its own dossiers
    unit_stats = client_for(world.alice).get(reverse("workflows:dashboard")).context["stats"]
    assert unit_stats.total == 1
    assert ServiceRating.objects.count() == 1


def test_dashboard_overdue_is_computed_from_now(world, in_window, client_for, time_machine):
    make_dossier(world)
    figures.refresh()
    client = client_for(world.bob)
    assert client.get(reverse("workflows:dashboard")).context["stats"].overdue == 0
    time_machine.move_to(dt.datetime(2024, 2, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    figures.refresh()   # overdue as of the refresh (the page says when)
    client = client_for(world.bob)
    assert client.get(reverse("workflows:dashboard")).context["stats"].overdue == 1


def test_home_per_role(world, in_window, client_for):
    make_dossier(world)
    officer_home = client_for(world.alice).get(reverse("home")).content.decode()
    assert "170/KH-UBND" in officer_home and "data-countdown" in officer_home
    appraiser_home = client_for(world.bob).get(reverse("home")).content.decode()
    assert "Việc cần làm" in appraiser_home and "Sở Tư pháp" in appraiser_home
    assert "data-countdown" not in appraiser_home


def test_login_page_and_redirect(client, world):
    assert client.get(reverse("home")).status_code == 302
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "Đăng nhập" in page.content.decode()
    wrong = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert "không đúng" in wrong.content.decode() and 'value="alice"' in wrong.content.decode()
    response = client.post(reverse("login"), {"username": "alice", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_withdraw_needs_a_reason_and_only_the_head(world, in_window, client_for):
    dossier = make_dossier(world)
    url = reverse("workflows:withdraw", args=[dossier.pk])
    officer = client_for(world.alice).post(url, {"seen_status": dossier.status, "reason": "Nhầm đối tượng"})
    assert officer.status_code == 400 and "Chỉ thủ trưởng" in officer.content.decode()
    empty = client_for(world.henry).post(url, {"seen_status": dossier.status, "reason": " "})
    assert empty.status_code == 400 and "lý do rút" in empty.content.decode()
    done = client_for(world.henry).post(url, {"seen_status": dossier.status, "reason": "Nhầm đối tượng"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN


def test_reject_from_the_review_page_needs_a_reason(world, in_window, client_for):
    dossier = make_dossier(world)
    url = reverse("workflows:review", args=[dossier.pk])
    client = client_for(world.bob)
    assert client.post(url, {"action": "reject", "seen_status": dossier.status}).status_code == 400
    assert client.post(url, {"action": "reject", "seen_status": dossier.status,
                             "comment": "Đơn vị không thuộc đối tượng"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REJECTED


def test_review_page_is_only_for_the_step_holder(world, in_window, client_for):
    dossier = make_dossier(world)
    # Sở Nội vụ does not see a dossier before it reaches its step (rules.is_reviewer): 404
    assert client_for(world.nora).get(reverse("workflows:review", args=[dossier.pk])).status_code == 404
    # another unit's officer: 404
    assert client_for(world.charlie).get(reverse("workflows:review", args=[dossier.pk])).status_code == 404
    # the unit can see its dossier, but the review page sends it back there
    response = client_for(world.alice).get(reverse("workflows:review", args=[dossier.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:detail", args=[dossier.pk])


def test_chairman_can_return_from_the_review_page(world, in_window, client_for):
    dossier = make_dossier(world, until=DossierStatus.AWAITING_DECISION)
    url = reverse("workflows:review", args=[dossier.pk])
    client = client_for(world.chris)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "approve", "seen_status": dossier.status}).status_code == 400
    assert client.post(url, {"action": "return", "seen_status": dossier.status,
                             "general_reason": "Bổ sung ý kiến của Ban Thường vụ"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED


def test_agency_campaign_is_offered_only_under_that_agency(world, in_window, client_for):
    from dossiers.setup import provincial_campaign

    agency = provincial_campaign(
        province=world.other, appraising=world.stt, home_affairs=world.snv, plan_number="12/KH-UBND-CL",
        title="Thi đua của huyện Cao Lộc", period=(dt.date(2023, 8, 1), dt.date(2023, 11, 30)),
        window=(dt.date(2023, 12, 1), dt.date(2023, 12, 20)))
    assert "12/KH-UBND-CL" not in client_for(world.alice).get(reverse("home")).content.decode()
    assert "12/KH-UBND-CL" in client_for(world.charlie).get(reverse("home")).content.decode()
    assert agency.pk


def test_dashboard_average_days_per_step(world, in_window, client_for, time_machine):
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    time_machine.move_to(dt.datetime(2023, 12, 6, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    walk(dossier, actors(world), until=DossierStatus.PROPOSAL_READY)  # the proposal took 1.5 days
    figures.refresh()
    response = client_for(world.alice).get(reverse("workflows:dashboard"))
    days = {str(label): value for label, value, _n in response.context["stats"].step_days}
    assert days == {"Lập tờ trình đề nghị": pytest.approx(1.5)}
    assert "1,5 ngày" in response.content.decode()     # in days, not hours
    # the appraiser does not see the unit's draft: nothing counted for it
    assert client_for(world.bob).get(reverse("workflows:dashboard")).context["stats"].step_days == []


def test_decision_already_signed_by_someone_else_is_a_conflict_message(world, in_window, client_for):
    dossier = make_dossier(world, until=DossierStatus.AWAITING_DECISION)
    data = {"award_form": world.form.pk, "dossier": [dossier.pk],
            "award": list(dossier.nominees.values_list("pk", flat=True)), "number": "7/QĐ-UBND",
            "signed_on": "2023-12-05", "action": "sign"}
    assert client_for(world.chris).post(reverse("workflows:decisions"), data).status_code == 302
    again = client_for(world.chris).post(reverse("workflows:decisions"), data)
    assert again.status_code == 409
    assert f"Hồ sơ #{dossier.pk} vừa được người khác xử lý (trạng thái hiện tại: Đã quyết định)" \
        in again.content.decode()


def test_inbox_text_search_with_true_counts_and_pages(world, in_window, client_for, monkeypatch):
    mine = make_dossier(world)                               # Nguyễn Văn An, CCCD 020123456789
    unit, officer, head = second_unit(world)
    other = make_dossier(world, unit=unit, officer=officer, head=head)   # Lý Thị Mai, CCCD 020187654321
    client = client_for(world.bob)

    def found(q):
        response = client.get(reverse("workflows:inbox"), {"q": q})
        return {t.dossier_id for t in response.context["tasks"]}, response.context["total"]

    assert found("Văn An") == ({mine.pk}, 1)
    assert found("020187654321") == ({other.pk}, 1)
    assert found("0201876") == (set(), 0)                   # a CCCD only as an exact match
    assert found(f"#{other.pk}") == ({other.pk}, 1)
    assert found("Y tế") == ({other.pk}, 1)
    assert found("") == ({mine.pk, other.pk}, 2)
    from workflows.views import reviewing

    monkeypatch.setattr(reviewing, "INBOX_PAGE_SIZE", 1)
    first = client.get(reverse("workflows:inbox"))
    assert first.context["total"] == 2 and len(first.context["tasks"]) == 1
    assert 'rel="next"' in first.content.decode() and "trang 1/2" in first.content.decode()
    second = client.get(reverse("workflows:inbox"), {"page": 2})
    assert {t.dossier_id for t in first.context["tasks"] + second.context["tasks"]} == {mine.pk, other.pk}


def test_inbox_pages_follow_the_due_dates_and_count_the_inbox_once(world, in_window, client_for, monkeypatch):
    """The page is chosen among task ids (issue 11: the rows of one page only are joined to their
    dossiers): the pages still follow the due dates, both ways, and the top bar's count is the
    page's own total, not a second count of the inbox."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.flows import ACTIVE
    from workflows.models import DossierTask
    from workflows.views import reviewing

    from dossiers.models import Role

    dossiers = []
    for i in range(3):
        unit = Unit.objects.create(name=f"Sở ngành {i}", level=world.levels["tinh"], parent=world.province)
        acts = actors(world)
        acts.officer, acts.head = world.user(f"canbo{i}", unit, Role.UNIT_OFFICER), world.user(f"gd{i}", unit,
                                                                                              Role.UNIT_HEAD)
        dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit,
                                          actor=acts.officer)
        add_nominees(dossier, acts.officer, collectives=[unit])
        dossiers.append(walk(dossier, acts, until=DossierStatus.SUBMITTED))
    base = DossierTask.objects.filter(dossier=dossiers[0], status__in=ACTIVE).get().due_at
    for days, dossier in zip((3, 1, 2), dossiers):        # due order: dossiers[1], [2], [0]
        DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE).update(due_at=base + dt.timedelta(days=days))
    monkeypatch.setattr(reviewing, "INBOX_PAGE_SIZE", 2)
    client = client_for(world.bob)

    def shown(**query):
        return [t.dossier_id for t in client.get(reverse("workflows:inbox"), query).context["tasks"]]

    assert shown() + shown(page=2) == [dossiers[1].pk, dossiers[2].pk, dossiers[0].pk]
    assert shown(sort="-due") + shown(sort="-due", page=2) == [dossiers[0].pk, dossiers[2].pk, dossiers[1].pk]
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("workflows:inbox")).content.decode()
    counts = [q["sql"] for q in queries.captured_queries
              if q["sql"].startswith("SELECT COUNT(*)") and "workflows_dossiertask" in q["sql"]]
    assert len(counts) == 1, counts
    assert 'id="inbox-count">3 hồ sơ' in html


def test_home_counts_every_open_task_not_the_listed_ones(world, in_window, client_for, time_machine, monkeypatch):
    """The home page lists the first tasks; its overdue badge counts them all (it counted the first
    50 listed), like the inbox's total."""
    from workflows.views import landing

    make_dossier(world)
    unit, officer, head = second_unit(world)
    make_dossier(world, unit=unit, officer=officer, head=head)
    time_machine.move_to(dt.datetime(2024, 2, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    monkeypatch.setattr(landing, "HOME_TASKS", 1)
    client = client_for(world.bob)
    home = client.get(reverse("home"))
    assert len(home.context["tasks"]) == 1
    assert home.context["overdue"] == 2 and "2 quá hạn" in home.content.decode()
    assert client.get(reverse("workflows:inbox")).context["total"] == 2
