"""Legal regimes and base salaries as dated, append-only data files (regimes/*.yaml, load_regime)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from dossiers.models import BaseSalary, Campaign, DocumentType, LegalRegime, document_type_name
from dossiers.regimes import RegimeError, parse, shipped_files

# the shipped regimes, as a fresh database has them (tests/conftest.py says why)
pytestmark = pytest.mark.usefixtures("shipped_regimes")

GOOD = """\
regime: nd-test-2027
version: 1
name: Chế độ thử
effective: [2027-01-01, null]
source: thử
texts:
  - {kind: nghi-dinh, number: 1/2027/NĐ-CP, date: 2026-12-01, issuer: Chính phủ, title: quy định thử}
forms:
  - {document_type: bao-cao-thanh-tich, number: "09", name: Báo cáo thành tích, text: Nghị định 1/2027/NĐ-CP}
prizes:
  rounding: {unit: 10000, source: Điều 9}
  forms:
    - {award: bang-khen, label: Bằng khen, individual: 1.2, collective: 2.4, source: Điều 10}
"""


def test_the_shipped_files_parse_and_are_loaded_by_the_migration(db):
    assert {p.name for p in shipped_files()} >= {"nd-91-2017.yaml", "nd-98-2023.yaml", "nd-152-2025.yaml",
                                                  "base-salary.yaml"}
    for path in shipped_files():
        parse(path.read_text(encoding="utf-8"), source=path.name)
    assert LegalRegime.in_force(dt.date(2023, 12, 1)).code == "nd-91-2017"
    assert LegalRegime.in_force(dt.date(2024, 1, 1)).code == "nd-98-2023"
    assert LegalRegime.in_force(dt.date(2025, 6, 30)).code == "nd-98-2023"
    assert LegalRegime.in_force(dt.date(2025, 7, 1)).code == "nd-152-2025"
    assert [BaseSalary.on(dt.date(*d)).amount for d in [(2023, 6, 30), (2023, 7, 1), (2024, 6, 30), (2024, 7, 1),
                                                        (2026, 6, 30), (2026, 7, 1)]] == \
        [1_490_000, 1_800_000, 1_800_000, 2_340_000, 2_340_000, 2_530_000]
    # every prize rule and the rounding rule carry their source
    for regime in LegalRegime.objects.all():
        assert regime.rounding_source and all(rule.source for rule in regime.prizes.all())


def test_every_error_names_its_line_and_nothing_is_loaded(db, tmp_path):
    bad = GOOD.replace("individual: 1.2", "individual: nhiều").replace("kind: nghi-dinh", "kind: sac-lenh")
    with pytest.raises(RegimeError) as err:
        parse(bad, source="x.yaml")
    assert [line for line, _m in err.value.problems] == [7, 13]
    assert "x.yaml, dòng 7: loại văn bản “sac-lenh” không có" in str(err.value)
    (tmp_path / "good.yaml").write_text(GOOD.replace("nd-test-2027", "nd-good-2027"), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command("load_regime", str(tmp_path / "good.yaml"), str(tmp_path / "bad.yaml"))
    assert "bad.yaml, dòng 13" in str(err.value)
    assert not LegalRegime.objects.filter(code__in=["nd-good-2027", "nd-test-2027"]).exists()


def test_a_loaded_regime_is_never_edited_a_change_is_a_new_version(db, tmp_path):
    path = tmp_path / "nd-test-2027.yaml"
    path.write_text(GOOD, encoding="utf-8")
    call_command("load_regime", str(path))
    call_command("load_regime", str(path))  # unchanged: nothing happens
    assert LegalRegime.objects.filter(code="nd-test-2027").count() == 1
    path.write_text(GOOD.replace("null]", "2027-12-31]"), encoding="utf-8")
    with pytest.raises(CommandError, match="đã nạp và khác tệp này"):
        call_command("load_regime", str(path))
    path.write_text(GOOD.replace("null]", "2027-12-31]").replace("version: 1", "version: 2"), encoding="utf-8")
    call_command("load_regime", str(path))
    regime = LegalRegime.in_force(dt.date(2027, 3, 1))
    assert regime.label == "nd-test-2027@2"
    assert regime.citations() == ["Căn cứ Nghị định số 1/2027/NĐ-CP ngày 01 tháng 12 năm 2026 của Chính phủ quy định thử"]
    assert regime.prize_multiple("bang-khen", "collective") == Decimal("2.40")
    assert regime.round_amount(Decimal("1.2") * 2_530_000) == 3_040_000  # 3.036.000 rounded up


def test_a_base_salary_already_loaded_keeps_its_amount(db, tmp_path):
    path = tmp_path / "luong.yaml"
    path.write_text("base_salary:\n  - {amount: 2600000, from: 2026-07-01, text: 1/2026/NĐ-CP, source: thử}\n",
                    encoding="utf-8")
    with pytest.raises(CommandError, match="mức đã nạp không sửa"):
        call_command("load_regime", str(path))
    assert BaseSalary.on(dt.date(2026, 7, 1)).amount == 2_530_000


def test_a_campaign_pins_the_regime_in_force_on_its_opening_day(world):
    assert world.campaign.regime.code == "nd-91-2017"  # opened 20/08/2023
    later = Campaign.objects.create(plan_number="1/KH", title="t", issuing_unit=world.province,
                                    period_start=dt.date(2025, 7, 1), period_end=dt.date(2025, 12, 1),
                                    window_opens=dt.date(2025, 12, 2), window_closes=dt.date(2025, 12, 5))
    assert later.regime.code == "nd-152-2025"


def test_document_names_follow_the_pinned_regime(world):
    report = DocumentType.objects.get(code="bao-cao-thanh-tich")
    assert document_type_name(world.campaign, report) == "Báo cáo thành tích (mẫu số 07, Nghị định 91/2017/NĐ-CP)"
    world.campaign.regime = LegalRegime.objects.get(code="nd-152-2025")
    world.campaign.save()
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert document_type_name(campaign, report) == \
        "Báo cáo thành tích đề nghị khen thưởng (mẫu số 02, Nghị định 152/2025/NĐ-CP)"
    requirement = campaign.award_forms.get(code="bang-khen").requirements.get(document_type=report)
    assert requirement.name == "Báo cáo thành tích đề nghị khen thưởng (mẫu số 02, Nghị định 152/2025/NĐ-CP)"
