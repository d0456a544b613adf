from decimal import Decimal

import pytest

from criteria.errors import ImportRejected
from criteria.metrics import metrics_import
from criteria.models import MetricImport, UnitMetric
from dossiers.errors import NotPermitted

from .conftest import HEADER, csv_file, figures_row, xlsx_file

pytestmark = pytest.mark.django_db


def test_good_csv_becomes_version_one_with_derived_rates(world):
    header = ["Tên đơn vị", "Hồ sơ tiếp nhận", "Hồ sơ đã số hóa", "Hồ sơ trực tuyến"]
    report = metrics_import(campaign=world.campaign, actor=world.bob,
                            file=csv_file([["Sở Tư pháp", "1.200", "843", "600"],
                                           ["ubnd huyện  cao lộc", "400", "240", "100"]], header=header))
    assert report.ok and report.units == 2 and report.metric_import.version == 1
    figures = {(m.unit_id, m.metric): m.value for m in UnitMetric.objects.all()}
    assert figures[(world.unit.pk, "received")] == 1200
    assert figures[(world.unit.pk, "digitization_rate")] == Decimal("70.2500")
    assert figures[(world.other.pk, "online_dossier_rate")] == Decimal("25.0000")


def test_good_xlsx_and_versions_increase(world):
    first = metrics_import(campaign=world.campaign, actor=world.bob, file=xlsx_file([figures_row(world.unit)]))
    second = metrics_import(campaign=world.campaign, actor=world.bob,
                            file=xlsx_file([[world.unit.pk, "", 10, 7, "69,99", 60, 70, 50, 60]]))
    assert (first.metric_import.version, second.metric_import.version) == (1, 2)
    assert UnitMetric.objects.get(metric_import=second.metric_import, metric="digitization_rate").value == \
        Decimal("69.99")
    assert UnitMetric.objects.get(metric_import=first.metric_import, metric="digitization_rate").value == 75


def test_broken_file_reports_every_bad_row_and_saves_nothing(world):
    rows = [
        figures_row(world.unit),                                    # row 2: fine
        ["", "Sở Không Tồn Tại", "", "", "80", "", "", "", ""],     # row 3: unknown unit
        [world.other.pk, "", "", "", "bảy mươi", "", "", "", ""],   # row 4: non-numeric
        [world.stt.pk, "", "", "", "100.5", "", "", "", ""],        # row 5: over 100
        [world.unit.pk, "", "", "", "71", "", "", "", ""],          # row 6: duplicate of row 2
        [world.snv.pk, "", "10", "12", "", "", "", "", ""],         # row 7: digitized > received
    ]
    with pytest.raises(ImportRejected) as caught:
        metrics_import(campaign=world.campaign, actor=world.bob, file=csv_file(rows))
    report = caught.value.report
    assert report.rejected_rows == [3, 4, 5, 6, 7]
    text = [str(e) for e in report.errors]
    assert any("Dòng 3" in t and "Sở Không Tồn Tại" in t for t in text)
    assert any("Dòng 4" in t and "không phải là số" in t for t in text)
    assert any("Dòng 5" in t and "vượt quá 100%" in t for t in text)
    assert any("Dòng 6" in t and "trùng với dòng 2" in t for t in text)
    assert any("Dòng 7" in t and "Lớn hơn số hồ sơ tiếp nhận" in t for t in text)
    assert MetricImport.objects.count() == 0 and UnitMetric.objects.count() == 0


def test_unknown_header_and_empty_file_are_refused(world):
    with pytest.raises(ImportRejected) as caught:
        metrics_import(campaign=world.campaign, actor=world.bob,
                       file=csv_file([["Sở Tư pháp", "1"]], header=["Tên đơn vị", "Cột lạ"]))
    assert "Cột lạ" in str(caught.value)
    with pytest.raises(ImportRejected):
        metrics_import(campaign=world.campaign, actor=world.bob, file=csv_file([], header=HEADER))
    assert MetricImport.objects.count() == 0


def test_only_the_appraising_unit_imports(world):
    with pytest.raises(NotPermitted):
        metrics_import(campaign=world.campaign, actor=world.charlie, file=csv_file([figures_row(world.unit)]))
    assert MetricImport.objects.count() == 0
