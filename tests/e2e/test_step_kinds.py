"""Issue 12 in a real browser: the stepper of a configured path with a consultation and a posting;
a consulted agency's head finds the task in the inbox and answers from the dossier page; the public
posting page. Each page passes axe (no serious or critical finding) and does not scroll sideways at
320 px. Screenshots: tests/e2e/screenshots/paths-*.png."""

import pytest

from dossiers.models import AwardForm, ConsultedAgency, DocumentRequirement, Role, Step, StepRule, Unit
from workflows import services
from workflows.walk import Actors, add_nominees, prepare

from .a11y import axe_violations, blocking, overflow
from .conftest import SHOTS, login, shot

pytestmark = pytest.mark.django_db(transaction=True)

PATH = [(Step.PROPOSAL, 5), (Step.COUNCIL, 5), (Step.REPORTS, 5), (Step.SUBMISSION, 2), (Step.HOME_AFFAIRS, 5),
        (Step.CONSULTATION, 5), (Step.POSTING, 5), (Step.PROVINCE_COUNCIL, 5), (Step.DECISION, 5)]


def in_consultation(province):
    police = Unit.objects.create(name="Công an tỉnh Lạng Sơn", level=province.province.level, parent=province.province)
    tax = Unit.objects.create(name="Cục Thuế tỉnh Lạng Sơn", level=province.province.level, parent=province.province)
    province.police_head = province.user("giamdoc_congan", "Nguyễn Văn Quân", police, Role.UNIT_HEAD, title="Giám đốc")
    form = AwardForm.objects.create(campaign=province.campaign, code="co-thi-dua", name="Cờ thi đua của UBND tỉnh",
                                    deciding_unit=province.province, signer_office="CHỦ TỊCH UBND TỈNH LẠNG SƠN")
    for position, (step, days) in enumerate(PATH, start=1):
        rule = StepRule.objects.create(award_form=form, step=step, lead_days=days, position=position)
        if step == Step.CONSULTATION:
            ConsultedAgency.objects.create(step_rule=rule, unit=police, lead_days=3)
            ConsultedAgency.objects.create(step_rule=rule, unit=tax)
    for requirement in province.form.requirements.all():
        DocumentRequirement.objects.create(award_form=form, step=requirement.step,
                                           document_type=requirement.document_type, scope=requirement.scope)
    dossier = services.dossier_create(campaign=province.campaign, award_form=form, unit=province.unit,
                                      actor=province.officer)
    add_nominees(dossier, province.officer, collectives=[province.unit])
    actors = Actors(officer=province.officer, head=province.head, home_affairs=province.home_affairs)
    dossier = services.dossier_submit(dossier=prepare(dossier, actors), actor=province.head)
    return services.dossier_approve_step(dossier=dossier, actor=province.home_affairs), police


def check_page(page, name):
    assert blocking(axe_violations(page)) == [], name
    page.set_viewport_size({"width": 320, "height": 800})
    assert overflow(page) == 0, name
    shot(page, f"paths-{name}-320")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_consulted_agency_answers_in_the_browser_and_the_stepper_draws_the_path(browser, live_server, province):
    dossier, police = in_consultation(province)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="vi-VN").new_page()
    login(page, live_server.url, "giamdoc_congan")
    page.goto(f"{live_server.url}/viec-can-lam/")
    assert "Lấy ý kiến hiệp y" in page.locator("table.tasks").inner_text()
    shot(page, "paths-consultation-inbox")
    page.locator(f"a[href='/ho-so/{dossier.pk}/#consultation']").click()
    stepper = page.locator("ol.stepper li")
    labels = [stepper.nth(i).locator(".label").inner_text() for i in range(stepper.count())]
    assert labels == [str(step.label) for step, _days in PATH]
    assert "Đang thực hiện" in stepper.nth(5).inner_text()
    page.locator("ol.stepper").screenshot(path=str(SHOTS / "paths-stepper.png"))
    shot(page, "paths-consultation-task")
    check_page(page, "consultation-task")
    page.locator(f"#verdict-disagree-{police.pk}").check()
    page.locator(f"#btn-consult-{police.pk}").click()
    assert "Hãy ghi rõ lý do không đồng ý." in page.locator("#page-error").inner_text()
    page.locator(f"#consult-reasons-{police.pk}").fill("Một cá nhân trong tập thể đang bị xem xét xử lý vi phạm.")
    page.locator(f"#verdict-disagree-{police.pk}").check()
    page.locator(f"#btn-consult-{police.pk}").click()
    row = page.locator(f"#opinion-{police.pk}")
    assert "Không đồng ý" in row.inner_text() and "xử lý vi phạm" in row.inner_text()
    shot(page, "paths-consultation-answered")
    page.close()


def test_public_posting_page(browser, live_server, province):
    dossier, police = in_consultation(province)
    from dossiers.models import Unit as _Unit  # noqa: F401
    from workflows.consultation import consultation_answer
    from dossiers.models import Membership

    tax = ConsultedAgency.objects.exclude(unit=police).get().unit
    tax_head = province.user("cuctruong_thue", "Lý Thị Thu", tax, Role.UNIT_HEAD)
    assert Membership.objects.filter(user=tax_head).exists()
    consultation_answer(dossier=dossier, actor=province.police_head, agency=police, verdict="agree")
    consultation_answer(dossier=dossier, actor=tax_head, agency=tax, verdict="agree")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="vi-VN").new_page()
    page.goto(f"{live_server.url}/cong-khai/")
    assert province.unit.name in page.locator("main").inner_text()
    shot(page, "paths-public-posting")
    check_page(page, "public-posting")
    page.locator("a[id^=objection-link-]").first.click()
    page.locator("#objection-text").fill("Đơn vị chưa công khai kết quả bình xét ở cơ sở.")
    page.locator("#btn-objection").click()
    page.wait_for_url(f"{live_server.url}/cong-khai/")
    assert dossier.postings.get().objections.count() == 1
    page.close()
