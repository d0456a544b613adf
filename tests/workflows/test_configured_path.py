"""Issue 12: the path as configuration. The kinds of step are code; which steps a form uses, in which
order, is data (StepRule rows and their position). The new kinds: consultation, posting, the
provincial council, the tờ trình upward and the central decision."""

import datetime as dt

import pytest
from django_fsm import TransitionNotAllowed

from dossiers.errors import InvalidState, MissingRequirements, NotPermitted
from dossiers.models import (
    AwardForm, ConsultedAgency, DocumentRequirement, DossierEvent, DossierStatus, Role, Step, StepRule, Unit,
)
from workflows import services
from workflows.flows import ACTIVE
from workflows.models import DossierTask
from workflows.walk import Actors, add_nominees, prepare

pytestmark = pytest.mark.django_db
S = DossierStatus


def open_tasks(dossier):
    return list(DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE, flow_task_type="HUMAN"))


def assert_one_open_task_per_step_and_unit(dossier):
    """The invariant, for every kind: the open tasks are those of the dossier's step (one per
    consulted agency at a consultation, else exactly one), never two for the same step and unit."""
    dossier.refresh_from_db()
    tasks = open_tasks(dossier)
    keys = [(t.step, t.unit_id) for t in tasks]
    assert len(keys) == len(set(keys)), keys
    if dossier.is_final:
        assert tasks == []
        return
    step = dossier.current_step
    if step is None:
        assert [t.step for t in tasks] == ["revision"]
        return
    assert {t.step for t in tasks} == {step}
    config = dossier.step_config(step)
    if config.kind.is_consultation:
        answered = set(dossier.consultation_answers.values_list("agency_id", flat=True))
        assert {t.unit_id for t in tasks} == {unit for unit, _days in config.consulted} - answered
    else:
        assert len(tasks) == 1 and tasks[0].unit_id == config.acting_unit_id and tasks[0].role == config.role
    assert all(t.due_at is not None for t in tasks)


def form_with(world, steps, *, code="nhieu-buoc", silence=False, agencies=()):
    """An award form whose path is `steps` [(Step, lead days)] in that order (positions 1..n)."""
    form = AwardForm.objects.create(campaign=world.campaign, code=code, name=f"Hình thức {code}",
                                    deciding_unit=world.province, signer_office="CHỦ TỊCH UBND TỈNH")
    for position, (step, days) in enumerate(steps, start=1):
        rule = StepRule.objects.create(award_form=form, step=step, lead_days=days, position=position,
                                       silence_means_agreement=silence and step == Step.CONSULTATION)
        if step == Step.CONSULTATION:
            for unit, agency_days in agencies:
                ConsultedAgency.objects.create(step_rule=rule, unit=unit, lead_days=agency_days)
    for requirement in world.form.requirements.all():
        if requirement.step in dict(steps):
            DocumentRequirement.objects.create(award_form=form, step=requirement.step,
                                               document_type=requirement.document_type, scope=requirement.scope)
    return form


@pytest.fixture
def agencies(world):
    world.police = Unit.objects.create(name="Công an tỉnh", level=world.levels["tinh"], parent=world.province)
    world.tax = Unit.objects.create(name="Cục Thuế tỉnh", level=world.levels["tinh"], parent=world.province)
    world.police_head = world.user("police_head", world.police, Role.UNIT_HEAD, title="Giám đốc")
    world.tax_head = world.user("tax_head", world.tax, Role.UNIT_HEAD, title="Cục trưởng")
    return world


UNIT_STEPS = [(Step.PROPOSAL, 5), (Step.COUNCIL, 5), (Step.REPORTS, 5), (Step.SUBMISSION, 2)]
ANNUAL = UNIT_STEPS + [(Step.HOME_AFFAIRS, 5), (Step.CONSULTATION, 5), (Step.POSTING, 5),
                       (Step.PROVINCE_COUNCIL, 5), (Step.DECISION, 5)]
UPWARD = UNIT_STEPS + [(Step.HOME_AFFAIRS, 5), (Step.PROVINCE_COUNCIL, 5), (Step.UPWARD, 3),
                       (Step.CENTRAL_DECISION, 60)]


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


