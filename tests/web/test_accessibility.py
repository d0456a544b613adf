"""Accessibility in the HTML itself (issue 16), without a browser: the statement page, the printable summary,
what a refused action tells (title, error summary linking the fields, aria-invalid, aria-describedby),
required fields marked, dates typed day first with a hint, the language switch a button. The browser checks
(axe-core, 320 px reflow, keyboard walks, print) are in tests/e2e."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.forms import CouncilForm, NomineeForm, parse_day
from dossiers.models import NomineeKind

pytestmark = pytest.mark.django_db


def title(html: str) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())


def test_statement_is_public_says_what_conforms_what_not_and_how_to_report(world, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "hotro@langson.gov.vn"
    response = Client().get(reverse("accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Mức độ đáp ứng", "Những điểm chưa đáp ứng", "Báo cáo vấn đề về khả năng tiếp cận"):
        assert f"<h2>{heading}</h2>" in html
    assert 'href="mailto:hotro@langson.gov.vn"' in html
    login_page = Client().get(reverse("login")).content.decode()
    assert f'href="{reverse("accessibility")}"' in login_page  # linked from every page's footer


def test_printable_summary_for_the_unit_and_404_for_another_unit(world, draft, client_for):
    url = reverse("dossiers:print", args=[draft.pk])
    response = client_for(world.alice).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and world.province.name.upper() in html
    assert f"Tóm tắt hồ sơ #{draft.pk}" in html
    assert "<form" not in html.split('<main id="main"', 1)[1]  # nothing to fill in on paper
    assert client_for(world.charlie).get(url).status_code == 404


def test_refused_form_names_the_error_in_title_summary_and_field(world, draft, client_for):
    page = client_for(world.alice).get(reverse("dossiers:detail", args=[draft.pk])).content.decode()
    assert not title(page).startswith("Có lỗi")
    response = client_for(world.alice).post(reverse("dossiers:nominee_add", args=[draft.pk]), {
        "kind": NomineeKind.INDIVIDUAL, "full_name": "Nguyễn Văn Bình", "birth_date": "31/02/1980"})
    assert response.status_code == 400
    html = response.content.decode()
    assert title(html).startswith("Có lỗi — ")
    summary = re.search(r'<div class="alert alert-error" role="alert" id="page-error" tabindex="-1" '
                        r'data-error-summary>(.*?)</div>', html, re.S).group(1)
    assert '<a href="#id_birth_date">Ngày sinh: ' in summary                   # the summary links the field
    field = re.search(r'<input[^>]*name="birth_date"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'value="31/02/1980"' in field
    assert 'aria-describedby="id_birth_date_helptext id_birth_date_error"' in field
    assert 'id="id_birth_date_error"' in html and 'id="id_birth_date_helptext"' in html


def test_refused_path_action_says_so_in_the_title(world, draft, client_for):
    response = client_for(world.alice).post(reverse("workflows:complete_steps", args=[draft.pk]),
                                            {"seen_status": draft.status})
    assert response.status_code == 400
    assert title(response.content.decode()).startswith("Có lỗi — ")


def test_required_fields_are_marked_and_dates_carry_their_format():
    html = str(CouncilForm(nominees=[])["held_on"].as_widget()) + NomineeForm().as_div()
    assert 'inputmode="numeric"' in html and 'type="date"' not in html
    held_on = CouncilForm(nominees=[])["held_on"]
    assert held_on.field.required and "dd/mm/yyyy" in str(held_on.help_text)


def test_field_template_marks_required_fields(world, draft, client_for):
    from workflows.walk import add_nominees

    add_nominees(draft, world.alice, collectives=[world.unit])  # the council form shows with a nominee
    html = client_for(world.alice).get(reverse("dossiers:detail", args=[draft.pk])).content.decode()
    label = re.search(r'<label for="id_held_on">(.*?)</label>', html, re.S).group(1)
    assert "(bắt buộc)" in label
    assert re.search(r'<input[^>]*name="held_on"[^>]*required', html)
    optional = re.search(r'<label for="id_position">(.*?)</label>', html, re.S).group(1)
    assert "bắt buộc" not in optional


@pytest.mark.parametrize("typed, day", [("15/12/2023", dt.date(2023, 12, 15)), ("2023-12-15", dt.date(2023, 12, 15)),
                                        (" 01/02/2024 ", dt.date(2024, 2, 1))])
def test_dates_typed_day_first_or_iso(typed, day):
    assert parse_day(typed) == day


@pytest.mark.parametrize("typed", ["31-12-2023", "12/31/2023", "30/02/2023", "", "hôm nay"])
def test_dates_in_another_form_are_refused(typed):
    with pytest.raises(ValueError):
        parse_day(typed)


def test_council_form_takes_the_day_as_typed():
    form = CouncilForm({"held_on": "01/12/2023", "members_total": "9", "members_present": "8"}, nominees=[])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == dt.date(2023, 12, 1)


def test_language_switch_is_a_button_not_a_select_that_submits(world, client_for):
    html = client_for(world.alice).get(reverse("home")).content.decode()
    form = re.search(r'<form class="lang".*?</form>', html, re.S).group(0)
    assert '<button type="submit" name="language" value="en" id="lang-switch"' in form and 'lang="en"' in form
    assert "<select" not in form and "onchange" not in html and "autosubmit" not in html


def test_upload_control_is_named_by_document_and_nominee(world, draft, client_for):
    from workflows.walk import add_nominees

    nominee = add_nominees(draft, world.alice, collectives=[world.unit])[0]
    html = client_for(world.alice).get(reverse("dossiers:detail", args=[draft.pk])).content.decode()
    label = re.search(rf'<label class="pick btn btn-small" for="file-bao-cao-thanh-tich-{nominee.pk}">(.*?)</label>',
                      html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", "", label).split())
    assert text.startswith("Chọn tệp: Báo cáo thành tích") and text.endswith(f"— {world.unit.name}")
    assert html.count(f'for="file-bao-cao-thanh-tich-{nominee.pk}"') == 1     # one label, one name
    # the live region that announces uploads is there from the page's load
    assert '<div id="upload-status" class="sr-only" role="status" aria-live="polite"></div>' in html


def test_stepper_says_each_state_in_words(world, draft, client_for):
    html = client_for(world.alice).get(reverse("dossiers:detail", args=[draft.pk])).content.decode()
    stepper = re.search(r'<ol class="stepper".*?</ol>', html, re.S).group(0)
    assert 'aria-current="step"' in stepper and "Đang thực hiện" in stepper and "Chưa tới" in stepper
