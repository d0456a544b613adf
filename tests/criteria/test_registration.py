"""Emulation registration (đăng ký thi đua, issue 12.3): units register titles and targets at the start
of the year, Ban TĐKT (Sở Nội vụ) confirms or returns; at year end the registration is a criterion
like the others, hard or soft as the rulebook file says."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from criteria.errors import CriteriaNotMet
from criteria.models import Criterion, EmulationRegistration, RegistrationRule, RegistrationStatus, ThresholdMode
from criteria.registrations import LineInput, registration_confirm, registration_return, registration_submit
from criteria.services import current_evaluation, dossier_evaluate, evaluate_nominee
from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import Campaign, DossierStatus, NomineeKind
from dossiers.rulebooks import RulebookError, load_file, parse
from workflows import services
from workflows.walk import Actors, add_nominees, walk

ANNUAL = Path(__file__).resolve().parents[2] / "rulebooks" / "lang-son-thuong-xuyen-2025.yaml"
ICT = dt.timezone(dt.timedelta(hours=7))
IN_REGISTRATION = dt.datetime(2025, 2, 10, 9, 0, tzinfo=ICT)
YEAR_END = dt.datetime(2026, 1, 12, 9, 0, tzinfo=ICT)


@pytest.fixture
def annual(world):
    return load_file(ANNUAL)


def _actors(world, officer=None, head=None):
    return Actors(officer=officer or world.alice, head=head or world.henry, appraiser=world.nora,
                  home_affairs=world.nora, chairman=world.chris)


def _register(world, campaign, unit, actor, **counts):
    forms = {f.code: f for f in campaign.award_forms.all()}
    lines = [LineInput(award_form=forms[code.replace("_", "-")], nominee_kind=kind, count=n)
             for code, (kind, n) in counts.items()]
    return registration_submit(campaign=campaign, unit=unit, actor=actor, lines=lines,
                               targets="Số hóa 100% hồ sơ TTHC; không có hồ sơ trễ hạn.")


def test_the_annual_file_loads_registration_window_and_criteria(annual):
    rule = RegistrationRule.objects.get(campaign=annual)
    assert (rule.opens, rule.closes) == (dt.date(2025, 1, 2), dt.date(2025, 3, 31))
    by_form = {(c.award_form.code, c.nominee_kind): c.is_hard for c in
               Criterion.objects.filter(award_form__campaign=annual, mode=ThresholdMode.REGISTERED)}
    assert by_form[("tap-the-lao-dong-xuat-sac", NomineeKind.COLLECTIVE)] is True
    assert by_form[("chien-si-thi-dua-tinh", NomineeKind.INDIVIDUAL)] is True
    assert by_form[("bang-khen-chu-tich", NomineeKind.COLLECTIVE)] is False      # Bằng khen: a reminder only
    assert by_form[("bang-khen-chu-tich", NomineeKind.INDIVIDUAL)] is False


def test_register_confirm_and_a_hard_criterion_at_the_appraisal(world, annual, time_machine):
    time_machine.move_to(IN_REGISTRATION, tick=False)
    registration = _register(world, annual, world.unit, world.alice,
                             tap_the_lao_dong_xuat_sac=(NomineeKind.COLLECTIVE, 1))
    assert registration.status == RegistrationStatus.SUBMITTED
    with pytest.raises(NotPermitted):                       # the unit cannot confirm its own
        registration_confirm(registration=registration, actor=world.henry)
    registration = registration_confirm(registration=registration, actor=world.nora, note="Phù hợp")
    assert registration.is_confirmed and registration.reviewed_by == world.nora
    with pytest.raises(InvalidState):                       # confirmed: changed only through Ban TĐKT
        _register(world, annual, world.unit, world.alice, tap_the_lao_dong_xuat_sac=(NomineeKind.COLLECTIVE, 2))

    time_machine.move_to(YEAR_END, tick=False)
    form = annual.award_forms.get(code="tap-the-lao-dong-xuat-sac")
    registered = services.dossier_create(campaign=annual, award_form=form, unit=world.unit, actor=world.alice)
    add_nominees(registered, world.alice, collectives=[world.unit])
    registered = walk(registered, _actors(world), until=DossierStatus.SUBMITTED)
    registered = services.dossier_approve_step(dossier=registered, actor=world.nora)   # passes the criterion
    assert registered.status != DossierStatus.SUBMITTED
    line = current_evaluation(registered.nominees.get()).lines.get()
    assert line.passed is True and "Sở Tư pháp" in line.source

    cao_loc_head = world.user("hung", world.other, "unit_head")
    unregistered = services.dossier_create(campaign=annual, award_form=form, unit=world.other, actor=world.charlie)
    add_nominees(unregistered, world.charlie, collectives=[world.other])
    unregistered = walk(unregistered, _actors(world, world.charlie, cao_loc_head), until=DossierStatus.SUBMITTED)
    with pytest.raises(CriteriaNotMet) as refused:
        services.dossier_approve_step(dossier=unregistered, actor=world.nora)
    assert any("UBND huyện Cao Lộc" in p and "không đăng ký thi đua" in p for p in refused.value.problems)
    unregistered.refresh_from_db()
    assert unregistered.status == DossierStatus.SUBMITTED


def test_a_soft_registration_criterion_warns_and_lets_the_dossier_go_on(world, annual, time_machine):
    time_machine.move_to(YEAR_END, tick=False)
    form = annual.award_forms.get(code="bang-khen-chu-tich")
    dossier = services.dossier_create(campaign=annual, award_form=form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=[
        {"full_name": "Nguyễn Văn An", "citizen_id": "020190001234", "position": "Chuyên viên"}])
    dossier = walk(dossier, _actors(world), until=DossierStatus.SUBMITTED)
    dossier_evaluate(dossier=dossier, actor=world.nora)      # the appraiser checks the criteria
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status != DossierStatus.SUBMITTED
    for nominee in dossier.nominees.all():
        evaluation = current_evaluation(nominee)
        line = evaluation.lines.get()
        assert evaluation.passed and line.passed is False and not line.is_hard
        assert "không đăng ký thi đua" in line.note


def test_proposing_more_than_registered_fails_the_line(world, annual, time_machine):
    time_machine.move_to(IN_REGISTRATION, tick=False)
    registration = _register(world, annual, world.unit, world.henry, bang_khen_chu_tich=(NomineeKind.INDIVIDUAL, 1))
    registration_confirm(registration=registration, actor=world.nora)
    time_machine.move_to(YEAR_END, tick=False)
    form = annual.award_forms.get(code="bang-khen-chu-tich")
    dossier = services.dossier_create(campaign=annual, award_form=form, unit=world.unit, actor=world.alice)
    first, = add_nominees(dossier, world.alice, individuals=[
        {"full_name": "Nguyễn Văn An", "citizen_id": "020190001234", "position": "Chuyên viên"}])
    assert evaluate_nominee(first).lines.get().passed is True
    second, = add_nominees(dossier, world.alice, individuals=[
        {"full_name": "Lê Thị Bình", "citizen_id": "020190005678", "position": "Chuyên viên"}])
    line = evaluate_nominee(second).lines.get()
    assert line.passed is False and "vượt số đã đăng ký (1)" in line.note


def test_registration_refusals(world, annual, time_machine):
    forms = {f.code: f for f in annual.award_forms.all()}
    time_machine.move_to(dt.datetime(2025, 4, 1, 9, 0, tzinfo=ICT), tick=False)      # after 31/3
    with pytest.raises(InvalidState) as closed:
        _register(world, annual, world.unit, world.alice, bang_khen_chu_tich=(NomineeKind.COLLECTIVE, 1))
    assert "31/03/2025" in str(closed.value)
    time_machine.move_to(IN_REGISTRATION, tick=False)
    with pytest.raises(NotPermitted):                        # another unit's officer
        _register(world, annual, world.unit, world.charlie, bang_khen_chu_tich=(NomineeKind.COLLECTIVE, 1))
    with pytest.raises(InvalidInput) as empty:
        registration_submit(campaign=annual, unit=world.unit, actor=world.alice, lines=[])
    assert "ít nhất một" in str(empty.value)
    with pytest.raises(InvalidInput) as bad:
        registration_submit(campaign=annual, unit=world.unit, actor=world.alice, lines=[
            LineInput(award_form=forms["bang-khen-chu-tich"], nominee_kind=NomineeKind.COLLECTIVE, count=0),
            LineInput(award_form=world.form, nominee_kind=NomineeKind.COLLECTIVE, count=1)])
    assert len(bad.value.problems) == 2
    registration = _register(world, annual, world.unit, world.alice, bang_khen_chu_tich=(NomineeKind.COLLECTIVE, 1))
    with pytest.raises(InvalidInput):                        # a return needs its reason
        registration_return(registration=registration, actor=world.nora, note="")
    registration = registration_return(registration=registration, actor=world.nora, note="Thiếu chỉ tiêu số hóa.")
    assert registration.status == RegistrationStatus.RETURNED
    with pytest.raises(InvalidState):                        # returned: not waiting for confirmation
        registration_confirm(registration=registration, actor=world.nora)
    again = _register(world, annual, world.unit, world.alice, bang_khen_chu_tich=(NomineeKind.COLLECTIVE, 2))
    assert again.pk == registration.pk and again.status == RegistrationStatus.SUBMITTED
    assert list(again.lines.values_list("count", flat=True)) == [2]
    assert EmulationRegistration.objects.count() == 1


def test_the_registration_pages(world, annual, client, time_machine):
    time_machine.move_to(IN_REGISTRATION, tick=True)
    form = annual.award_forms.get(code="tap-the-lao-dong-xuat-sac")
    client.force_login(world.alice)
    page = client.get(reverse("criteria:registrations"))
    assert page.status_code == 200 and "Bản đăng ký của Sở Tư pháp" in page.content.decode()
    refused = client.post(reverse("criteria:registration_submit", args=[annual.pk, world.unit.pk]),
                          {f"n-{form.pk}-collective": "abc", "targets": "Giữ nguyên"})
    assert refused.status_code == 400 and "phải là một số nguyên" in refused.content.decode()
    assert 'value="Giữ nguyên"' in refused.content.decode() or "Giữ nguyên</textarea>" in refused.content.decode()
    response = client.post(reverse("criteria:registration_submit", args=[annual.pk, world.unit.pk]),
                           {f"n-{form.pk}-collective": "1", "targets": "Số hóa 100%"})
    assert response.status_code == 302
    registration = EmulationRegistration.objects.get(unit=world.unit)
    client.force_login(world.charlie)                       # another unit cannot send for Sở Tư pháp
    assert client.post(reverse("criteria:registration_submit", args=[annual.pk, world.unit.pk]),
                       {f"n-{form.pk}-collective": "3"}).status_code == 404
    assert client.post(reverse("criteria:registration_confirm", args=[registration.pk])).status_code == 404
    client.force_login(world.nora)
    listing = client.get(reverse("criteria:registrations")).content.decode()
    assert "Danh sách đăng ký thi đua" in listing and "Sở Tư pháp" in listing
    assert client.post(reverse("criteria:registration_confirm", args=[registration.pk])).status_code == 302
    registration.refresh_from_db()
    assert registration.is_confirmed


BAD_SECTIONS = """\
rulebook: bad-criteria
version: 1
campaign:
  plan_number: 77/KH-UBND
  title: Sai
  issuing_unit: UBND tỉnh Lạng Sơn
  period: [2025-01-01, 2025-12-31]
  window: [2026-01-05, 2026-02-06]