def council_votes(world, dossier):
    """The provincial council's guard wants its meeting and a vote for every nominee (test_council_upward)."""
    from dossiers.services import province_council_record

    members = [{"name": f"Thành viên {i}", "position": "Ủy viên"} for i in range(1, 10)]
    province_council_record(dossier=dossier, actor=world.nora, held_on=dt.date(2023, 12, 5), place="UBND tỉnh",
                            chair_name="Chủ tịch", chair_position="Chủ tịch Hội đồng", members_total=9,
                            attendees=members, votes={n.pk: 9 for n in dossier.nominees.all()})
    dossier.refresh_from_db()
    return dossier


def submitted(world, form):
    dossier = services.dossier_create(campaign=world.campaign, award_form=form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    dossier = prepare(dossier, actors(world))
    return services.dossier_submit(dossier=dossier, actor=world.henry)


# --- the path is data -------------------------------------------------------------------------------
def test_default_positions_keep_the_canonical_order_of_the_2023_path(world):
    from dossiers.models import Dossier

    dossier = Dossier(campaign=world.campaign, award_form=world.form, unit=world.unit)
    assert set(world.form.step_rules.values_list("position", flat=True)) == {0}
    assert dossier.path() == [Step.PROPOSAL, Step.COUNCIL, Step.REPORTS, Step.SUBMISSION, Step.APPRAISAL,
                              Step.HOME_AFFAIRS, Step.DECISION]


def test_positions_order_the_path_and_a_central_decision_replaces_the_decision(world, agencies):
    from dossiers.models import Dossier

    # the consultation before the appraisal: not the canonical order, only the form's
    order = UNIT_STEPS + [(Step.CONSULTATION, 5), (Step.APPRAISAL, 7), (Step.DECISION, 5)]
    form = form_with(world, order, agencies=[(world.police, None)])
    dossier = Dossier(campaign=world.campaign, award_form=form, unit=world.unit)
    assert dossier.path() == [step for step, _days in order]
    assert [c.step for c in dossier.configured_path()] == dossier.path()
    upward = Dossier(campaign=world.campaign, award_form=form_with(world, UPWARD, code="len-tren"), unit=world.unit)
    assert upward.path()[-3:] == [Step.PROVINCE_COUNCIL, Step.UPWARD, Step.CENTRAL_DECISION]
    assert Step.DECISION not in upward.path()      # the path has one concluding step


# --- consultation -------------------------------------------------------------------------------------
def reach_consultation(world, *, silence=False):
    form = form_with(world, ANNUAL, silence=silence, agencies=[(world.police, 3), (world.tax, None)])
    dossier = submitted(world, form)
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status == S.IN_CONSULTATION
    return dossier


def test_consultation_opens_one_task_per_agency_each_with_its_own_due_date(world, agencies, in_window):
    from dossiers.calendar import due_at

    dossier = reach_consultation(world)
    assert_one_open_task_per_step_and_unit(dossier)
    tasks = {t.unit_id: t for t in open_tasks(dossier)}
    assert set(tasks) == {world.police.pk, world.tax.pk}
    assert tasks[world.police.pk].role == tasks[world.tax.pk].role == Role.UNIT_HEAD
    # police: its own 3 days; tax: the step's 5 days
    created = tasks[world.police.pk].created
    assert tasks[world.police.pk].due_at == due_at(created, 3)
    assert tasks[world.tax.pk].due_at == due_at(created, 5)
    assert tasks[world.police.pk].due_at < tasks[world.tax.pk].due_at


def test_one_late_answer_without_silence_rule_stays_open_escalates_then_completes(world, agencies, in_window,
                                                                                  time_machine):
    from workflows import deadlines
    from dossiers.selectors import consultation_outcome
    from workflows.consultation import consultation_answer, consultation_scan
    from workflows.models import AlertKind, DeadlineAlert

    dossier = reach_consultation(world, silence=False)
    consultation_answer(dossier=dossier, actor=world.police_head, agency=world.police, verdict="agree")
    dossier.refresh_from_db()
    assert dossier.status == S.IN_CONSULTATION            # one agency still to answer
    assert_one_open_task_per_step_and_unit(dossier)
    tax_task = open_tasks(dossier)[0]
    assert tax_task.unit_id == world.tax.pk
    time_machine.move_to(tax_task.due_at + dt.timedelta(days=1), tick=False)
    assert consultation_scan() == 0                       # silence does not count on this form
    dossier.refresh_from_db()
    assert dossier.status == S.IN_CONSULTATION and open_tasks(dossier) == [tax_task]
    deadlines.scan()                                      # the overdue agency escalates like any task
    assert DeadlineAlert.objects.filter(task=tax_task, kind=AlertKind.OVERDUE).exists()
    answer = consultation_answer(dossier=dossier, actor=world.tax_head, agency=world.tax, verdict="disagree",
                                 reasons="Doanh nghiệp còn nợ thuế quý III/2023.")
    assert answer.is_late
    dossier.refresh_from_db()
    assert dossier.status == S.POSTED                     # the last answer completes the step
    assert_one_open_task_per_step_and_unit(dossier)
    outcome = {row.agency_id: row.answer for row in consultation_outcome(dossier)}
    assert outcome[world.police.pk].verdict == "agree" and not outcome[world.police.pk].is_late
    assert outcome[world.tax.pk].verdict == "disagree" and "nợ thuế" in outcome[world.tax.pk].reasons
    assert DossierEvent.objects.filter(dossier=dossier, from_status=S.IN_CONSULTATION, to_status=S.POSTED,
                                       actor=world.tax_head).exists()


def test_silence_after_the_deadline_counts_as_agreement_where_the_rulebook_says_so(world, agencies, in_window,
                                                                                   time_machine):
    from workflows.consultation import consultation_answer, consultation_scan

    dossier = reach_consultation(world, silence=True)
    consultation_answer(dossier=dossier, actor=world.police_head, agency=world.police, verdict="agree")
    tax_task = open_tasks(dossier)[0]
    time_machine.move_to(tax_task.due_at - dt.timedelta(minutes=1), tick=False)
    assert consultation_scan() == 0                       # not yet past the deadline
    time_machine.move_to(tax_task.due_at + dt.timedelta(minutes=1), tick=False)
    assert consultation_scan() == 1
    assert consultation_scan() == 0                       # recorded once
    dossier.refresh_from_db()
    assert dossier.status == S.POSTED
    silent = dossier.consultation_answers.get(agency=world.tax)
    assert silent.verdict == "silent" and silent.answered_by is None and silent.agrees
    tax_task.refresh_from_db()
    assert tax_task.data["outcome"] == "silence" and tax_task.status == "DONE"
    assert_one_open_task_per_step_and_unit(dossier)


def test_consultation_guards_refuse_with_clear_messages(world, agencies, in_window):
    from dossiers.errors import InvalidInput
    from workflows.consultation import consultation_answer

    dossier = reach_consultation(world)
    with pytest.raises(NotPermitted):                     # another unit's person
        consultation_answer(dossier=dossier, actor=world.charlie, agency=world.police, verdict="agree")
    with pytest.raises(NotPermitted):                     # the police's head does not answer for the tax office
        consultation_answer(dossier=dossier, actor=world.police_head, agency=world.tax, verdict="agree")
    with pytest.raises(InvalidInput, match="lý do"):
        consultation_answer(dossier=dossier, actor=world.tax_head, agency=world.tax, verdict="disagree", reasons=" ")
    with pytest.raises(InvalidInput, match="Đồng ý"):
        consultation_answer(dossier=dossier, actor=world.tax_head, agency=world.tax, verdict="maybe")
    consultation_answer(dossier=dossier, actor=world.police_head, agency=world.police, verdict="agree")
    with pytest.raises(InvalidState, match="đã cho ý kiến"):
        consultation_answer(dossier=dossier, actor=world.police_head, agency=world.police, verdict="disagree",
                            reasons="Đổi ý")
    # the FSM guard itself: the step cannot complete while an agency is unheard, and says which
    dossier.refresh_from_db()
    assert dossier.step_problems(Step.CONSULTATION) == ["Chưa có ý kiến hiệp y của Cục Thuế tỉnh."]
    with pytest.raises(TransitionNotAllowed):
        dossier.complete_consultation()
    # nobody approves a consultation: it is not a review step
    with pytest.raises(InvalidState):
        services.dossier_approve_step(dossier=dossier, actor=world.nora)


def test_a_consulted_agency_sees_the_dossier_and_has_the_task_in_its_inbox(world, agencies, in_window):
    from dossiers.rules import can_view_dossier
    from dossiers.selectors import visible_dossiers
    from workflows.selectors import inbox

    dossier = reach_consultation(world)
    assert can_view_dossier(world.police_head, dossier)
    assert dossier in visible_dossiers(world.police_head)
    assert [t.dossier_id for t in inbox(world.police_head)] == [dossier.pk]
    assert not can_view_dossier(world.charlie, dossier)
    assert dossier not in visible_dossiers(world.charlie)


def test_withdrawing_during_consultation_closes_every_agency_task(world, agencies, in_window):
    dossier = reach_consultation(world)
    services.dossier_withdraw(dossier=dossier, actor=world.henry, reason="Đơn vị rút để bổ sung năm sau.")
    dossier.refresh_from_db()
    assert dossier.status == S.WITHDRAWN
    assert open_tasks(dossier) == []
    assert dossier.tasks.first().process.finished is not None


# --- the council, upward and the central decision ------------------------------------------------------
def test_province_council_return_resumes_at_the_council(world, agencies, in_window):
    form = form_with(world, UNIT_STEPS + [(Step.HOME_AFFAIRS, 5), (Step.PROVINCE_COUNCIL, 5), (Step.DECISION, 5)],
                     code="hoi-dong")
    dossier = submitted(world, form)
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status == S.AT_PROVINCE_COUNCIL
    assert_one_open_task_per_step_and_unit(dossier)
    services.dossier_return(dossier=dossier, actor=world.nora, reasons=["Bổ sung xác nhận của cơ quan thuế."])
    dossier.refresh_from_db()
    assert dossier.status == S.RETURNED and dossier.returned_from == Step.PROVINCE_COUNCIL
    assert_one_open_task_per_step_and_unit(dossier)
    from dossiers.services import return_reply

    return_reply(dossier=dossier, actor=world.alice, replies={0: "Đã bổ sung xác nhận của Cục Thuế."})
    dossier = services.dossier_resubmit(dossier=dossier, actor=world.alice)
    assert dossier.status == S.AT_PROVINCE_COUNCIL       # resumes at the step that returned it
    assert_one_open_task_per_step_and_unit(dossier)
    dossier = services.dossier_approve_step(dossier=council_votes(world, dossier), actor=world.nora)
    assert dossier.status == S.AWAITING_DECISION


def test_upward_path_ends_with_the_central_decision(world, in_window):
    from workflows.upward import dossier_record_central_decision, dossier_send_upward

    dossier = submitted(world, form_with(world, UPWARD, code="len-tren"))
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status == S.AT_PROVINCE_COUNCIL
    dossier = services.dossier_approve_step(dossier=council_votes(world, dossier), actor=world.nora)
    assert dossier.status == S.AWAITING_UPWARD
    with pytest.raises(NotPermitted):                     # the Chủ tịch signs the tờ trình, not Sở Nội vụ
        dossier_send_upward(dossier=dossier, actor=world.nora, number="1/TTr-UBND", signed_on=dt.date(2023, 12, 5))
    dossier_send_upward(dossier=dossier, actor=world.chris, number="1/TTr-UBND", signed_on=dt.date(2023, 12, 5))
    dossier.refresh_from_db()
    assert dossier.status == S.AWAITING_CENTRAL
    assert_one_open_task_per_step_and_unit(dossier)
    dossier_record_central_decision(dossier=dossier, actor=world.nora, number="1/QĐ-TTg", signed_on=dt.date(2023, 12, 5),
                                    issuer="Thủ tướng Chính phủ", outcomes={n.pk: True for n in dossier.nominees.all()})
    dossier.refresh_from_db()
    assert dossier.status == S.DECIDED and dossier.decided_at is not None
    assert_one_open_task_per_step_and_unit(dossier)


def test_a_new_review_kind_refuses_while_its_documents_are_missing(world, in_window):
    from dossiers.models import DocumentType

    form = form_with(world, UPWARD, code="len-tren")
    upward_letter = DocumentType.objects.create(code="to-trinh-cap-tren", name="Tờ trình đề nghị cấp trên")
    DocumentRequirement.objects.create(award_form=form, step=Step.UPWARD, document_type=upward_letter)
    dossier = submitted(world, form)
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    dossier = services.dossier_approve_step(dossier=council_votes(world, dossier), actor=world.nora)
    assert dossier.status == S.AWAITING_UPWARD
    events = DossierEvent.objects.filter(dossier=dossier).count()
    with pytest.raises(MissingRequirements) as refused:   # the declared guard names what is missing
        services.dossier_approve_step(dossier=dossier, actor=world.chris)
    assert refused.value.problems == ["Chưa có tờ trình đề nghị cấp trên đã ký.", "Thiếu Tờ trình đề nghị cấp trên."]
    dossier.refresh_from_db()
    assert dossier.status == S.AWAITING_UPWARD
    assert DossierEvent.objects.filter(dossier=dossier).count() == events


# --- posting ------------------------------------------------------------------------------------------
POSTED_PATH = UNIT_STEPS + [(Step.HOME_AFFAIRS, 5), (Step.POSTING, 3), (Step.PROVINCE_COUNCIL, 5),
                            (Step.DECISION, 5)]


def reach_posting(world):
    dossier = submitted(world, form_with(world, POSTED_PATH, code="cong-khai"))
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.nora)
    assert dossier.status == S.POSTED
    return dossier


