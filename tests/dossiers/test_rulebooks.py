"""Rulebooks as files (issue 12): the shipped files load into the configuration the code built
before, their paths walk end to end, and a file with errors names each line and loads nothing."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dossiers.errors import NotPermitted
from dossiers.models import Campaign, DossierStatus, Outcome, Role, Step, Unit
from dossiers.rulebooks import RulebookError, load_file, parse
from dossiers.setup import PROVINCIAL_PATH
from workflows import services
from workflows.walk import Actors, add_nominees, walk

RULEBOOKS = Path(__file__).resolve().parents[2] / "rulebooks"
KH_170 = RULEBOOKS / "lang-son-kh-170-2023.yaml"
GIAY_KHEN = RULEBOOKS / "ttpvhcc-giay-khen-2023.yaml"


def configuration(campaign: Campaign) -> dict:
    """What decides a dossier's path, read back from the database."""
    return {
        "window": (campaign.window_opens, campaign.window_closes), "period": (campaign.period_start, campaign.period_end),
        "units": (campaign.issuing_unit_id, campaign.appraising_unit_id, campaign.home_affairs_unit_id),
        "targets": sorted((t.level.code, t.metric, float(t.value)) for t in campaign.targets.all()),
        "forms": {f.code: {"deciding": f.deciding_unit_id, "signer": f.signer_office, "revision": f.revision_lead_days,
                           "steps": sorted((r.step, r.lead_days, r.acting_unit_id, r.role) for r in f.step_rules.all()),
                           "requirements": sorted((r.step, r.document_type.code, r.scope)
                                                  for r in f.requirements.all())}
                  for f in campaign.award_forms.all()},
    }


def test_the_2023_file_is_the_configuration_the_seeds_built(world):
    built = configuration(world.campaign)
    world.campaign.delete()
    campaign = load_file(KH_170)
    assert campaign.rulebook == "lang-son-kh-170-2023@1" and campaign.plan_number == "170/KH-UBND"
    assert configuration(campaign) == built
    assert sorted(configuration(campaign)["forms"]["bang-khen"]["steps"]) == sorted(
        (step.value, days, None, "") for step, days in PROVINCIAL_PATH.items())


def test_the_2023_path_walks_end_to_end_from_the_file(world, in_window):
    world.campaign.delete()
    campaign = load_file(KH_170)
    form = campaign.award_forms.get(code="bang-khen")
    dossier = services.dossier_create(campaign=campaign, award_form=form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=[
        {"full_name": "Nguyễn Văn An", "citizen_id": "020190001234", "position": "Chuyên viên"}])
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry, appraiser=world.bob,
                                   home_affairs=world.nora, chairman=world.chris))
    assert dossier.status == DossierStatus.DECIDED
    steps = [t.step for t in dossier.tasks.filter(flow_task_type="HUMAN").order_by("pk")]
    assert steps == [s.value for s in PROVINCIAL_PATH]
    assert set(dossier.nominees.values_list("outcome", flat=True)) == {Outcome.AWARDED}


