"""Decisions under each legal regime: the "Căn cứ" lines cite the regime the campaign pinned, in full, and
the prize money is the regime's multiple × the base salary in force on the signing date, rounded up."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from certificates import rendering
from certificates.services import decision_issue
from dossiers.models import AwardForm, NomineeKind
from dossiers.setup import AGENCY_PATH, configure_award_form, provincial_campaign
from tests.certificates.conftest import actors, decided_dossier
from tests.certificates.test_rendering import text_of

# the shipped regimes, as a fresh database has them (tests/conftest.py says why)
pytestmark = pytest.mark.usefixtures("shipped_regimes")

HCM = dt.timezone(dt.timedelta(hours=7))

# (period start, window, moment inside the window, signing date, regime, the lines its decisions cite)
REGIMES = {
    "2023": (dt.date(2023, 8, 20), (dt.date(2023, 12, 4), dt.date(2023, 12, 6)), dt.datetime(2023, 12, 5, 9),
             dt.date(2023, 12, 1), "nd-91-2017", [
                 "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
                 "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của "
                 "Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013;",
                 "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi "
                 "hành một số điều của Luật Thi đua, khen thưởng;"]),
    "2024": (dt.date(2024, 1, 15), (dt.date(2024, 3, 4), dt.date(2024, 3, 6)), dt.datetime(2024, 3, 5, 9),
             dt.date(2024, 3, 15), "nd-98-2023", [
                 "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
                 "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi "
                 "hành một số điều của Luật Thi đua, khen thưởng;"]),
    "2026": (dt.date(2026, 8, 3), (dt.date(2026, 11, 24), dt.date(2026, 11, 26)), dt.datetime(2026, 11, 25, 9),
             dt.date(2026, 12, 1), "nd-152-2025", [
                 "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
                 "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, "
                 "phân quyền trong lĩnh vực thi đua, khen thưởng và quy định chi tiết thi hành một số điều của Luật "
                 "Thi đua, khen thưởng;",
                 "Căn cứ Thông tư số 15/2025/TT-BNV ngày 04 tháng 8 năm 2025 của Bộ Nội vụ hướng dẫn thi hành Luật "
                 "Thi đua, khen thưởng và Nghị định số 152/2025/NĐ-CP;"]),
}


def campaign_of(world, year, *, legal_basis=""):
    start, window, _moment, _signed, _regime, _lines = REGIMES[year]
    if year == "2023":
        world.campaign.legal_basis = legal_basis
        world.campaign.save()
        return world.campaign
    return provincial_campaign(province=world.province, appraising=world.stt, home_affairs=world.snv,
                               plan_number=f"9{year}/KH-UBND", title=f"Thi đua chuyển đổi số năm {year}",
                               period=(start, window[0] - dt.timedelta(days=3)), window=window,
                               legal_basis=legal_basis)


def decided_in(world, time_machine, year, *, form=None, legal_basis=""):
    campaign = campaign_of(world, year, legal_basis=legal_basis)
    world.campaign = campaign
    time_machine.move_to(REGIMES[year][2].replace(tzinfo=HCM), tick=False)
    form = form(campaign) if form else campaign.award_forms.get(code="bang-khen")
    return decided_dossier(world, form)


def sign(world, dossier, on, number="77/QĐ-UBND", signer=None):
    return decision_issue(award_form=dossier.award_form, number=number, signed_on=on, signer=signer or world.chris,
                          actor=signer or world.chris, nominees=list(dossier.nominees.all()))


def flat(pdf: bytes) -> str:
    return " ".join(" ".join(text_of(pdf)).split())


@pytest.mark.parametrize("year", ["2023", "2024", "2026"])
def test_a_decision_cites_the_regime_its_campaign_pinned_in_full(world, time_machine, year):
    dossier = decided_in(world, time_machine, year, legal_basis="Nghị quyết số 49-NQ/TU ngày 28/9/2021 của Tỉnh ủy")
    assert dossier.campaign.regime.code == REGIMES[year][4]
    decision = sign(world, dossier, REGIMES[year][3])
    text = flat(rendering.decision_pdf(decision))
    for line in REGIMES[year][5]:
        assert line in text, line
    # then the campaign's own basis, then its plan
    assert text.index(REGIMES[year][5][-1]) < text.index("Căn cứ Nghị quyết số 49-NQ/TU") < text.index(
        "Căn cứ Kế hoạch số")
    others = {"nd-91-2017": "91/2017/NĐ-CP", "nd-98-2023": "98/2023/NĐ-CP", "nd-152-2025": "152/2025/NĐ-CP"}
    for code, number in others.items():
        if code != REGIMES[year][4]:
            assert number not in text, f"{year} cites {number}"


def test_a_text_of_the_regime_named_again_in_the_campaign_basis_is_cited_once(world, time_machine):
    dossier = decided_in(world, time_machine, "2026", legal_basis=(
        "Luật Thi đua, khen thưởng ngày 15/6/2022; Nghị định số 152/2025/NĐ-CP; Nghị quyết số 49-NQ/TU ngày 28/9/2021"))
    text = flat(rendering.decision_pdf(sign(world, dossier, dt.date(2026, 12, 1))))
    assert text.count("152/2025/NĐ-CP ngày") == 1 and "Căn cứ Nghị định số 152/2025/NĐ-CP;" not in text
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022" not in text
    assert "Căn cứ Nghị quyết số 49-NQ/TU ngày 28/9/2021;" in text


def test_a_campaign_keeps_its_regime_when_the_law_changes_later(world, time_machine):
    """Pinned at opening: a 2023 campaign decided in 2026 still cites Nghị định 91/2017."""
    dossier = decided_in(world, time_machine, "2023")
    text = flat(rendering.decision_pdf(sign(world, dossier, dt.date(2026, 12, 1))))
    assert "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017" in text and "152/2025" not in text


@pytest.mark.parametrize(("signed_on", "base", "collective", "individual"), [
    (dt.date(2024, 6, 30), 1_800_000, 3_600_000, 1_800_000),   # the day before Nghị định 73/2024
    (dt.date(2024, 7, 1), 2_340_000, 4_680_000, 2_340_000),
    (dt.date(2026, 6, 30), 2_340_000, 4_680_000, 2_340_000),   # the day before Nghị định 161/2026
    (dt.date(2026, 7, 1), 2_530_000, 5_060_000, 2_530_000),
])
def test_bang_khen_prize_uses_the_base_salary_in_force_on_the_signing_date(world, time_machine, signed_on, base,
                                                                           collective, individual):
    dossier = decided_in(world, time_machine, "2024")
    decision = sign(world, dossier, signed_on)
    amounts = {(c.kind, c.prize_amount) for c in decision.certificates.all()}
    assert amounts == {(NomineeKind.COLLECTIVE, collective), (NomineeKind.INDIVIDUAL, individual)}
    assert {c.prize_base for c in decision.certificates.all()} == {base}
    assert {c.prize_multiple for c in decision.certificates.all()} == {Decimal("2.00"), Decimal("1.00")}


def giay_khen(campaign):
    form = AwardForm.objects.create(campaign=campaign, code="giay-khen", name="Giấy khen của Giám đốc Sở",
                                    deciding_unit=campaign.issuing_unit.children.get(name="Sở Tư pháp"),
                                    signer_office="GIÁM ĐỐC SỞ TƯ PHÁP")
    return configure_award_form(form, AGENCY_PATH)


@pytest.mark.parametrize(("signed_on", "amount", "words"), [
    (dt.date(2026, 6, 30), 710_000, "bảy trăm mười nghìn đồng"),        # 0,3 × 2.340.000 = 702.000 → 710.000
    (dt.date(2026, 7, 1), 760_000, "bảy trăm sáu mươi nghìn đồng"),     # 0,3 × 2.530.000 = 759.000 → 760.000
])
def test_a_giay_khen_amount_is_rounded_up_to_ten_thousand_and_written_in_words(world, time_machine, signed_on, amount,
                                                                               words):
    from dossiers.models import Membership, Role
    from workflows.walk import Actors

    Membership.objects.create(user=world.henry, unit=world.unit, role=Role.CHAIRMAN, title="Giám đốc")
    world.henry.__dict__.pop("_roles_cache", None)
    campaign = campaign_of(world, "2026")
    world.campaign = campaign
    time_machine.move_to(REGIMES["2026"][2].replace(tzinfo=HCM), tick=False)
    dossier = decided_dossier(world, giay_khen(campaign), collectives=[],
                              individuals=[{"full_name": "Lương Thị Thu Hà", "position": "Chuyên viên"}],
                              team=Actors(officer=world.alice, head=world.henry, chairman=world.henry))
    decision = sign(world, dossier, signed_on, number="56/QĐ-STP", signer=world.henry)
    [certificate] = decision.certificates.all()
    assert certificate.prize_amount == amount and certificate.prize_multiple == Decimal("0.30")
    text = flat(rendering.decision_pdf(decision))
    figures = f"{amount:,}".replace(",", ".")
    assert f"mỗi cá nhân {figures} đồng ({words}; 0,3 lần mức lương cơ sở" in text
    assert f"Tổng số tiền thưởng: {figures} đồng (bằng chữ: {words})" in text


def test_the_annex_and_the_excel_list_show_each_amount(world, time_machine, monkeypatch):
    monkeypatch.setattr(rendering, "ANNEX_AFTER", 1)
    dossier = decided_in(world, time_machine, "2026")
    decision = sign(world, dossier, dt.date(2026, 12, 1))
    text = flat(rendering.decision_pdf(decision))
    assert "Tiền thưởng (đồng)" in text
    assert "5.060.000" in text and "2.530.000" in text
    assert "TỔNG CỘNG 10.120.000" in text  # 1 collective × 5.060.000 + 2 individuals × 2.530.000
    assert "mười triệu một trăm hai mươi nghìn đồng" in text
    rows = list(load_workbook(io.BytesIO(rendering.awardees_xlsx(decision))).active.iter_rows(values_only=True))
    assert rows[2][10:13] == ("Hệ số", "Mức lương cơ sở (đồng)", "Tiền thưởng (đồng)")
    assert [(r[3], r[12]) for r in rows[3:]] == [("Sở Tư pháp", 5_060_000), ("Nguyễn Thị Hồng Nhung", 2_530_000),
                                                 ("Hoàng Văn Đức", 2_530_000)]
    assert rows[0][11:13] == ("Tổng tiền thưởng (đồng)", 10_120_000)


def test_no_amount_when_the_regime_sets_no_money_for_the_form(world, time_machine):
    dossier = decided_in(world, time_machine, "2024")
    dossier.award_form.prize_award = "khong-co-trong-bang"
    dossier.award_form.save()
    decision = sign(world, dossier, dt.date(2024, 3, 15))
    assert {c.prize_amount for c in decision.certificates.all()} == {None}
    assert "tiền thưởng theo quy định của pháp luật về thi đua, khen thưởng" in flat(rendering.decision_pdf(decision))
