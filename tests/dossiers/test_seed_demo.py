import pytest
from django.core.management import call_command

from dossiers.models import STATUS_AT_STEP, Campaign, Dossier, DossierStatus
from workflows.flows import ACTIVE
from workflows.models import DossierTask

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_an_open_campaign_and_a_decision(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "canbo_tuphap" in out and "khenthuong2023" in out
    plan = Campaign.objects.get(plan_number="170/KH-UBND")
    # every status of the kinds on the 2023 campaign's paths (issue 12's kinds are other campaigns')
    on_paths = {step for dossier in plan.dossiers.all() for step in dossier.path()}
    other_kinds = {STATUS_AT_STEP[step] for step in STATUS_AT_STEP if step not in on_paths}
    assert set(plan.dossiers.values_list("status", flat=True)) == set(DossierStatus.values) - other_kinds
    assert other_kinds == {"in_consultation", "posted", "at_province_council", "awaiting_upward", "awaiting_central"}
    assert any(c.is_window_open() for c in Campaign.objects.exclude(pk=plan.pk))
    for dossier in Dossier.objects.all():
        open_tasks = DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE).count()
        expected = (0 if dossier.status in ("decided", "withdrawn", "rejected") else
                    len(dossier.step_config(dossier.current_step).consulted) or 1   # one task per consulted agency
                    if dossier.current_step else 1)
        assert open_tasks == expected, dossier
    from certificates.models import Decision
    decision = Decision.objects.get(number="2345/QĐ-UBND")
    assert decision.certificates.count() == 3
    call_command("seed_demo")        # idempotent
    assert Campaign.objects.filter(plan_number="170/KH-UBND").count() == 1


def test_demo_documents_are_real_multipage_pdfs_from_the_nominees_data():
    import io

    from pypdf import PdfReader

    from dossiers.models import Document

    call_command("seed_demo", verbosity=0)
    dossier = Dossier.objects.get(campaign__plan_number="170/KH-UBND", unit__name="Sở Tư pháp")
    for code in ("to-trinh", "bien-ban-hop-xet", "bao-cao-thanh-tich"):
        document = Document.objects.filter(dossier=dossier, document_type__code=code, is_current=True).first()
        with document.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert len(reader.pages) >= 2, code
        assert document.size > 5000, code
        names = [n.name for n in dossier.nominees.all()]
        assert any(name in " ".join(text.split()) for name in names), code


def test_demo_loads_every_shipped_rulebook_with_dossiers_in_each_kind():
    """Issue 12: every file of rulebooks/ is loaded, each kind has dossiers, the annual campaign has
    registrations in each state, and its dossiers were checked against them."""
    from criteria.models import EmulationRegistration, Evaluation

    call_command("seed_demo", verbosity=0)
    from tests.dossiers.test_shipped_rulebooks import RULEBOOKS

    shipped = {path.stem for path in RULEBOOKS.glob("*.yaml")}
    loaded = {c.rulebook.split("@")[0] for c in Campaign.objects.exclude(rulebook="")}
    assert shipped <= loaded
    for identifier in shipped:
        assert Dossier.objects.filter(campaign__rulebook__startswith=f"{identifier}@").exists(), identifier
    annual = Campaign.objects.get(rulebook="lang-son-thuong-xuyen-2025@2")
    assert set(EmulationRegistration.objects.filter(campaign=annual).values_list("status", flat=True)) == {
        "submitted", "confirmed", "returned"}
    forms = set(annual.dossiers.values_list("award_form__code", flat=True))
    assert forms == set(annual.award_forms.values_list("code", flat=True))
    lines = Evaluation.objects.filter(nominee__dossier__campaign=annual).values_list("lines__criterion_name", flat=True)
    assert "Đã đăng ký thi đua đầu năm" in set(lines)
    sudden = Campaign.objects.get(rulebook="lang-son-dot-xuat-2025@1")
    assert {DossierStatus.DECIDED} < set(sudden.dossiers.values_list("status", flat=True))   # one still under way


def test_demo_has_each_kind_at_the_moments_issue_12_names():
    """Each shipped kind has dossiers, and the proposals upward stand at three moments: one waiting on
    the consulted agencies' answers (one open task per agency, none answered), one whose tờ trình is
    signed and which waits for the central decision, one whose central decision is recorded; the annual
    campaign has a dossier before the provincial council's vote."""
    from dossiers.models import CentralDecision, ConsultationAnswer, Outcome, Step, UpwardProposal

    call_command("seed_demo", verbosity=0)
    for rulebook in ("lang-son-kh-170-2023@1", "ttpvhcc-giay-khen-2023@1", "lang-son-thuong-xuyen-2025@2",
                     "lang-son-dot-xuat-2025@1", "lang-son-de-nghi-cap-tren-2025@1"):
        assert Dossier.objects.filter(campaign__rulebook=rulebook).exists(), rulebook
    upward = Dossier.objects.filter(campaign__rulebook="lang-son-de-nghi-cap-tren-2025@1")

    waiting = upward.get(status=DossierStatus.IN_CONSULTATION)
    agencies = {unit_id for unit_id, _days in waiting.step_config(Step.CONSULTATION).consulted}
    assert len(agencies) == 3 and not ConsultationAnswer.objects.filter(dossier=waiting).exists()
    assert set(DossierTask.objects.filter(dossier=waiting, step=Step.CONSULTATION, status__in=ACTIVE)
               .values_list("unit_id", flat=True)) == agencies
    # still waiting after the consumer's step timers run (make run): the agencies' deadlines lie ahead
    from workflows.tasks import step_timers

    assert step_timers()["silences"] == 0
    waiting.refresh_from_db()
    assert waiting.status == DossierStatus.IN_CONSULTATION

    awaiting = upward.get(status=DossierStatus.AWAITING_CENTRAL)
    proposal = UpwardProposal.objects.get(dossier=awaiting)
    assert proposal.number and proposal.sha256 and proposal.nominees.count() == awaiting.nominees.count()
    assert not CentralDecision.objects.filter(dossier=awaiting).exists()
    assert DossierTask.objects.filter(dossier=awaiting, step=Step.CENTRAL_DECISION, status__in=ACTIVE).count() == 1

    decided = upward.get(status=DossierStatus.DECIDED)
    central = CentralDecision.objects.get(dossier=decided)
    assert central.signed_on >= UpwardProposal.objects.get(dossier=decided).signed_on
    assert set(decided.nominees.values_list("outcome", flat=True)) == {Outcome.AWARDED}
    assert decided.step_config(Step.CENTRAL_DECISION).kind.concludes

    annual = Dossier.objects.filter(campaign__rulebook="lang-son-thuong-xuyen-2025@2")
    at_council = annual.get(status=DossierStatus.AT_PROVINCE_COUNCIL)
    assert Step.PROVINCE_COUNCIL in at_council.path()
    assert Step.PROVINCE_COUNCIL not in annual.filter(award_form__code="lao-dong-tien-tien").first().path()
