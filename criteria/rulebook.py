"""The parts of a rulebook file the criteria app reads (registered with dossiers.rulebooks from
CriteriaConfig.ready, so the domain's loader never imports criteria):

    campaign:
      registration: [2025-01-02, 2025-03-31]     # đăng ký thi đua đầu năm, to the end of the last day
    award_forms:
      - code: …
        criteria:
          - {code: dang-ky, name: …, for: collective, mode: registered, hard: true}
          - {code: so-hoa, name: …, for: collective, mode: fixed, metric: digitization_rate, threshold: 70}

Every problem is reported with its line like the loader's own; a file with one loads nothing (the
loader checks the whole file, these sections included, before writing, and writes in one transaction)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from dossiers.models import NomineeKind

from .models import METRICS, Comparison, Criterion, RegistrationRule, ThresholdMode

COMPARISONS = {"gte": Comparison.GTE, ">=": Comparison.GTE, "≥": Comparison.GTE, "gt": Comparison.GT,
               ">": Comparison.GT, "lte": Comparison.LTE, "<=": Comparison.LTE, "≤": Comparison.LTE,
               "lt": Comparison.LT, "<": Comparison.LT}


def parse(check, data) -> dict:
    campaign = data.get("campaign") if isinstance(data, dict) else None
    registration = _registration(check, campaign) if isinstance(campaign, dict) else None
    criteria = []
    for item in data.get("award_forms") or [] if isinstance(data, dict) else []:
        if not isinstance(item, dict) or "criteria" not in item:
            continue
        seen = set()
        for order, entry in enumerate(check.field(item, "criteria", list, default=[]), start=1):
            for kind, spec in _criterion(check, entry, registration):
                key = (kind, spec["code"])
                if key in seen:
                    check.add(check.line_of(entry, "code"), _("tiêu chí “%(code)s” bị lặp.") % {"code": spec["code"]})
                    continue
                seen.add(key)
                criteria.append((str(item.get("code", "")), kind, order, spec))
    return {"registration": registration, "criteria": criteria}


def _registration(check, campaign) -> tuple[dt.date, dt.date] | None:
    if "registration" not in campaign:
        return None
    pair = campaign["registration"]
    line = check.line_of(campaign, "registration")
    if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(d, dt.date) for d in pair):
        check.add(line, _("“registration” là hai ngày [từ, đến] dạng YYYY-MM-DD (thời hạn đăng ký thi đua)."))
        return None
    if pair[1] < pair[0]:
        check.add(line, _("“registration”: ngày kết thúc trước ngày bắt đầu."))
        return None
    period = campaign.get("period")
    if isinstance(period, list) and len(period) == 2 and all(isinstance(d, dt.date) for d in period) \
            and not period[0] <= pair[0] <= period[1]:
        check.add(line, _("“registration”: đăng ký thi đua phải mở trong thời kỳ thi đua (%(start)s – %(end)s).")
                  % {"start": period[0].strftime("%d/%m/%Y"), "end": period[1].strftime("%d/%m/%Y")})
    return pair[0], pair[1]


def _kinds(check, entry) -> list[str]:
    value = entry.get("for", [NomineeKind.COLLECTIVE.value, NomineeKind.INDIVIDUAL.value])
    values = value if isinstance(value, list) else [value]
    kinds = []
    for kind in values:
        if kind not in NomineeKind.values:
            check.add(check.line_of(entry, "for"), _("“for” là “collective” (tập thể) hoặc “individual” (cá nhân), "
                                                     "không phải “%(value)s”.") % {"value": kind})
        elif kind not in kinds:
            kinds.append(kind)
    return kinds


def _criterion(check, entry, registration) -> list[tuple[str, dict]]:
    if not isinstance(entry, dict):
        check.add(1, _("mỗi tiêu chí là một nhóm mục (code, name, for, mode…)."))
        return []
    code = check.field(entry, "code", str, default="")
    name = check.field(entry, "name", str, default="")
    mode = check.field(entry, "mode", str, required=False, default=ThresholdMode.FIXED.value)
    hard = entry.get("hard", True)
    problems = len(check.problems)
    if not isinstance(hard, bool):
        check.add(check.line_of(entry, "hard"), _("“hard” là true (bắt buộc) hoặc false (chỉ cảnh báo)."))
    if mode not in ThresholdMode.values:
        check.add(check.line_of(entry, "mode"), _("cách xác định “%(mode)s” không có; các cách: %(modes)s.")
                  % {"mode": mode, "modes": ", ".join(ThresholdMode.values)})
    spec = {"code": code, "name": name[:300], "mode": mode, "is_hard": hard is True}
    if mode == ThresholdMode.REGISTERED and registration is None:
        check.add(check.line_of(entry, "mode"), _("tiêu chí theo đăng ký thi đua cần mục “registration” (thời hạn "
                                                  "đăng ký) trong “campaign”."))
    if mode in (ThresholdMode.FIXED, ThresholdMode.BY_LEVEL, ThresholdMode.PLAN_PLUS):
        metric = check.field(entry, "metric", str, default="")
        if metric and metric not in METRICS:
            check.add(check.line_of(entry, "metric"), _("chỉ số “%(metric)s” không có; các chỉ số: %(metrics)s.")
                      % {"metric": metric, "metrics": ", ".join(METRICS)})
        spec["metric"] = metric
        comparison = str(entry.get("comparison", "gte"))
        if comparison not in COMPARISONS:
            check.add(check.line_of(entry, "comparison"), _("“comparison” là >=, >, <= hoặc <."))
        spec["comparison"] = COMPARISONS.get(comparison, Comparison.GTE)
        if mode in (ThresholdMode.FIXED, ThresholdMode.PLAN_PLUS):
            try:
                spec["threshold"] = Decimal(str(entry["threshold"]))
            except (KeyError, InvalidOperation):
                check.add(check.line_of(entry, "threshold" if "threshold" in entry else None),
                          _("tiêu chí “%(code)s” cần “threshold” là một số.") % {"code": code})
        if mode == ThresholdMode.PLAN_PLUS:
            plan = check.field(entry, "plan_metric", str, default="")
            if plan and plan not in METRICS:
                check.add(check.line_of(entry, "plan_metric"), _("chỉ số “%(metric)s” không có.") % {"metric": plan})
            spec["plan_metric"] = plan
    kinds = _kinds(check, entry)
    if len(check.problems) > problems or not code or not name:
        return []
    return [(kind, spec) for kind in kinds]


def load(campaign, payload: dict) -> None:
    if payload["registration"]:
        opens, closes = payload["registration"]
        RegistrationRule.objects.create(campaign=campaign, opens=opens, closes=closes)
    forms = {form.code: form for form in campaign.award_forms.all()}
    Criterion.objects.bulk_create([Criterion(award_form=forms[form_code], nominee_kind=kind, order=order, **spec)
                                   for form_code, kind, order, spec in payload["criteria"] if form_code in forms])
