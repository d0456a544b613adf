"""Issue 12, items 4 and 6: the provincial council's vote (threshold from the form's rule, the guard
wanting a vote for every nominee, the minutes as a PDF), the tờ trình upward (NĐ 30/2020 layout, signed),
and the central decision recorded back (the dossier decided, the person's history showing it)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from api.selectors import person_history
from certificates.signing import verify_pdf
from dossiers.errors import InvalidInput, InvalidState, MissingRequirements, NotPermitted
from dossiers.models import (
    AwardForm, CentralDecision, CouncilVote, CouncilVoteRule, Document, DossierEvent, DossierStatus, EventKind,
    NomineeKind, Outcome, Step, UpwardProposal,
)
from dossiers.services import parse_attendees, province_council_record
from dossiers.setup import configure_award_form
from workflows import services
from workflows.upward import dossier_record_central_decision, dossier_send_upward
from workflows.walk import Actors, add_nominees, walk

from ..conftest import pdf_file

pytestmark = pytest.mark.django_db
S = DossierStatus
UPWARD_PATH = {Step.PROPOSAL: 5, Step.COUNCIL: 5, Step.REPORTS: 5, Step.SUBMISSION: 2, Step.APPRAISAL: 7,
               Step.HOME_AFFAIRS: 5, Step.PROVINCE_COUNCIL: 5, Step.UPWARD: 5, Step.CENTRAL_DECISION: 60}
ANNUAL_PATH = {Step.PROPOSAL: 5, Step.COUNCIL: 5, Step.REPORTS: 5, Step.SUBMISSION: 2, Step.APPRAISAL: 7,
               Step.HOME_AFFAIRS: 5, Step.PROVINCE_COUNCIL: 5, Step.DECISION: 5}
MEMBERS = [{"name": f"Thành viên {i}", "position": "Ủy viên Hội đồng"} for i in range(1, 16)]
HELD_ON = dt.date(2023, 12, 5)


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


def council_form(world, path, *, code="bang-khen-ttg", name="Bằng khen của Thủ tướng Chính phủ",
                 threshold=(2, 3, False), base="total"):
    form = AwardForm.objects.create(campaign=world.campaign, code=code, name=name, deciding_unit=world.province,
                                    signer_office="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
    configure_award_form(form, path)
    numerator, denominator, strict = threshold
    CouncilVoteRule.objects.create(award_form=form, threshold_numerator=numerator,
                                   threshold_denominator=denominator, threshold_strict=strict, threshold_base=base,
                                   quorum_numerator=1, quorum_denominator=2, quorum_strict=True)
    return form


def at_council(world, form, *, people=2):
    dossier = services.dossier_create(campaign=world.campaign, award_form=form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=[
        {"full_name": f"Nguyễn Văn {name}", "citizen_id": f"02012345678{i}", "position": "Chuyên viên"}
        for i, name in enumerate(["An", "Bình", "Cường"][:people - 1])])
    dossier = walk(dossier, actors(world), until=S.AT_PROVINCE_COUNCIL)
    assert dossier.status == S.AT_PROVINCE_COUNCIL
    return dossier


def record(world, dossier, votes, *, members_total=15, attendees=MEMBERS, actor=None):
    return province_council_record(
        dossier=dossier, actor=actor or world.nora, held_on=HELD_ON, place="Phòng họp số 1, UBND tỉnh",
        chair_name="Hồ Tiến Thiệu", chair_position="Chủ tịch UBND tỉnh, Chủ tịch Hội đồng",
        secretary_name="Lê Thị Thư", members_total=members_total, attendees=attendees, votes=votes)


def nominee_ids(dossier):
    return [n.pk for n in dossier.nominees.order_by("kind", "pk")]


# --- the vote ----------------------------------------------------------------------------------------
def test_threshold_boundary_two_thirds_of_total(world, in_window):
    """≥ 2/3 of 15 members: 10 passes, 9 does not (compared exactly, never rounded)."""
    dossier = at_council(world, council_form(world, UPWARD_PATH), people=3)
    a, b, c = nominee_ids(dossier)
    record(world, dossier, {a: 10, b: 9, c: 15})
    passed = dict(CouncilVote.objects.values_list("nominee_id", "passed"))
    assert passed == {a: True, b: False, c: True}
    event = DossierEvent.objects.filter(dossier=dossier, kind=EventKind.COUNCIL).last()
    assert event.data["votes"][str(b)] == {"votes_for": 9, "passed": False}


def test_strict_majority_of_present(world, in_window):
    """"> 1/2 of those present": with 10 present, 5 is not enough and 6 is."""
    form = council_form(world, UPWARD_PATH, threshold=(1, 2, True), base="present")
    dossier = at_council(world, form)
    a, b = nominee_ids(dossier)
    record(world, dossier, {a: 5, b: 6}, attendees=MEMBERS[:10])
    assert dict(CouncilVote.objects.values_list("nominee_id", "passed")) == {a: False, b: True}


def test_meeting_validation_names_each_problem(world, in_window):
    dossier = at_council(world, council_form(world, UPWARD_PATH))
    a, b = nominee_ids(dossier)
    with pytest.raises(InvalidInput) as refused:
        record(world, dossier, {a: 16, b: 3}, members_total=15, attendees=MEMBERS + [MEMBERS[0]])
    text = " ".join(refused.value.problems)
    assert "Thành viên 1" in text  # written twice
    assert "vượt quá tổng số thành viên" in text  # 16 names for 15 members
    with pytest.raises(InvalidInput) as refused:
        record(world, dossier, {a: 6, b: 3}, attendees=MEMBERS[:7])  # 7 of 15: not more than half
    assert "không đủ số thành viên dự họp" in refused.value.problems[0]
    assert "cần ít nhất 8" in refused.value.problems[0]
    with pytest.raises(InvalidInput) as refused:
        record(world, dossier, {a: 11, b: 3}, attendees=MEMBERS[:10])  # more votes than members present
    assert "phải từ 0 đến 10" in refused.value.problems[0]
    assert not CouncilVote.objects.exists()


def test_guard_refuses_missing_votes(world, in_window):
    dossier = at_council(world, council_form(world, UPWARD_PATH))
    a, b = nominee_ids(dossier)
    with pytest.raises(MissingRequirements) as refused:
        services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert "Chưa ghi phiên họp của Hội đồng TĐKT tỉnh" in refused.value.problems[0]
    record(world, dossier, {a: 12, b: None})  # one vote left empty
    dossier.refresh_from_db()
    with pytest.raises(MissingRequirements) as refused:
        services.dossier_approve_step(dossier=dossier, actor=world.nora)
    name = dossier.nominees.get(pk=b).name
    assert refused.value.problems == [f"Chưa ghi kết quả bỏ phiếu của Hội đồng TĐKT tỉnh cho {name}."]
    dossier.refresh_from_db()
    assert dossier.status == S.AT_PROVINCE_COUNCIL
    record(world, dossier, {a: 12, b: 4})
    dossier.refresh_from_db()
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status == S.AWAITING_UPWARD


def test_wrong_role_and_other_unit_refused(world, in_window):
    dossier = at_council(world, council_form(world, UPWARD_PATH))
    votes = dict.fromkeys(nominee_ids(dossier), 12)
    for outsider in (world.alice, world.charlie, world.bob, world.chris):
        with pytest.raises(NotPermitted):
            record(world, dossier, votes, actor=outsider)
    assert not CouncilVote.objects.exists()


def test_decision_covers_only_nominees_that_passed(world, in_window):
    """Annual path: council → the Chủ tịch's decision. A nominee below the threshold cannot be awarded."""
    dossier = at_council(world, council_form(world, ANNUAL_PATH, code="chien-si-tinh", name="Chiến sĩ thi đua cấp tỉnh"))
    a, b = nominee_ids(dossier)
    record(world, dossier, {a: 12, b: 7})
    dossier.refresh_from_db()
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status == S.AWAITING_DECISION
    with pytest.raises(InvalidInput) as refused:
        services.dossier_decide(dossier=dossier, actor=world.chris, outcomes={a: True, b: True})
    assert refused.value.problems == [dossier.nominees.get(pk=b).name]
    dossier.refresh_from_db()
    services.dossier_decide(dossier=dossier, actor=world.chris, outcomes={a: True})  # b needs no outcome
    assert dict(dossier.nominees.values_list("pk", "outcome")) == {a: Outcome.AWARDED, b: Outcome.NOT_AWARDED}


