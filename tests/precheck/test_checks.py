"""Each check finds its planted defect in a text PDF made by the project's generators, and a clean
document gives no warning. The PDF is read like any upload (pdftotext), not handed to the checker."""

import pytest

from dossiers.models import DocumentType
from precheck import corpus, reading
from precheck.checks import Text, run_checks
from precheck.facts import facts_for_parts
from precheck.messages import message


def check(dossier, code, nominee=None, defect="", rng=None):
    content, _detail = corpus.document(code, dossier, nominee, defect, rng=rng)
    result = reading.read_bytes(content)
    assert result.ocr_pages == 0 and result.source == "text"
    facts = facts_for_parts(dossier=dossier, document_type=DocumentType.objects.get(code=code),
                            nominee_id=nominee.pk if nominee else None)
    return run_checks(Text([(p.number, p.text, p.source) for p in result.pages]), facts, signed=result.signed)


def warnings(findings):
    return [f for f in findings if f["level"] == "warning"]


def an_of(dossier):
    return dossier.nominees.get(person__full_name="Nguyễn Văn An")


@pytest.mark.parametrize("code", ["to-trinh", "bien-ban-hop-xet", "bao-cao-thanh-tich"])
def test_clean_documents_give_no_warning(dossier, code, rng):
    nominee = an_of(dossier) if code == "bao-cao-thanh-tich" else None
    findings = check(dossier, code, nominee, rng=rng)
    assert warnings(findings) == [], findings
    assert findings == []     # and nothing left unverified on a clean text PDF


def test_minutes_without_a_nominee_say_whose_name_is_missing_and_where(dossier, rng, monkeypatch):
    monkeypatch.setattr(rng, "choice", lambda seq: next(n for n in seq if getattr(n, "name", "") == "Nguyễn Văn An"))
    found = warnings(check(dossier, "bien-ban-hop-xet", defect="name", rng=rng))
    assert [(f["code"], f["params"]["name"]) for f in found] == [("name_missing", "Nguyễn Văn An")]
    assert found[0]["page"] == 2      # the annex with the votes, where the other names are
    assert message(found[0], "Biên bản họp xét") == "Biên bản họp xét: không thấy tên Nguyễn Văn An."


def test_a_wrong_plan_number_is_named(dossier, rng):
    found = warnings(check(dossier, "to-trinh", defect="plan", rng=rng))
    assert [f["code"] for f in found] == ["plan_wrong"]
    assert found[0]["params"]["found"] != "170/KH-UBND" and found[0]["params"]["found"].endswith("/KH-UBND")


def test_another_campaign_title_is_found(dossier, rng):
    found = warnings(check(dossier, "bien-ban-hop-xet", defect="title", rng=rng))
    assert [f["code"] for f in found] == ["title_missing"]


def test_altered_votes_are_compared_with_those_recorded(dossier, rng):
    found = warnings(check(dossier, "bien-ban-hop-xet", defect="votes", rng=rng))
    assert [f["code"] for f in found] == ["votes_differ"]
    params = found[0]["params"]
    recorded = dossier.nominees.get(person__full_name=params["name"]) if params["name"] != "Sở Tư pháp" \
        else dossier.nominees.get(unit__isnull=False)
    assert params["recorded"] == recorded.votes_for != params["found"]
    assert found[0]["page"] == 2


def test_another_form_number_on_the_report(dossier, rng):
    rng.random = lambda: 0.1          # "Mẫu số 01" instead of "Mẫu số 07"
    found = warnings(check(dossier, "bao-cao-thanh-tich", an_of(dossier), defect="form", rng=rng))
    assert [(f["code"], f["params"]["found"]) for f in found] == [("form_wrong", "01")]


def test_a_report_about_someone_else(dossier, rng):
    found = warnings(check(dossier, "bao-cao-thanh-tich", an_of(dossier), defect="name", rng=rng))
    assert [(f["code"], f["params"]["name"]) for f in found] == [("name_missing", "Nguyễn Văn An")]


def test_no_signature_block(dossier, rng):
    found = warnings(check(dossier, "to-trinh", defect="signature", rng=rng))
    assert [f["code"] for f in found] == ["signature_missing"]
    assert found[0]["page"] == 2      # the last page


def test_a_date_outside_the_campaign(dossier, rng):
    found = warnings(check(dossier, "bao-cao-thanh-tich", an_of(dossier), defect="date", rng=rng))
    assert [f["code"] for f in found] == ["date_outside"]
    assert found[0]["params"]["start"] == "2023-08-20" and found[0]["params"]["end"] == "2023-12-06"
