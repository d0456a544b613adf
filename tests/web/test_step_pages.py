"""Pages of the new kinds (issue 12): the stepper draws the configured path in its order; a consulted
agency answers from the dossier page (its task in the inbox); the next reviewer sees the answers; the
public posting page lists the nominees without personal data and takes objections."""

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.models import DossierStatus, Step
from tests.workflows.test_configured_path import (  # noqa: F401 (fixtures)
    ANNUAL, POSTED_PATH, agencies, form_with, reach_consultation, reach_posting,
)
from workflows import services

pytestmark = pytest.mark.django_db


def test_the_stepper_draws_the_configured_path_in_its_order(world, agencies, in_window, client_for):
    dossier = reach_consultation(world)
    page = client_for(world.alice).get(reverse("dossiers:detail", args=[dossier.pk]))
    assert page.status_code == 200
    labels = [item["step"] for item in page.context["path"]]
    assert labels == [step for step, _days in ANNUAL]
    states = {item["step"]: item["state"] for item in page.context["path"]}
    assert states[Step.HOME_AFFAIRS] == "done" and states[Step.CONSULTATION] == "current"
    assert states[Step.POSTING] == "todo"
    html = page.content.decode()
    html = html[html.index('<ol class="stepper"'):]
    html = html[:html.index("</ol>")]
    positions = [html.index(str(step.label)) for step in labels]
    assert positions == sorted(positions)               # drawn in the configured order
    assert "Lấy ý kiến các cơ quan (song song)" in html  # the kind's work under its label


def test_an_agency_answers_from_its_inbox_and_the_next_reviewer_sees_it(world, agencies, in_window, client_for):
    dossier = reach_consultation(world)
    police = client_for(world.police_head)
    inbox = police.get(reverse("workflows:inbox")).content.decode()
    assert f"#{dossier.pk}" in inbox and "Lấy ý kiến hiệp y" in inbox and "#consultation" in inbox
    page = police.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert [a.pk for a in page.context["answering"]] == [world.police.pk]
    assert f'id="form-consult-{world.police.pk}"' in page.content.decode()
    refused = police.post(reverse("workflows:consultation_answer", args=[dossier.pk]),
                          {"agency": world.police.pk, "verdict": "disagree", "reasons": ""})
    assert refused.status_code == 400 and "lý do" in refused.content.decode()
    done = police.post(reverse("workflows:consultation_answer", args=[dossier.pk]),
                       {"agency": world.police.pk, "verdict": "disagree",
                        "reasons": "Một cá nhân đang bị điều tra.", "seen_status": dossier.status})
    assert done.status_code == 302
    other = police.post(reverse("workflows:consultation_answer", args=[dossier.pk]),
                        {"agency": world.tax.pk, "verdict": "agree"})
    assert other.status_code == 400 and "không có quyền" in other.content.decode()
    tax = client_for(world.tax_head)
    tax.post(reverse("workflows:consultation_answer", args=[dossier.pk]), {"agency": world.tax.pk, "verdict": "agree"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.POSTED
    # the next step's actor sees each agency's answer on the dossier page
    page = client_for(world.nora).get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Một cá nhân đang bị điều tra." in page and "Cục Thuế tỉnh" in page


def test_the_review_page_shows_the_consultation_outcome(world, agencies, in_window, client_for):
    from workflows.consultation import consultation_answer

    form = form_with(world, [s for s in ANNUAL if s[0] != Step.POSTING], code="khong-cong-khai",
                     agencies=[(world.police, None)])
    from tests.workflows.test_configured_path import submitted

    dossier = services.dossier_approve_step(dossier=submitted(world, form), actor=world.nora)
    consultation_answer(dossier=dossier, actor=world.police_head, agency=world.police, verdict="disagree",
                        reasons="Chưa chấp hành tốt quy định về trật tự.")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AT_PROVINCE_COUNCIL
    page = client_for(world.nora).get(reverse("workflows:review", args=[dossier.pk])).content.decode()
    assert "Chưa chấp hành tốt quy định về trật tự." in page and "Không đồng ý" in page


def test_public_page_lists_the_posting_without_personal_data_and_takes_objections(world, in_window):
    from workflows.walk import add_nominees  # noqa: F401

    dossier = reach_posting(world)
    public = Client()
    page = public.get(reverse("workflows:public_list"))
    html = page.content.decode()
    assert page.status_code == 200 and world.unit.name in html and dossier.award_form.name in html
    for nominee in dossier.nominees.all():
        assert nominee.name in html
    posting = dossier.postings.get()
    empty = public.post(reverse("workflows:public_objection", args=[posting.pk]), {"text": "  "})
    assert empty.status_code == 400 and "Hãy ghi nội dung" in empty.content.decode()
    sent = public.post(reverse("workflows:public_objection", args=[posting.pk]),
                       {"text": "Đơn vị chưa hoàn thành chỉ tiêu.", "sender_name": "Lê Văn C"})
    assert sent.status_code == 302
    assert posting.objections.get().text == "Đơn vị chưa hoàn thành chỉ tiêu."


def test_public_page_never_shows_a_citizen_id(world, in_window):
    from dossiers.models import AwardForm  # noqa: F401
    from dossiers.services import nominee_add
    from workflows.walk import prepare
    from tests.workflows.test_configured_path import actors

    form = form_with(world, POSTED_PATH, code="cong-khai-ca-nhan")
    dossier = services.dossier_create(campaign=world.campaign, award_form=form, unit=world.unit, actor=world.alice)
    nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="Trần Thị Hoa",
                citizen_id="020123456789", position="Chuyên viên")
    dossier = services.dossier_submit(dossier=prepare(dossier, actors(world)), actor=world.henry)
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status == DossierStatus.POSTED
    html = Client().get(reverse("workflows:public_list")).content.decode()
    assert "Trần Thị Hoa" in html and "Chuyên viên" in html
    assert "020123456789" not in html and "6789" not in html