def test_minutes_pdf_lists_members_and_counts(world, in_window):
    from certificates.proposals import council_minutes_pdf

    dossier = at_council(world, council_form(world, UPWARD_PATH))
    a, b = nominee_ids(dossier)
    meeting = record(world, dossier, {a: 10, b: 9}, attendees=MEMBERS[:12])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(council_minutes_pdf(meeting))).pages)
    flat = " ".join(text.split())
    assert "BIÊN BẢN" in flat and "Họp Hội đồng Thi đua - Khen thưởng tỉnh" in flat
    for member in MEMBERS[:12]:
        assert member["name"] in flat
    assert "Thành viên 13" not in flat
    assert "Tổng số thành viên Hội đồng: 15 người; có mặt: 12 người; vắng mặt: 3 người" in flat
    assert "10/15" in flat and "9/15" in flat
    assert "Không đạt" in flat and "Hồ Tiến Thiệu" in flat and "≥ 2/3" in flat


def test_minutes_pdf_page_needs_the_dossier(world, in_window, client):
    dossier = at_council(world, council_form(world, UPWARD_PATH))
    record(world, dossier, dict.fromkeys(nominee_ids(dossier), 11))
    url = reverse("workflows:council_minutes", args=[dossier.pk])
    client.force_login(world.charlie)
    assert client.get(url).status_code == 404
    client.force_login(world.nora)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- upward and back ---------------------------------------------------------------------------------