award_forms:
  - code: bang-khen
    name: Bằng khen
    deciding_unit: UBND tỉnh Lạng Sơn
    signer_office: CHỦ TỊCH
    path:
      - {step: proposal, lead_days: 5}
      - {step: submission, lead_days: 2}
      - {step: decision, lead_days: 5}
    criteria:
      - {code: dang-ky, name: Đăng ký, for: collective, mode: registered}
      - {code: x, name: X, for: everyone, mode: fixed, metric: digitization_rate, threshold: 70}
      - {code: y, name: Y, mode: guessed}
"""


def test_criteria_and_registration_errors_name_their_line_and_load_nothing(world):
    with pytest.raises(RulebookError) as caught:
        parse(BAD_SECTIONS, source="bad.yaml")
    lines = caught.value.lines()
    assert any("dòng 19:" in t and "registration" in t for t in lines), lines     # no registration window
    assert any("dòng 20:" in t and "everyone" in t for t in lines), lines
    assert any("dòng 21:" in t and "guessed" in t for t in lines), lines
    text = BAD_SECTIONS.replace("  window:", "  registration: [2025-03-31, 2025-01-02]\n  window:")
    with pytest.raises(RulebookError) as reversed_window:
        parse(text, source="bad.yaml")
    assert any("dòng 8:" in t and "registration" in t for t in reversed_window.value.lines())
    assert not Campaign.objects.filter(plan_number="77/KH-UBND").exists()
    assert not RegistrationRule.objects.exists()