def test_the_agency_giay_khen_file_skips_the_provincial_steps(world, time_machine):
    centre = Unit.objects.create(name="Trung tâm Phục vụ hành chính công tỉnh", level=world.levels["tinh"],
                                 parent=world.province)
    officer = world.user("olga", centre, Role.UNIT_OFFICER)
    head = world.user("hana", centre, Role.UNIT_HEAD, title="Phó Giám đốc")
    director = world.user("dina", centre, Role.CHAIRMAN, title="Giám đốc")
    call_command("load_rulebook", str(GIAY_KHEN))
    campaign = Campaign.objects.get(plan_number="12/KH-TTPVHCC")
    form = campaign.award_forms.get()
    time_machine.move_to(dt.datetime(2023, 6, 13, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    dossier = services.dossier_create(campaign=campaign, award_form=form, unit=centre, actor=officer)
    add_nominees(dossier, officer, collectives=[centre], individuals=[
        {"full_name": "Lộc Thị Hương", "citizen_id": "020195003344", "position": "Viên chức"}])
    dossier = walk(dossier, Actors(officer=officer, head=head, chairman=director))
    assert dossier.status == DossierStatus.DECIDED
    assert [t.step for t in dossier.tasks.filter(flow_task_type="HUMAN").order_by("pk")] == [
        Step.PROPOSAL, Step.COUNCIL, Step.SUBMISSION, Step.DECISION]
    assert {t.unit_id for t in dossier.tasks.filter(flow_task_type="HUMAN")} == {centre.pk}


BROKEN = """\
rulebook: broken
version: 2
campaign:
  plan_number: 99/KH-UBND
  title: Sai
  issuing_unit: UBND tỉnh Lạng Sơn
  appraising_unit: Sở Không Có
  period: [2023-08-20, 2023-11-30]
  window: [2023-12-06, 2023-12-04]
award_forms:
  - code: bang-khen
    name: Bằng khen
    deciding_unit: UBND tỉnh Lạng Sơn
    signer_office: CHỦ TỊCH
    path:
      - {step: proposal, lead_days: 5, documents: [{type: to-trinh}]}
      - {step: apraisal, lead_days: 7}
      - {step: submission, lead_days: 0}
      - step: council
        documents: [{type: khong-co, per: everyone}]
"""


def test_a_file_with_errors_names_each_line_and_loads_nothing(world, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    campaigns = Campaign.objects.count()
    with pytest.raises(RulebookError) as caught:
        load_file(path)
    lines = caught.value.lines()
    expected = {
        7: "Sở Không Có",                       # a unit that is not in the register
        9: "ngày kết thúc trước ngày bắt đầu",  # the window closes before it opens
        17: "apraisal",                         # a step that does not exist (misspelled)
        18: "từ 1 đến 90",                      # lead days out of range
        19: "sai thứ tự",                       # council after submission
        20: "khong-co",                         # an undeclared document type
        15: "decision",                         # the path lacks a required step
    }
    for line, words in expected.items():
        assert any(f"broken.yaml, dòng {line}:" in text and words in text for text in lines), (line, lines)
    assert any("dòng 20:" in text and "nominee" in text for text in lines)   # per: everyone
    assert Campaign.objects.count() == campaigns
    with pytest.raises(CommandError) as refused:
        call_command("load_rulebook", str(path))
    assert "không nạp gì" in str(refused.value) and "dòng 17" in str(refused.value)
    assert Campaign.objects.count() == campaigns


def test_yaml_syntax_errors_and_reloading_are_refused_with_the_line(world):
    with pytest.raises(RulebookError) as caught:
        parse("rulebook: x\nversion: 1\ncampaign: [unclosed\n", source="x.yaml")
    assert caught.value.problems[0][0] >= 3 and "YAML" in caught.value.lines()[0]
    with pytest.raises(RulebookError) as again:        # the world already has 170/KH-UBND
        load_file(KH_170)
    assert any("dòng 8:" in text and "170/KH-UBND" in text for text in again.value.lines())


def test_a_step_configured_with_another_unit_and_role(world, in_window, tmp_path):
    """The acting unit and role are data: here the Giấy khen of Sở Tư pháp is decided by its own head
    (role unit_head), and Sở Nội vụ appraises in place of the campaign's appraising unit."""
    text = GIAY_KHEN.read_text(encoding="utf-8").replace("12/KH-TTPVHCC", "13/KH-STP").replace(
        "Trung tâm Phục vụ hành chính công tỉnh", "Sở Tư pháp").replace(
        "      - {step: decision, lead_days: 3}",
        "      - {step: appraisal, lead_days: 4, acting_unit: Sở Nội vụ, role: home_affairs}\n"
        "      - {step: decision, lead_days: 3, role: unit_head}")
    path = tmp_path / "stp.yaml"
    path.write_text(text, encoding="utf-8")
    campaign = load_file(path, window=(dt.date(2023, 12, 4), dt.date(2023, 12, 6)))
    form = campaign.award_forms.get()
    dossier = services.dossier_create(campaign=campaign, award_form=form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry), until=DossierStatus.SUBMITTED)
    task = dossier.tasks.get(step=Step.APPRAISAL)
    assert (task.unit_id, task.role) == (world.snv.pk, Role.HOME_AFFAIRS)
    with pytest.raises(NotPermitted):                   # the campaign's appraiser does not act here
        services.dossier_approve_step(dossier=dossier, actor=world.bob)
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    task = dossier.tasks.get(step=Step.DECISION)
    assert (task.unit_id, task.role) == (world.unit.pk, Role.UNIT_HEAD)
    dossier = services.dossier_decide(dossier=dossier, actor=world.henry,
                                      outcomes={n.pk: True for n in dossier.nominees.all()})
    assert dossier.status == DossierStatus.DECIDED


def test_an_unknown_role_is_named_with_its_line(world, tmp_path):
    text = GIAY_KHEN.read_text(encoding="utf-8").replace(
        "      - {step: decision, lead_days: 3}", "      - {step: decision, lead_days: 3, role: giam_doc}")
    line = text.splitlines().index("      - {step: decision, lead_days: 3, role: giam_doc}") + 1
    with pytest.raises(RulebookError) as caught:
        parse(text, source="gk.yaml")
    assert [p for p in caught.value.lines() if f"dòng {line}:" in p and "giam_doc" in p]