def at_upward(world, *, votes=(12, 7)):
    dossier = at_council(world, council_form(world, UPWARD_PATH))
    ids = nominee_ids(dossier)
    record(world, dossier, dict(zip(ids, votes)))
    dossier.refresh_from_db()
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status == S.AWAITING_UPWARD
    return dossier, ids


def test_upward_proposal_pdf_signed_and_in_nd30_layout(world, in_window):
    dossier, (a, b) = at_upward(world)
    with pytest.raises(NotPermitted):
        dossier_send_upward(dossier=dossier, actor=world.nora, number="45/TTr-UBND", signed_on=HELD_ON)
    proposal = dossier_send_upward(dossier=dossier, actor=world.chris, number="45/TTr-UBND", signed_on=HELD_ON)
    dossier.refresh_from_db()
    assert dossier.status == S.AWAITING_CENTRAL
    assert list(proposal.nominees.values_list("pk", flat=True)) == [a]  # b was voted down
    data = proposal.pdf.read()
    assert verify_pdf(data).valid
    flat = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 45/TTr-UBND",
                 "Lạng Sơn, ngày 05 tháng 12 năm 2023", "TỜ TRÌNH", "Về việc đề nghị tặng Bằng khen của Thủ tướng",
                 "Kính gửi: Thủ tướng Chính phủ", "Ban Thi đua - Khen thưởng Trung ương", "Nơi nhận:",
                 "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Chris", "Sở Tư pháp", "12/15"):
        assert part in flat, part
    assert dossier.nominees.get(pk=b).name not in flat


def test_upward_refusals_keep_the_dossier_where_it_is(world, in_window):
    dossier, _ids = at_upward(world)
    with pytest.raises(InvalidInput) as refused:
        dossier_send_upward(dossier=dossier, actor=world.chris, number=" ", signed_on=dt.date(2030, 1, 1))
    assert len(refused.value.problems) == 2
    with pytest.raises(MissingRequirements):  # the review page's "approve" cannot skip the signed tờ trình
        services.dossier_approve_step(dossier=dossier, actor=world.chris)
    dossier.refresh_from_db()
    assert dossier.status == S.AWAITING_UPWARD and not UpwardProposal.objects.exists()


def test_central_decision_recorded_and_in_person_history(world, in_window, client):
    dossier, (a, b) = at_upward(world, votes=(12, 13))
    dossier_send_upward(dossier=dossier, actor=world.chris, number="45/TTr-UBND", signed_on=HELD_ON)
    dossier.refresh_from_db()
    client.force_login(world.alice)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Chờ quyết định của cấp trên · 0 ngày" in page
    with pytest.raises(NotPermitted):
        dossier_record_central_decision(dossier=dossier, actor=world.alice, number="1/QĐ-TTg", signed_on=HELD_ON,
                                        issuer="Thủ tướng Chính phủ", outcomes={a: True, b: True})
    with pytest.raises(InvalidInput) as refused:
        dossier_record_central_decision(dossier=dossier, actor=world.nora, number="1234/QĐ-TTg", signed_on=HELD_ON,
                                        issuer="Thủ tướng Chính phủ", outcomes={a: True})
    assert refused.value.problems == [f"Chưa chọn kết quả cho {dossier.nominees.get(pk=b).name}."]
    decision = dossier_record_central_decision(
        dossier=dossier, actor=world.nora, number="1234/QĐ-TTg", signed_on=HELD_ON, issuer="Thủ tướng Chính phủ",
        outcomes={a: False, b: True}, scan=pdf_file("qd-1234.pdf"))
    dossier.refresh_from_db()
    assert dossier.status == S.DECIDED and dossier.decided_at is not None
    assert dict(dossier.nominees.values_list("pk", "outcome")) == {a: Outcome.NOT_AWARDED, b: Outcome.AWARDED}
    assert decision.scan.document_type.code == "quyet-dinh-cap-tren"
    assert Document.objects.filter(dossier=dossier, document_type__code="quyet-dinh-cap-tren").count() == 1
    assert not dossier.nominees.get(pk=b).certificates.exists()  # nothing printed in the province
    history = person_history(dossier.nominees.get(pk=b).person)
    assert [(r["decision_number"], r["decision_date"], r["issuer"], r["central"]) for r in history] == [
        ("1234/QĐ-TTg", HELD_ON, "Thủ tướng Chính phủ", True)]
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "1234/QĐ-TTg" in page and "tỉnh không in bằng khen" in page


