"""The provincial council's minutes and the tờ trình upward generated from their records (PDF, text
extracted with pypdf), the decision refusing nominees the council voted down, and a central decision in
the person's award history (page and API). The moves through the new steps themselves are tested where
the step kinds are (tests/workflows/test_council_upward.py)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from api.selectors import person_history
from certificates.proposals import council_minutes_pdf, issue_upward_proposal
from certificates.signing import verify_pdf
from dossiers.errors import InvalidInput
from dossiers.models import CentralDecision, CouncilVote, Outcome, ProvinceCouncilMeeting, UpwardProposal
from workflows import services
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db
HELD_ON = dt.date(2023, 12, 5)
MEMBERS = [{"name": f"Thành viên {i}", "position": "Ủy viên Hội đồng"} for i in range(1, 13)]


def text_of(data: bytes) -> str:
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def dossier_with_meeting(world, votes=(10, 9)):
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=[
        {"full_name": "Nguyễn Văn An", "citizen_id": "020123456789", "position": "Trưởng phòng"}])
    meeting = ProvinceCouncilMeeting.objects.create(
        dossier=dossier, held_on=HELD_ON, place="Phòng họp số 1, UBND tỉnh", chair_name="Hồ Tiến Thiệu",
        chair_position="Chủ tịch UBND tỉnh, Chủ tịch Hội đồng", secretary_name="Lê Thị Thư", members_total=15,
        members_present=len(MEMBERS), attendees=MEMBERS, threshold_text="≥ 2/3 tổng số thành viên Hội đồng",
        quorum_text="> 1/2 tổng số thành viên Hội đồng", recorded_by=world.nora)
    nominees = list(dossier.nominees.order_by("kind", "pk"))
    for nominee, count in zip(nominees, votes):
        CouncilVote.objects.create(meeting=meeting, nominee=nominee, votes_for=count, passed=count * 3 >= 2 * 15)
    return dossier, meeting, nominees


def test_minutes_pdf_lists_members_and_counts(world, in_window):
    _dossier, meeting, (unit, person) = dossier_with_meeting(world)
    flat = text_of(council_minutes_pdf(meeting))
    assert "BIÊN BẢN" in flat and "Họp Hội đồng Thi đua - Khen thưởng tỉnh" in flat
    for member in MEMBERS:
        assert member["name"] in flat
    assert "Thành viên 13" not in flat
    assert "Tổng số thành viên Hội đồng: 15 người; có mặt: 12 người; vắng mặt: 3 người" in flat
    assert "10/15" in flat and "9/15" in flat and "≥ 2/3" in flat and "Hồ Tiến Thiệu" in flat
    assert f"Không đề nghị (chưa đạt tỷ lệ phiếu): {person.name}" in flat


def test_upward_proposal_pdf_signed_in_nd30_layout(world, in_window):
    dossier, _meeting, (unit, person) = dossier_with_meeting(world)
    proposal = UpwardProposal.objects.create(
        dossier=dossier, number="45/TTr-UBND", signed_on=HELD_ON, place="Lạng Sơn", recipient="Thủ tướng Chính phủ",
        via="Ban Thi đua - Khen thưởng Trung ương", signer=world.chris, signer_name="Đoàn Thu Hà",
        signer_title="Phó Chủ tịch", signer_capacity="KT. CHỦ TỊCH")
    proposal.nominees.set([unit])
    issue_upward_proposal(proposal)
    data = proposal.pdf.read()
    assert verify_pdf(data).valid and len(proposal.sha256) == 64
    flat = text_of(data)
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 45/TTr-UBND",
                 "Lạng Sơn, ngày 05 tháng 12 năm 2023", "TỜ TRÌNH", "Về việc đề nghị tặng Bằng khen",
                 "Kính gửi: Thủ tướng Chính phủ", "(qua Ban Thi đua - Khen thưởng Trung ương)", "Nơi nhận:",
                 "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đoàn Thu Hà", "Sở Tư pháp", "10/15"):
        assert part in flat, part
    assert person.name not in flat  # voted down: not proposed


def test_decision_refuses_a_nominee_the_council_voted_down(world, in_window):
    dossier, _meeting, (unit, person) = dossier_with_meeting(world, votes=(12, 7))
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry, appraiser=world.bob,
                                   home_affairs=world.nora, chairman=world.chris), until="awaiting_decision")
    with pytest.raises(InvalidInput) as refused:
        services.dossier_decide(dossier=dossier, actor=world.chris, outcomes={unit.pk: True, person.pk: True})
    assert refused.value.problems == [person.name]
    dossier.refresh_from_db()
    services.dossier_decide(dossier=dossier, actor=world.chris, outcomes={unit.pk: True})  # no outcome needed
    assert dict(dossier.nominees.values_list("pk", "outcome")) == {unit.pk: Outcome.AWARDED,
                                                                   person.pk: Outcome.NOT_AWARDED}


def test_central_award_in_person_history_page_and_api(world, in_window, client):
    dossier, _meeting, (unit, person) = dossier_with_meeting(world, votes=(12, 13))
    CentralDecision.objects.create(dossier=dossier, number="1234/QĐ-TTg", signed_on=HELD_ON,
                                   issuer="Thủ tướng Chính phủ", recorded_by=world.nora)
    dossier.nominees.filter(pk=person.pk).update(outcome=Outcome.AWARDED)
    citizen = dossier.nominees.get(pk=person.pk).person
    assert [(r["decision_number"], r["decision_date"], r["issuer"], r["central"], r["certificate_id"])
            for r in person_history(citizen)] == [("1234/QĐ-TTg", HELD_ON, "Thủ tướng Chính phủ", True, None)]
    client.force_login(world.nora)
    page = client.post(reverse("register:person"), {"cccd": citizen.citizen_id}).content.decode()
    assert "1234/QĐ-TTg" in page and "Thủ tướng Chính phủ" in page and "tỉnh không in" in page
    response = client.post(reverse("api:person_awards"), {"citizen_id": citizen.citizen_id},
                           content_type="application/json")
    award = response.json()["awards"][0]
    assert (award["decision_number"], award["decision_date"], award["central"], award["certificate_id"]) == (
        "1234/QĐ-TTg", "2023-12-05", True, None)
    client.force_login(world.charlie)  # another unit: the same answer as for an unknown person
    response = client.post(reverse("api:person_awards"), {"citizen_id": citizen.citizen_id},
                           content_type="application/json")
    assert response.status_code == 404