def test_posting_publishes_for_the_steps_working_days_then_ends_by_itself(world, in_window, time_machine):
    from dossiers.calendar import due_at
    from workflows.posting import posting_scan, public_postings

    dossier = reach_posting(world)
    assert_one_open_task_per_step_and_unit(dossier)
    task = open_tasks(dossier)[0]
    posting = dossier.postings.get()
    assert posting.closes_at == task.due_at == due_at(task.created, 3)
    assert [p.dossier_id for p in public_postings()] == [dossier.pk]
    # nobody approves a posting before its period is over: the guard says until when
    assert "Chưa hết thời gian công khai" in dossier.step_problems(Step.POSTING)[0]
    with pytest.raises(TransitionNotAllowed):
        dossier.end_posting()
    dossier.refresh_from_db()
    assert posting_scan() == 0
    time_machine.move_to(posting.closes_at + dt.timedelta(minutes=1), tick=False)
    assert posting_scan() == 1
    assert posting_scan() == 0
    dossier.refresh_from_db()
    assert dossier.status == S.AT_PROVINCE_COUNCIL
    assert_one_open_task_per_step_and_unit(dossier)
    posting.refresh_from_db()
    assert posting.closed_at is not None and list(public_postings()) == []
    assert DossierEvent.objects.filter(dossier=dossier, from_status=S.POSTED, to_status=S.AT_PROVINCE_COUNCIL,
                                       actor__isnull=True).exists()


