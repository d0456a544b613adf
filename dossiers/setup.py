"""Building blocks for configuring a campaign's rulebook (used by the demo, tests and benches)."""

import datetime as dt

from .models import (
    AwardForm, Campaign, CampaignTarget, DocumentRequirement, DocumentType, RequirementScope, Step, StepRule, Unit,
    UnitLevel,
)

DOCUMENT_TYPES = {
    "to-trinh": "Tờ trình đề nghị khen thưởng",
    "bien-ban-hop-xet": "Biên bản họp xét của Hội đồng TĐKT",
    "bao-cao-thanh-tich": "Báo cáo thành tích (mẫu số 07, Nghị định 91/2017/NĐ-CP)",
}

# Bằng khen của Chủ tịch UBND tỉnh: the whole path. Lead times in working days.
PROVINCIAL_PATH = {Step.PROPOSAL: 5, Step.COUNCIL: 5, Step.REPORTS: 5, Step.SUBMISSION: 2,
                   Step.APPRAISAL: 7, Step.HOME_AFFAIRS: 5, Step.DECISION: 5}
# Giấy khen of a unit head (seed 004): proposal → council → the head's decision, inside one agency.
AGENCY_PATH = {Step.PROPOSAL: 3, Step.COUNCIL: 3, Step.SUBMISSION: 2, Step.DECISION: 3}


def document_types() -> dict[str, DocumentType]:
    return {code: DocumentType.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in DOCUMENT_TYPES.items()}


def configure_award_form(award_form: AwardForm, path: dict[Step, int], *, reports: bool = True) -> AwardForm:
    types = document_types()
    for step, days in path.items():
        StepRule.objects.update_or_create(award_form=award_form, step=step, defaults={"lead_days": days})
    DocumentRequirement.objects.get_or_create(award_form=award_form, step=Step.PROPOSAL,
                                              document_type=types["to-trinh"])
    DocumentRequirement.objects.get_or_create(award_form=award_form, step=Step.COUNCIL,
                                              document_type=types["bien-ban-hop-xet"])
    if reports and Step.REPORTS in path:
        DocumentRequirement.objects.get_or_create(award_form=award_form, step=Step.REPORTS,
                                                  document_type=types["bao-cao-thanh-tich"],
                                                  defaults={"scope": RequirementScope.NOMINEE})
    return award_form


def levels() -> dict[str, UnitLevel]:
    data = [("tinh", "Cấp tỉnh", 1), ("huyen", "Cấp huyện", 2), ("xa", "Cấp xã", 3)]
    return {code: UnitLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})[0]
            for code, name, rank in data}


def provincial_campaign(*, province: Unit, appraising: Unit, home_affairs: Unit, plan_number: str, title: str,
                        period: tuple[dt.date, dt.date], window: tuple[dt.date, dt.date],
                        targets: dict[UnitLevel, float] | None = None, legal_basis: str = "") -> Campaign:
    campaign = Campaign.objects.create(
        plan_number=plan_number, title=title, legal_basis=legal_basis, issuing_unit=province,
        period_start=period[0], period_end=period[1], window_opens=window[0], window_closes=window[1],
        appraising_unit=appraising, home_affairs_unit=home_affairs)
    for level, value in (targets or {}).items():
        CampaignTarget.objects.create(campaign=campaign, level=level, value=value)
    form = AwardForm.objects.create(
        campaign=campaign, code="bang-khen", name="Bằng khen của Chủ tịch UBND tỉnh", deciding_unit=province,
        signer_office="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
    configure_award_form(form, PROVINCIAL_PATH)
    return campaign