def test_central_award_in_person_page_and_api(world, in_window, client):
    dossier, (a, b) = at_upward(world, votes=(7, 13))  # the collective fails, the person passes
    dossier_send_upward(dossier=dossier, actor=world.chris, number="46/TTr-UBND", signed_on=HELD_ON)
    dossier.refresh_from_db()
    with pytest.raises(InvalidInput):  # the failed collective was not proposed upward
        dossier_record_central_decision(dossier=dossier, actor=world.nora, number="99/QĐ-TTg", signed_on=HELD_ON,
                                        issuer="Thủ tướng Chính phủ", outcomes={a: True, b: True})
    dossier.refresh_from_db()
    dossier_record_central_decision(dossier=dossier, actor=world.nora, number="99/QĐ-TTg", signed_on=HELD_ON,
                                    issuer="Thủ tướng Chính phủ", outcomes={b: True})
    person = dossier.nominees.get(pk=b).person
    client.force_login(world.nora)
    page = client.post(reverse("register:person"), {"cccd": person.citizen_id}).content.decode()
    assert "99/QĐ-TTg" in page and "Thủ tướng Chính phủ" in page and "tỉnh không in" in page
    response = client.post(reverse("api:person_awards"), {"citizen_id": person.citizen_id},
                           content_type="application/json")
    assert response.status_code == 200
    award = response.json()["awards"][0]
    assert (award["decision_number"], award["decision_date"], award["central"], award["certificate_id"]) == (
        "99/QĐ-TTg", "2023-12-05", True, None)
    assert CentralDecision.objects.get().dossier == dossier


def test_central_decision_form_keeps_input_on_error(world, in_window, client):
    dossier, (a, b) = at_upward(world, votes=(12, 13))
    dossier_send_upward(dossier=dossier, actor=world.chris, number="47/TTr-UBND", signed_on=HELD_ON)
    client.force_login(world.nora)
    url = reverse("workflows:record_central", args=[dossier.pk])
    response = client.post(url, {"number": "555/QĐ-TTg", "signed_on": "05/12/2030", "issuer": "Thủ tướng Chính phủ",
                                 f"outcome_{a}": "1", f"outcome_{b}": "0", "seen_status": S.AWAITING_CENTRAL})
    body = response.content.decode()
    assert response.status_code == 400
    assert "không được sau hôm nay" in body and 'value="555/QĐ-TTg"' in body
    other = client.post(url, {"number": "555/QĐ-TTg"})
    assert other.status_code == 400
    client.force_login(world.charlie)
    assert client.post(url, {"number": "1/QĐ-TTg"}).status_code == 404


def test_other_unit_cannot_send_upward(world, in_window, client):
    dossier, _ids = at_upward(world)
    client.force_login(world.charlie)
    response = client.post(reverse("workflows:send_upward", args=[dossier.pk]),
                           {"number": "1/TTr-UBND", "signed_on": "05/12/2023", "recipient": "Thủ tướng Chính phủ"})
    assert response.status_code == 404
    client.force_login(world.nora)  # sees the dossier, but is not the signer
    response = client.post(reverse("workflows:send_upward", args=[dossier.pk]),
                           {"number": "1/TTr-UBND", "signed_on": "05/12/2023", "recipient": "Thủ tướng Chính phủ",
                            "seen_status": S.AWAITING_UPWARD})
    assert response.status_code == 400 and "không có quyền" in response.content.decode()
    assert not UpwardProposal.objects.exists()


def test_parse_attendees():
    assert parse_attendees("Nguyễn Văn A — Giám đốc Sở Nội vụ\n\n  Trần Thị B, Phó Giám đốc, Ủy viên \nLê C") == [
        {"name": "Nguyễn Văn A", "position": "Giám đốc Sở Nội vụ"},
        {"name": "Trần Thị B", "position": "Phó Giám đốc, Ủy viên"}, {"name": "Lê C", "position": ""}]


def test_invalid_state(world, in_window):
    dossier = at_council(world, council_form(world, UPWARD_PATH))
    with pytest.raises(InvalidState):
        dossier_send_upward(dossier=dossier, actor=world.chris, number="1/TTr-UBND", signed_on=HELD_ON)