def test_an_open_objection_blocks_the_posting_until_the_office_resolves_it(world, in_window, time_machine):
    from dossiers.errors import InvalidInput
    from workflows.models import Notification
    from workflows.posting import objection_resolve, objection_submit, posting_scan

    dossier = reach_posting(world)
    posting = dossier.postings.get()
    with pytest.raises(InvalidInput):
        objection_submit(posting_id=posting.pk, text="   ")
    with pytest.raises(NotPermitted):                     # an outsider cannot record one as the office
        objection_submit(posting_id=posting.pk, text="Ý kiến", actor=world.charlie)
    objection = objection_submit(posting_id=posting.pk, text="Đơn vị chưa hoàn thành chỉ tiêu số hóa quý IV.",
                                 sender_name="Nguyễn Văn Bình")
    assert objection.source == "public" and objection.is_open
    assert Notification.objects.filter(user=world.nora, dossier=dossier, kind="objection").exists()
    time_machine.move_to(posting.closes_at + dt.timedelta(hours=1), tick=False)
    assert posting_scan() == 0                            # blocked for review
    dossier.refresh_from_db()
    assert dossier.status == S.POSTED
    assert dossier.step_problems(Step.POSTING) == ["Còn 1 ý kiến phản ánh chưa được xem xét."]
    with pytest.raises(NotPermitted):
        objection_resolve(objection=objection, actor=world.alice, resolution="Không đúng")
    with pytest.raises(InvalidInput):
        objection_resolve(objection=objection, actor=world.nora, resolution=" ")
    objection_resolve(objection=objection, actor=world.nora,
                      resolution="Đã kiểm tra số liệu: đơn vị đạt 72%, ý kiến không có cơ sở.")
    dossier.refresh_from_db()
    assert dossier.status == S.AT_PROVINCE_COUNCIL        # the period was over: it ends at once
    assert_one_open_task_per_step_and_unit(dossier)
    with pytest.raises(InvalidState):                     # no longer on public
        objection_submit(posting_id=posting.pk, text="Ý kiến muộn")


