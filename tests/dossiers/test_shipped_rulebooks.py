"""Every shipped rulebook file (issue 12.2) loads, and every award form in it walks its whole path
through the services, with a collective and an individual nominee where the form takes them."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from criteria.models import RegistrationRule
from criteria.registrations import LineInput, registration_confirm, registration_submit
from dossiers.models import (
    STATUS_AT_STEP, Campaign, CentralDecision, CouncilVote, CouncilVoteRule, DossierEvent, DossierStatus, NomineeKind, Outcome,
    ProvinceCouncilMeeting, Role, Share, Step, StepRule, Unit, UpwardProposal, Verdict, VoteBase, kind_of, vote_rule_for,
)
from dossiers.rulebooks import RulebookError, load_file, parse
from workflows import services
from workflows.walk import Actors, add_nominees, walk

RULEBOOKS = Path(__file__).resolve().parents[2] / "rulebooks"
ICT = dt.timezone(dt.timedelta(hours=7))
AGENCIES = ["Công an tỉnh Lạng Sơn", "Thuế tỉnh Lạng Sơn", "Bảo hiểm xã hội tỉnh Lạng Sơn"]
# award forms for a single kind of nominee (the title says who may hold it)
INDIVIDUAL_ONLY = {"lao-dong-tien-tien", "chien-si-thi-dua-co-so", "chien-si-thi-dua-tinh", "chien-si-thi-dua-toan-quoc"}
COLLECTIVE_ONLY = {"tap-the-lao-dong-xuat-sac", "co-thi-dua-tinh"}
ANNUAL = "lang-son-thuong-xuyen-2025.yaml"
# the annual titles the provincial council votes on (version 2 of the annual file), with their share
COUNCIL_VOTES = {"chien-si-thi-dua-tinh": ">= 70%", "co-thi-dua-tinh": ">= 2/3"}


def shipped_forms():
    for path in sorted(RULEBOOKS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for form in data["award_forms"]:
            yield pytest.param(path.name, form["code"], id=f"{path.stem}:{form['code']}")


def agencies(world):
    for name in AGENCIES:
        unit = Unit.objects.create(name=name, level=world.levels["tinh"], parent=world.province)
        world.user(f"head-{unit.pk}", unit, Role.UNIT_HEAD, title="Giám đốc")


def test_every_shipped_file_parses_and_names_its_version(world):
    agencies(world)
    Unit.objects.create(name="Trung tâm Phục vụ hành chính công tỉnh", level=world.levels["tinh"], parent=world.province)
    Campaign.objects.all().delete()
    for path in sorted(RULEBOOKS.glob("*.yaml")):
        rulebook = parse(path.read_text(encoding="utf-8"), source=path.name)
        assert rulebook.identifier == path.stem and rulebook.version >= 1, path.name
        assert rulebook.forms, path.name


def test_the_sudden_awards_are_always_open_and_short(world):
    campaign = load_file(RULEBOOKS / "lang-son-dot-xuat-2025.yaml")
    assert (campaign.window_opens, campaign.window_closes) == (campaign.period_start, campaign.period_end)
    form = campaign.award_forms.get()
    rules = list(StepRule.objects.filter(award_form=form).order_by("pk"))
    assert [r.step for r in rules] == [Step.PROPOSAL, Step.REPORTS, Step.SUBMISSION, Step.HOME_AFFAIRS, Step.DECISION]
    assert max(r.lead_days for r in rules) <= 3
    assert sorted(form.requirements.values_list("document_type__code", flat=True)) == ["bao-cao-tom-tat", "to-trinh"]


@pytest.mark.parametrize(("file_name", "code"), list(shipped_forms()))
def test_each_shipped_form_walks_its_path_end_to_end(world, time_machine, file_name, code):
    agencies(world)
    if file_name == "lang-son-kh-170-2023.yaml":
        world.campaign.delete()
    centre = None
    if file_name.startswith("ttpvhcc"):
        centre = Unit.objects.create(name="Trung tâm Phục vụ hành chính công tỉnh", level=world.levels["tinh"],
                                     parent=world.province)
    campaign = load_file(RULEBOOKS / file_name)
    form = campaign.award_forms.get(code=code)
    unit = centre or world.unit
    officer, head = world.alice, world.henry
    chairman = world.chris
    if centre is not None:
        officer = world.user("olga", centre, Role.UNIT_OFFICER)
        head = world.user("hana", centre, Role.UNIT_HEAD, title="Phó Giám đốc")
        chairman = world.user("dina", centre, Role.CHAIRMAN, title="Giám đốc")
    if campaign.appraising_unit_id == world.stt.pk:
        appraiser = world.bob
    else:
        appraiser = world.nora
    rule = RegistrationRule.objects.filter(campaign=campaign).first()
    if rule is not None:                 # the unit registered at the start of the year, Ban TĐKT confirmed
        time_machine.move_to(dt.datetime.combine(rule.opens, dt.time(9), tzinfo=ICT), tick=False)
        kinds = ([] if code in INDIVIDUAL_ONLY else [NomineeKind.COLLECTIVE]) + \
            ([] if code in COLLECTIVE_ONLY else [NomineeKind.INDIVIDUAL])
        registration_confirm(registration=registration_submit(
            campaign=campaign, unit=unit, actor=officer,
            lines=[LineInput(award_form=form, nominee_kind=kind, count=1) for kind in kinds]), actor=world.nora)
    time_machine.move_to(dt.datetime.combine(campaign.window_opens + dt.timedelta(days=1), dt.time(9), tzinfo=ICT),
                         tick=False)
    dossier = services.dossier_create(campaign=campaign, award_form=form, unit=unit, actor=officer)
    collectives = [] if code in INDIVIDUAL_ONLY else [unit]
    individuals = [] if code in COLLECTIVE_ONLY else [
        {"full_name": "Nguyễn Văn An", "citizen_id": "020190001234", "position": "Chuyên viên"}]
    add_nominees(dossier, officer, collectives=collectives, individuals=individuals)
    dossier = walk(dossier, Actors(officer=officer, head=head, appraiser=appraiser, home_affairs=world.nora,
                                   chairman=head if code in ("lao-dong-tien-tien", "chien-si-thi-dua-co-so")
                                   else chairman))
    assert dossier.status == DossierStatus.DECIDED, (code, dossier.status)
    path = [rule.step for rule in form.step_rules.all()]
    walked = list(dict.fromkeys(t.step for t in dossier.tasks.filter(flow_task_type="HUMAN").order_by("pk")))
    assert [s for s in walked if s in path] == path
    assert set(dossier.nominees.values_list("outcome", flat=True)) == {Outcome.AWARDED}
    kinds = set(dossier.nominees.values_list("kind", flat=True))
    assert kinds == ({NomineeKind.INDIVIDUAL} if code in INDIVIDUAL_ONLY else
                     {NomineeKind.COLLECTIVE} if code in COLLECTIVE_ONLY else
                     {NomineeKind.INDIVIDUAL, NomineeKind.COLLECTIVE})
    assert_each_kind_did_its_work(dossier, path)
    if file_name == ANNUAL:   # the provincial council votes on exactly the titles that need it
        voted = code in COUNCIL_VOTES
        assert (Step.PROVINCE_COUNCIL in walked) == voted, code
        assert ProvinceCouncilMeeting.objects.filter(dossier=dossier).exists() == voted, code
        assert DossierEvent.objects.filter(dossier=dossier, to_status=DossierStatus.AT_PROVINCE_COUNCIL
                                           ).exists() == voted, code


def assert_each_kind_did_its_work(dossier, path):
    """What the walk's passage through each provincial kind of step left behind, recorded by the real
    services (not a status set by hand)."""
    for step in path:
        kind = kind_of(step)
        if kind.is_consultation:   # every consulted agency agreed, by a person, in its own task
            consulted = {unit_id for unit_id, _days in dossier.step_config(step).consulted}
            answers = dossier.consultation_answers.all()
            assert consulted and {a.agency_id for a in answers} == consulted
            assert {a.verdict for a in answers} == {Verdict.AGREE} and all(a.answered_by_id for a in answers)
            assert {t.unit_id for t in dossier.tasks.filter(step=step)} == consulted
        if kind.is_posting:        # posted for its whole period, then ended by the periodic scan (no actor)
            posting = dossier.postings.get()
            assert posting.closed_at is not None and posting.closed_at >= posting.closes_at
            assert DossierEvent.objects.filter(dossier=dossier, from_status=STATUS_AT_STEP[step],
                                               actor__isnull=True).exists()
        if kind.records_council_vote:  # all nine members met; each nominee had exactly the threshold's votes
            meeting = ProvinceCouncilMeeting.objects.get(dossier=dossier)
            rule = vote_rule_for(dossier.award_form)
            need = rule.threshold.minimum(meeting.members_total if rule.threshold_base == VoteBase.TOTAL
                                          else meeting.members_present)
            votes = CouncilVote.objects.filter(meeting=meeting)
            assert votes.count() == dossier.nominees.count()
            assert {(v.votes_for, v.passed) for v in votes} == {(need, True)}
            assert not rule.threshold.met(need - 1, meeting.members_total if rule.threshold_base == VoteBase.TOTAL
                                          else meeting.members_present)
        if kind.sends_upward:
            proposal = UpwardProposal.objects.get(dossier=dossier)
            assert set(proposal.nominees.values_list("pk", flat=True)) == set(dossier.nominees.values_list("pk", flat=True))
        if kind.records_central_decision:
            assert CentralDecision.objects.filter(dossier=dossier).count() == 1


def without_the_council_steps(text: str) -> str:
    """The annual file as version 1 shipped it: no province_council step (each is a 3-line block)."""
    lines, kept, skip = text.splitlines(), [], 0
    for line in lines:
        if line.strip().startswith("- step: province_council"):
            skip = 3
        if skip:
            skip -= 1
            continue
        kept.append(line.replace("version: 2", "version: 1") if line.startswith("version:") else line)
    return "\n".join(kept) + "\n"


def test_annual_version_2_adds_the_provincial_council_vote_to_the_titles_that_need_it(world):
    campaign = load_file(RULEBOOKS / ANNUAL)
    assert campaign.rulebook == "lang-son-thuong-xuyen-2025@2"
    for form in campaign.award_forms.all():
        path = [rule.step for rule in form.step_rules.all()]
        if form.code in COUNCIL_VOTES:
            assert path[-3:] == [Step.APPRAISAL, Step.PROVINCE_COUNCIL, Step.DECISION], form.code
            rule = form.council_vote_rule
            assert (rule.threshold, rule.threshold_base) == (Share.parse(COUNCIL_VOTES[form.code]), VoteBase.TOTAL)
            assert rule.quorum == Share.parse("> 1/2")
            assert form.step_rules.get(step=Step.PROVINCE_COUNCIL).position == len(path) - 1
        else:
            assert Step.PROVINCE_COUNCIL not in path, form.code
            assert not CouncilVoteRule.objects.filter(award_form=form).exists(), form.code
    # 9 members: Chiến sĩ thi đua cấp tỉnh needs 7 votes (6/9 < 70%), Cờ thi đua 6 (= 2/3)
    minimum = {form.code: vote_rule_for(form).threshold.minimum(9) for form in campaign.award_forms.all()
               if form.code in COUNCIL_VOTES}
    assert minimum == {"chien-si-thi-dua-tinh": 7, "co-thi-dua-tinh": 6}


def test_a_campaign_loaded_from_version_1_keeps_its_path(world, tmp_path):
    """Rulebooks are frozen per campaign: the campaign loaded from version 1 keeps its steps; the file's
    version 2 does not load over it (same plan number: refused, naming the line, nothing written) and
    serves a new campaign."""
    text = (RULEBOOKS / ANNUAL).read_text(encoding="utf-8")
    old_file = tmp_path / ANNUAL
    old_file.write_text(without_the_council_steps(text), encoding="utf-8")
    old = load_file(old_file)
    assert old.rulebook == "lang-son-thuong-xuyen-2025@1"
    paths = {form.code: [r.step for r in form.step_rules.all()] for form in old.award_forms.all()}
    assert not any(Step.PROVINCE_COUNCIL in path for path in paths.values())
    before = (Campaign.objects.count(), StepRule.objects.count(), CouncilVoteRule.objects.count())
    with pytest.raises(RulebookError) as caught:
        load_file(RULEBOOKS / ANNUAL)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.strip().startswith("plan_number:"))
    assert any(f"dòng {line}:" in message and "01/HD-HĐTĐKT-2025" in message for message in caught.value.lines())
    assert (Campaign.objects.count(), StepRule.objects.count(), CouncilVoteRule.objects.count()) == before
    assert {form.code: [r.step for r in form.step_rules.all()] for form in old.award_forms.all()} == paths
    new_file = tmp_path / "next.yaml"
    new_file.write_text(text.replace("01/HD-HĐTĐKT-2025", "02/HD-HĐTĐKT-2025"), encoding="utf-8")
    new = load_file(new_file)
    assert new.rulebook == "lang-son-thuong-xuyen-2025@2"
    assert new.award_forms.get(code="co-thi-dua-tinh").step_rules.filter(step=Step.PROVINCE_COUNCIL).exists()
    assert not old.award_forms.get(code="co-thi-dua-tinh").step_rules.filter(step=Step.PROVINCE_COUNCIL).exists()


def test_the_unit_head_decides_the_titles_of_the_unit(world, time_machine):
    """Lao động tiên tiến: `acting_unit: own` puts the decision at the proposing unit, by its head;
    the province's chairman does not decide it."""
    campaign = load_file(RULEBOOKS / "lang-son-thuong-xuyen-2025.yaml")
    form = campaign.award_forms.get(code="lao-dong-tien-tien")
    time_machine.move_to(dt.datetime(2026, 1, 12, 9, 0, tzinfo=ICT), tick=False)
    dossier = services.dossier_create(campaign=campaign, award_form=form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, individuals=[
        {"full_name": "Nguyễn Văn An", "citizen_id": "020190001234", "position": "Chuyên viên"}])
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry), until=DossierStatus.AWAITING_DECISION)
    task = dossier.tasks.get(step=Step.DECISION)
    assert (task.unit_id, task.role) == (world.unit.pk, Role.UNIT_HEAD)
    from dossiers.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.dossier_decide(dossier=dossier, actor=world.chris, outcomes={n.pk: True for n in dossier.nominees.all()})


def test_a_shipped_file_with_one_error_loads_nothing(world, tmp_path):
    """A registration window that opens before the year it belongs to: the error names its line, and
    no campaign, form, step, criterion or registration window is written."""
    agencies(world)
    text = (RULEBOOKS / "lang-son-thuong-xuyen-2025.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if "registration:" in line)
    lines[number - 1] = lines[number - 1].replace("2025-03-31", "2024-03-31")
    path = tmp_path / "annual.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = (Campaign.objects.count(), StepRule.objects.count())
    with pytest.raises(RulebookError) as caught:
        load_file(path)
    assert any(f"annual.yaml, dòng {number}:" in text and "registration" in text for text in caught.value.lines())
    assert (Campaign.objects.count(), StepRule.objects.count()) == before
