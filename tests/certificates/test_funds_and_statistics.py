"""The yearly award-fund report (amounts paid by decision, per unit and award form, Excel) and the statutory
statistics workbook (biểu 0601–0605.N/BNV-TĐKT), each checked against an independent count of the rows."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from certificates import statistics
from certificates.funds import fund_report, fund_scope, fund_xlsx
from certificates.models import Certificate
from certificates.services import decision_revoke
from dossiers.models import Campaign, Membership, NomineeKind, Role
from tests.certificates.test_regimes_in_decisions import decided_in, giay_khen, sign
from tests.certificates.conftest import decided_dossier
from workflows.walk import Actors

# the shipped regimes, as a fresh database has them (tests/conftest.py says why)
pytestmark = pytest.mark.usefixtures("shipped_regimes")


@pytest.fixture
def year_2026(world, time_machine):
    """Two provincial decisions of 2026 (one later revoked), a Giấy khen of Sở Tư pháp, and a 2024 decision."""
    old = decided_in(world, time_machine, "2024")
    sign(world, old, dt.date(2024, 3, 15), number="10/QĐ-UBND")
    first = decided_in(world, time_machine, "2026")
    kept = sign(world, first, dt.date(2026, 12, 1), number="20/QĐ-UBND")
    district = Actors(officer=world.charlie, head=world.user("olga", world.other, Role.UNIT_HEAD, title="Chủ tịch"),
                      appraiser=world.bob, home_affairs=world.nora, chairman=world.chris)
    second = decided_dossier(world, first.award_form, unit=world.other, team=district, collectives=[], individuals=[
        {"full_name": "Lê Văn Tám", "position": "Phó Chủ tịch UBND huyện"}])
    revoked = sign(world, second, dt.date(2026, 12, 2), number="21/QĐ-UBND")
    decision_revoke(decision=revoked, actor=world.chris, reason="Ký nhầm")
    Membership.objects.create(user=world.henry, unit=world.unit, role=Role.CHAIRMAN, title="Giám đốc")
    world.henry.__dict__.pop("_roles_cache", None)
    agency = decided_dossier(world, giay_khen(world.campaign), collectives=[],
                             individuals=[{"full_name": "Lương Thị Thu Hà", "position": "Chuyên viên"}],
                             team=Actors(officer=world.alice, head=world.henry, chairman=world.henry))
    sign(world, agency, dt.date(2026, 12, 3), number="56/QĐ-STP", signer=world.henry)
    return kept


def test_the_fund_report_sums_what_each_decision_paid(world, year_2026):
    report = fund_report(year=2026)
    assert [(d.number, d.collectives, d.individuals, d.amount) for d in report.decisions] == [
        ("56/QĐ-STP", 0, 1, 760_000), ("20/QĐ-UBND", 1, 2, 10_120_000)]  # the revoked 21/QĐ-UBND is left out
    # independently: the certificates of the year's decisions that are not revoked
    paid = Certificate.objects.filter(decision__signed_on__year=2026, decision__revoked_at__isnull=True)
    assert report.total == sum(c.prize_amount for c in paid) == 10_880_000
    assert report.by_form == [("Sở Tư pháp", "Giấy khen của Giám đốc Sở", 1, 1, 760_000),
                              ("UBND tỉnh Lạng Sơn", "Bằng khen của Chủ tịch UBND tỉnh", 1, 3, 10_120_000)]
    assert fund_report(year=2024).total == 1_800_000 * 2 + 1_800_000 * 2  # base 1.800.000 on 15/03/2024
    book = load_workbook(io.BytesIO(fund_xlsx(report)))
    assert book.sheetnames == ["Theo quyết định", "Theo hình thức", "Theo đơn vị nhận"]
    rows = list(book["Theo quyết định"].iter_rows(min_row=4, values_only=True))
    assert rows[-1][0] == "Tổng cộng" and rows[-1][6] == 10_880_000
    assert [r[2] for r in rows[:-1]] == ["56/QĐ-STP", "20/QĐ-UBND"]
    receivers = list(book["Theo đơn vị nhận"].iter_rows(min_row=4, values_only=True))
    assert receivers[0] == ("Sở Tư pháp", "Bằng khen của Chủ tịch UBND tỉnh", 3, 10_120_000)


def test_who_sees_which_fund(world, year_2026, client):
    assert fund_scope(world.nora) is None and fund_scope(world.charlie) == {world.other.pk}
    assert [d.number for d in fund_report(year=2026, units=fund_scope(world.henry)).decisions] == ["56/QĐ-STP"]
    client.force_login(world.nora)
    page = client.get(reverse("certificates:funds") + "?nam=2026")
    assert page.status_code == 200 and "10.880.000" in page.content.decode()
    assert "mười triệu tám trăm tám mươi nghìn đồng" in page.content.decode()
    excel = client.get(reverse("certificates:funds_xlsx") + "?nam=2026")
    assert excel.status_code == 200 and excel["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(world.henry)
    assert client.get(reverse("certificates:statistics_xlsx") + "?nam=2026").status_code == 404
    client.force_login(world.bob)  # an appraiser at Sở TT&TT: no decision of its own
    page = client.get(reverse("certificates:funds") + "?nam=2026")
    assert page.status_code == 200 and "20/QĐ-UBND" not in page.content.decode()


def test_statistics_workbook_cells_match_an_independent_count(world, year_2026):
    data = statistics.statistics_xlsx(year=2026)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["0601", "0602", "0603", "0604", "0605"]
    ws = book["0603"]
    assert ws["A1"].value == "Biểu số: 0603.N/BNV-TĐKT" and "02/2023/TT-BNV ngày 23/3/2023" in ws["A2"].value
    # 0603: recount from the certificates of provincial decisions signed in 2026 and not revoked
    counted = [c for c in Certificate.objects.filter(decision__signed_on__year=2026).select_related(
        "decision__issuing_unit") if c.decision.issuing_unit.parent_id is None and c.decision.revoked_at is None]
    collectives = sum(1 for c in counted if c.kind == NomineeKind.COLLECTIVE)
    individuals = sum(1 for c in counted if c.kind == NomineeKind.INDIVIDUAL)
    assert (collectives, individuals) == (1, 2)
    assert statistics.cell_of(data, "0603", 1, 1) == collectives + individuals       # Tổng số, tổng
    assert statistics.cell_of(data, "0603", 1, 2) == collectives + individuals       # Tổng số, Bằng khen
    assert statistics.cell_of(data, "0603", 2, 2) == collectives                     # Tập thể
    assert statistics.cell_of(data, "0603", 5, 2) == individuals                     # Cá nhân
    # "Trưởng phòng Hành chính - Tư pháp" is another leader from deputy head of division up (09), "Chuyên viên"
    # works directly (10); the revoked decision's "Phó Chủ tịch UBND huyện" (09) is not counted
    assert [statistics.cell_of(data, "0603", row, 2) for row in (6, 7, 9, 10)] == [0, 0, 1, 1]
    assert statistics.cell_of(data, "0603", 12, 1) == 3   # a campaign of four months: chuyên đề
    assert statistics.cell_of(data, "0603", 3, 1) is None  # doanh nghiệp: not in the data, left empty
    # 0601: recount the campaigns whose emulation period touches 2026
    campaigns = [c for c in Campaign.objects.all() if c.period_start.year <= 2026 <= c.period_end.year]
    assert statistics.cell_of(data, "0601", 1, 1) == len(campaigns) == 1
    assert statistics.cell_of(data, "0601", 1, 3) == 1 and statistics.cell_of(data, "0601", 6, 1) == 1
    assert statistics.cell_of(data, "0601", 1, 2) is None  # Trung ương: not the province's to fill


@pytest.mark.parametrize(("position", "row"), [
    ("Phó Chủ tịch UBND tỉnh", 6), ("Giám đốc Sở Tư pháp", 7), ("Phó Giám đốc", 7),
    ("Trưởng phòng Hành chính - Tư pháp", 9), ("Phó Trưởng phòng Tư pháp", 9), ("Chủ tịch UBND xã", 9),
    ("Chuyên viên", 10), ("Công chức Văn phòng - Thống kê", 10), ("", 10),
])
def test_individuals_are_split_by_position(position, row):
    assert statistics.individual_row(position) == row