def test_an_upheld_objection_returns_the_dossier_and_resubmission_posts_again(world, in_window, time_machine):
    from dossiers.services import return_reply
    from workflows.posting import objection_resolve, objection_submit

    dossier = reach_posting(world)
    first = dossier.postings.get()
    objection = objection_submit(posting_id=first.pk, text="Cá nhân được đề nghị đang bị xem xét kỷ luật.",
                                 actor=world.nora)
    assert objection.source == "office" and objection.received_by == world.nora
    objection_resolve(objection=objection, actor=world.nora, resolution="Có cơ sở: trả lại đơn vị để giải trình.")
    services.dossier_return(dossier=dossier, actor=world.nora, reasons=["Giải trình về việc xem xét kỷ luật."])
    dossier.refresh_from_db()
    assert dossier.status == S.RETURNED and dossier.returned_from == Step.POSTING
    assert_one_open_task_per_step_and_unit(dossier)
    time_machine.move_to(dt.datetime(2023, 12, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    return_reply(dossier=dossier, actor=world.alice, replies={0: "Đã có kết luận không kỷ luật (kèm văn bản)."})
    dossier = services.dossier_resubmit(dossier=dossier, actor=world.alice)
    assert dossier.status == S.POSTED                     # resumes at the posting step
    assert_one_open_task_per_step_and_unit(dossier)
    first.refresh_from_db()
    second = dossier.postings.get(closed_at__isnull=True)
    assert first.closed_at is not None and second.pk != first.pk
    task = open_tasks(dossier)[0]
    from dossiers.calendar import due_at

    assert second.closes_at == task.due_at == due_at(task.created, 3)   # posted again for the full period


def test_the_database_refuses_a_second_open_task_for_one_step_and_unit(world, agencies, in_window):
    from django.db import IntegrityError, transaction

    dossier = reach_consultation(world)
    task = open_tasks(dossier)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierTask.objects.create(process=task.process, flow_task=task.flow_task, flow_task_type="HUMAN",
                                   dossier=dossier, step=task.step, unit=task.unit, role=task.role,
                                   status=task.status)


def test_the_periodic_job_records_silence_before_the_deadline_scan_so_no_false_overdue(world, agencies, in_window,
                                                                                     time_machine):
    from workflows.consultation import consultation_answer
    from workflows.models import DeadlineAlert
    from workflows.tasks import deadline_scan

    dossier = reach_consultation(world, silence=True)
    consultation_answer(dossier=dossier, actor=world.police_head, agency=world.police, verdict="agree")
    tax_task = open_tasks(dossier)[0]
    time_machine.move_to(tax_task.due_at + dt.timedelta(minutes=5), tick=False)
    deadline_scan()
    dossier.refresh_from_db()
    assert dossier.status == S.POSTED
    assert not DeadlineAlert.objects.filter(task=tax_task, kind="overdue").exists()
