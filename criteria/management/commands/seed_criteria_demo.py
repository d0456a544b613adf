"""Demo: the 170/KH-UBND criteria on every campaign's award forms, one metrics import per campaign
(plausible figures generated deterministically for whatever units exist, through the real import),
and an evaluation of every submitted dossier. Idempotent."""

import csv
import hashlib
import io
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import BaseCommand
from django.db import transaction

from dossiers.models import (
    Campaign, DossierEvent, DossierStatus, EventKind, Membership, Nominee, NomineeKind, Role, Unit,
)

from ...metrics import metrics_import
from ...models import Assessment, AssessorRole, CriteriaOverride, Criterion, Evaluation, MetricImport
from ...selectors import evaluation_summary
from ...services import describe_failure, evaluate_nominee, latest_import
from ...setup import COLLECTIVE_170, INDIVIDUAL_170, seed_criteria

CODES_170 = [spec["code"] for spec in COLLECTIVE_170 + INDIVIDUAL_170]

LEVEL_TARGET = {"tinh": 70, "huyen": 60, "xa": 55}
# Figures the demo story already tells (seed_demo: a withdrawn district, a rejected commune at 31%).
STORY = {"UBND xã Hợp Thành": Decimal("31.0"), "UBND huyện Văn Lãng": Decimal("52.4")}
FORWARDED = [DossierStatus.APPRAISED, DossierStatus.AWAITING_DECISION, DossierStatus.DECIDED]
OVERRIDE_REASON = ("Tỷ lệ chung chưa đạt do tồn đọng hồ sơ giấy từ năm 2018; từ tháng 10/2023 đơn vị số hóa 100% "
                   "hồ sơ mới tiếp nhận (xác minh trên Hệ thống thông tin giải quyết TTHC). Đề nghị Hội đồng xem xét.")


def _h(*parts) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def demo_figures(unit: Unit, campaign: Campaign) -> list:
    h = _h(unit.name, campaign.plan_number)
    received = 300 + h % 4700
    target = Decimal(LEVEL_TARGET.get(unit.level.code, 60))
    rate = STORY.get(unit.name, target - 8 + Decimal(h // 7 % 280) / 10)      # target −8 … +19.9 points
    digitized = int((received * rate / 100).to_integral_value(ROUND_HALF_UP))
    service_plan = 40 + h // 11 % 31
    service = Decimal(service_plan) + 2 + Decimal(h // 13 % 120) / 10        # plan +2 … +13.9
    dossier_plan = 30 + h // 17 % 31
    online = int((received * (Decimal(dossier_plan) + 4 + Decimal(h // 19 % 100) / 10) / 100)
                 .to_integral_value(ROUND_HALF_UP))
    return [unit.pk, unit.name, received, digitized, online, service_plan, f"{service:.1f}", dossier_plan]


class Command(BaseCommand):
    help = "Seed the 170/KH-UBND criteria, a metrics import per campaign, and evaluations (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        units = list(Unit.objects.select_related("level").order_by("level__rank", "name"))
        for campaign in Campaign.objects.prefetch_related("award_forms", "targets").order_by("pk"):
            has_targets = campaign.targets.exists()
            for form in campaign.award_forms.all():
                if not form.criteria.exclude(code__in=CODES_170).exists():   # a rulebook's own criteria stay its own
                    seed_criteria(form, collective=has_targets)
            appraiser = self.appraiser(campaign)
            if has_targets and not MetricImport.objects.filter(campaign=campaign).exists():
                out = io.StringIO()
                writer = csv.writer(out)
                writer.writerow(["Mã đơn vị", "Tên đơn vị", "Hồ sơ tiếp nhận", "Hồ sơ đã số hóa", "Hồ sơ trực tuyến",
                                 "Kế hoạch DVC phát sinh hồ sơ trực tuyến (%)",
                                 "Tỷ lệ DVC phát sinh hồ sơ trực tuyến (%)", "Kế hoạch hồ sơ trực tuyến (%)"])
                for unit in units:
                    writer.writerow(demo_figures(unit, campaign))
                file = SimpleUploadedFile(f"so-lieu-tthc-{campaign.pk}.csv", out.getvalue().encode("utf-8"))
                report = metrics_import(campaign=campaign, actor=appraiser, file=file, system=True,
                                        note="Dữ liệu mẫu (sinh tự động, xác định theo tên đơn vị)")
                self.stdout.write(f"{campaign.plan_number}: imported v{report.metric_import.version}, "
                                  f"{report.units} units, {report.figures} figures")
            self.evaluate(campaign, appraiser)
            summary = evaluation_summary(campaign)
            if summary.get("total"):
                self.stdout.write(
                    f"{campaign.plan_number}: collectives {summary['total']} — pass {summary.get('passed', 0)}, "
                    f"fail {summary.get('failed', 0)}, overridden {summary.get('overridden', 0)}, "
                    f"not evaluated {summary.get('pending', 0)}")

    def appraiser(self, campaign):
        membership = (Membership.objects.filter(unit=campaign.appraising_unit, role=Role.APPRAISER)
                      .select_related("user").order_by("pk").first()) if campaign.appraising_unit_id else None
        return membership.user if membership else None

    def evaluate(self, campaign, appraiser):
        """Evaluate submitted dossiers as the appraiser would. A dossier the demo already forwarded
        past appraisal while failing gets the override that forwarding would have required, dated
        just before its appraisal event."""
        metric_import = latest_import(campaign)
        nominees = (Nominee.objects.filter(dossier__campaign=campaign, dossier__submitted_at__isnull=False)
                    .exclude(dossier__status=DossierStatus.WITHDRAWN)
                    .select_related("dossier__campaign", "dossier__unit", "unit", "person"))
        for nominee in nominees:
            if Evaluation.objects.filter(nominee=nominee).exists():
                continue
            dossier = nominee.dossier
            appraised = (DossierEvent.objects.filter(dossier=dossier, from_status=DossierStatus.SUBMITTED)
                         .order_by("created_at").first())
            when = (appraised.created_at if appraised else dossier.submitted_at) - timedelta(minutes=5)
            if nominee.kind == NomineeKind.INDIVIDUAL:
                officer = Membership.objects.filter(unit=dossier.unit, role=Role.UNIT_OFFICER).first()
                criterion = Criterion.objects.filter(award_form=dossier.award_form, nominee_kind=nominee.kind,
                                                     code="lanh-dao").first()
                if officer and criterion:
                    Assessment.objects.create(nominee=nominee, criterion=criterion, role=AssessorRole.COUNCIL,
                                              actor=officer.user, passed=True, created_at=dossier.submitted_at,
                                              comment="Hội đồng TĐKT đơn vị nhất trí: hoàn thành xuất sắc nhiệm vụ "
                                                      "(biên bản họp xét).")
            evaluation = evaluate_nominee(nominee, actor=appraiser, metric_import=metric_import)
            if evaluation is None:
                continue
            Evaluation.objects.filter(pk=evaluation.pk).update(created_at=when)
            if not evaluation.passed and dossier.status in FORWARDED and appraiser is not None:
                override = CriteriaOverride.objects.create(evaluation=evaluation, actor=appraiser,
                                                           reason=OVERRIDE_REASON, created_at=when)
                DossierEvent.objects.create(
                    dossier=dossier, actor=appraiser, kind=EventKind.NOTE, created_at=when,
                    comment=f"Vượt quyền tiêu chí cho {nominee.name}: {OVERRIDE_REASON}",
                    data={"criteria_override": override.pk, "nominee": nominee.pk, "evaluation": evaluation.pk,
                          "failed": [describe_failure(line) for line in evaluation.lines.all() if line.blocks]})
