"""The criteria of Kế hoạch 170/KH-UBND as data (used by the demo seed, tests and benches)."""

from decimal import Decimal

from dossiers.models import AwardForm, NomineeKind

from .models import Comparison, Criterion, ThresholdMode

COLLECTIVE_170 = [
    dict(code="so-hoa", name="Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC đạt chỉ tiêu theo cấp",
         mode=ThresholdMode.BY_LEVEL, metric="digitization_rate"),
    dict(code="dvc-truc-tuyen", name="Tỷ lệ dịch vụ công phát sinh hồ sơ trực tuyến vượt kế hoạch giao ít nhất 5%",
         mode=ThresholdMode.PLAN_PLUS, metric="online_service_rate", plan_metric="online_service_plan",
         threshold=Decimal(5)),
    dict(code="ho-so-truc-tuyen", name="Tỷ lệ hồ sơ tiếp nhận, xử lý trực tuyến vượt kế hoạch giao ít nhất 5%",
         mode=ThresholdMode.PLAN_PLUS, metric="online_dossier_rate", plan_metric="online_dossier_plan",
         threshold=Decimal(5)),
]
INDIVIDUAL_170 = [
    dict(code="lanh-dao", name="Hoàn thành xuất sắc nhiệm vụ; có năng lực lãnh đạo, chỉ đạo hoặc tham mưu "
                               "thực hiện TTHC trên môi trường điện tử", mode=ThresholdMode.JUDGED, is_hard=False),
    dict(code="sang-kien", name="Có sáng kiến, giải pháp trong số hóa hồ sơ, giải quyết TTHC được công nhận",
         mode=ThresholdMode.JUDGED, is_hard=False),
]


def _targets_text(campaign, metric: str) -> str:
    targets = campaign.targets.filter(metric=metric).select_related("level").order_by("level__rank")
    parts = [f"{target.value.normalize():f}".replace(".", ",") + f"% {target.level.name.lower()}" for target in targets]
    return f" ({', '.join(parts)})" if parts else ""


def seed_criteria(award_form: AwardForm, *, collective: bool = True) -> list[Criterion]:
    """Create (idempotently) the 170/KH-UBND criteria on an award form."""
    rows = [(NomineeKind.INDIVIDUAL, spec) for spec in INDIVIDUAL_170]
    if collective:
        rows = [(NomineeKind.COLLECTIVE, spec) for spec in COLLECTIVE_170] + rows
    created = []
    for order, (kind, spec) in enumerate(rows, start=1):
        spec = dict(spec)
        code = spec.pop("code")
        spec.setdefault("comparison", Comparison.GTE)
        spec.setdefault("is_hard", True)
        if spec["mode"] == ThresholdMode.BY_LEVEL:
            # the figures in the name are the campaign's own targets, never another campaign's
            spec["name"] = f"{spec['name']}{_targets_text(award_form.campaign, spec['metric'])}"
        criterion, _new = Criterion.objects.update_or_create(
            award_form=award_form, nominee_kind=kind, code=code, defaults={**spec, "order": order})
        created.append(criterion)
    return created
