"""Legal regimes and the base salary as files — `regimes/*.yaml`, loaded with
`manage.py load_regime FILE...`.

A regime file lists its texts (number, date, issuer, title), its effective dates, the "Căn cứ" lines a
decision under it cites, its form catalogue (document type → form number and name), its prize
multiples per award form with the rounding rule, and the limits it fixes, each with its source. The
base-salary file lists the dated base salaries. A file is read whole and checked whole: every error
names its line and a file with an error loads nothing. Rows are append-only: a regime (code, version)
already loaded is left as it is when the file is unchanged and refused when it differs (a change of
law is a new file or a new version); a base salary already loaded for a date must keep its amount.

The writer takes a `model` lookup so the data migration that ships the files can call it with the
historical models."""

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .models.regimes import TextKind, citation_of
from .rulebooks import RulebookError, _Check, _Loader, _Map

REGIMES_DIR = Path(settings.BASE_DIR) / "regimes"


class RegimeError(RulebookError):
    """A regime or base-salary file that cannot be loaded: every problem, each naming its line."""


@dataclasses.dataclass
class RegimeFile:
    code: str
    version: int
    name: str
    effective_from: dt.date
    effective_to: dt.date | None
    notes: str
    texts: list  # dicts: kind, number, signed_on, issuer, title, effective_from, cited, source
    citation_lines: list
    forms: list  # dicts: document_type, number, name, text, source
    rounding_unit: int
    rounding_source: str
    prizes: list  # dicts: award, label, individual, collective, source
    limits: list
    source: str


@dataclasses.dataclass
class BaseSalaryFile:
    rows: list  # dicts: amount, effective_from, text_number, text_date, source
    source: str


def _read(text: str, source: str):
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RegimeError(source, [((mark.line + 1) if mark else 1,
                                    _("không đọc được YAML: %(problem)s") % {"problem": getattr(exc, "problem", exc)})])
    if not isinstance(data, dict):
        raise RegimeError(source, [(1, _("tệp phải là một nhóm mục (regime … hoặc base_salary …)."))])
    return data


def parse(text: str, *, source: str = "regime") -> RegimeFile | BaseSalaryFile:
    """Read and check a regime or base-salary file; RegimeError lists every problem with its line."""
    data = _read(text, source)
    check = _Check()
    if "base_salary" in data:
        result = _base_salary(check, data, source)
    else:
        result = _regime(check, data, source)
    if check.problems:
        raise RegimeError(source, check.problems)
    return result


def _date(check: _Check, mapping, key, *, required=True):
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        if required:
            check.add(check.line_of(mapping, key if key in getattr(mapping, "key_lines", {}) else None),
                      _("thiếu mục “%(key)s” (một ngày YYYY-MM-DD).") % {"key": key})
        return None
    if not isinstance(value, dt.date):
        check.add(check.line_of(mapping, key), _("“%(key)s” phải là một ngày (YYYY-MM-DD).") % {"key": key})
        return None
    return value


def _multiple(check: _Check, mapping, key):
    if key not in mapping or mapping[key] is None:
        return None
    try:
        value = Decimal(str(mapping[key]))
    except InvalidOperation:
        value = None
    if value is None or isinstance(mapping[key], bool) or not 0 < value <= 100:
        check.add(check.line_of(mapping, key), _("hệ số “%(key)s” phải là một số dương (ví dụ 1.5).") % {"key": key})
        return None
    return value


def _regime(check: _Check, data, source: str) -> RegimeFile:
    code = check.field(data, "regime", str, default="")
    version = check.field(data, "version", int, default=0)
    if version is not None and version < 1:
        check.add(check.line_of(data, "version"), _("“version” phải từ 1 trở lên."))
    effective = check.field(data, "effective", list, default=[])
    start = end = None
    if effective:
        if len(effective) != 2 or not isinstance(effective[0], dt.date) or not (
                effective[1] is None or isinstance(effective[1], dt.date)):
            check.add(check.line_of(data, "effective"),
                      _("“effective” là [từ ngày, đến ngày] (YYYY-MM-DD; ngày kết thúc có thể là null)."))
        else:
            start, end = effective
            if end is not None and end < start:
                check.add(check.line_of(data, "effective"), _("“effective”: ngày kết thúc trước ngày bắt đầu."))
    texts = []
    by_number = {}
    for item in check.field(data, "texts", list, default=[]):
        kind = check.field(item, "kind", str, default="")
        if kind and kind not in TextKind.values:
            check.add(check.line_of(item, "kind"), _("loại văn bản “%(kind)s” không có; các loại: %(kinds)s.")
                      % {"kind": kind, "kinds": ", ".join(TextKind.values)})
        text = {"kind": kind, "number": check.field(item, "number", str, default=""),
                "signed_on": _date(check, item, "date"), "issuer": check.field(item, "issuer", str, default=""),
                "title": " ".join(str(check.field(item, "title", str, default="")).split()),
                "effective_from": _date(check, item, "effective", required=False),
                "cited": item.get("cite", True) is not False if isinstance(item, dict) else True,
                "source": check.field(item, "source", str, required=False, default="")}
        if text["number"] in by_number:
            check.add(check.line_of(item, "number"), _("văn bản “%(number)s” bị lặp.") % {"number": text["number"]})
        by_number[text["number"]] = text
        texts.append(text)
    if not texts:
        check.add(check.line_of(data, "texts"), _("cần ít nhất một văn bản (texts)."))
    citation_lines = []
    for item in check.field(data, "citations", list, required=False, default=None) or [
            {"text": t["number"]} for t in texts if t["cited"]]:
        if isinstance(item, str):
            citation_lines.append(" ".join(item.split()))
            continue
        number = check.field(item, "text", str, default="")
        text = by_number.get(number)
        if number and text is None:
            check.add(check.line_of(item, "text"), _("căn cứ dẫn văn bản “%(number)s” không có trong texts.")
                      % {"number": number})
        elif text and text["kind"] in TextKind.values and text["signed_on"]:
            citation_lines.append(citation_of(kind=text["kind"], number=text["number"], signed_on=text["signed_on"],
                                              issuer=text["issuer"], title=text["title"]))
    forms, seen = [], set()
    for item in check.field(data, "forms", list, default=[]):
        form = {"document_type": check.field(item, "document_type", str, default=""),
                "number": check.field(item, "number", str, required=False, default=""),
                "name": check.field(item, "name", str, default=""),
                "text": check.field(item, "text", str, required=False, default=""),
                "source": " ".join(str(check.field(item, "source", str, required=False, default="")).split())}
        if form["document_type"] in seen:
            check.add(check.line_of(item, "document_type"), _("mẫu cho “%(code)s” bị lặp.")
                      % {"code": form["document_type"]})
        seen.add(form["document_type"])
        forms.append(form)
    prizes_data = check.field(data, "prizes", dict, default=_Map())
    rounding = check.field(prizes_data, "rounding", dict, default=_Map()) if prizes_data else _Map()
    unit = check.field(rounding, "unit", int, default=1) if rounding else 1
    if unit is not None and unit < 1:
        check.add(check.line_of(rounding, "unit"), _("“unit” (làm tròn lên bội số của, đồng) phải từ 1 trở lên."))
    rounding_source = " ".join(str(check.field(rounding, "source", str, default="") if rounding else "").split())
    prizes, awards = [], set()
    for item in check.field(prizes_data, "forms", list, default=[]) if prizes_data else []:
        award = check.field(item, "award", str, default="")
        prize = {"award": award, "label": check.field(item, "label", str, default=""),
                 "individual": _multiple(check, item, "individual"), "collective": _multiple(check, item, "collective"),
                 "source": check.field(item, "source", str, default="")}
        if isinstance(item, dict) and prize["individual"] is None and prize["collective"] is None and \
                "individual" not in item and "collective" not in item:
            check.add(check.line_of(item), _("mức thưởng “%(award)s” cần hệ số cá nhân hoặc tập thể.") % {"award": award})
        if award in awards:
            check.add(check.line_of(item, "award"), _("mức thưởng “%(award)s” bị lặp.") % {"award": award})
        awards.add(award)
        prizes.append(prize)
    limits = []
    for item in check.field(data, "limits", list, required=False, default=[]):
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            check.add(check.line_of(item, "value") if isinstance(item, dict) else 1, _("“value” phải là một số."))
        limits.append({"key": check.field(item, "key", str, default=""), "value": value,
                       "unit": check.field(item, "unit", str, default=""),
                       "label": check.field(item, "label", str, default=""),
                       "source": check.field(item, "source", str, default="")})
    notes = " ".join(str(check.field(data, "source", str, default="")).split())
    if data.get("verified") is False:
        notes += " " + _("(Chưa đối chiếu đủ với văn bản gốc: xem ghi chú từng mục.)")
    return RegimeFile(code=code, version=version, name=check.field(data, "name", str, default=""),
                      effective_from=start, effective_to=end, notes=notes.strip(), texts=texts,
                      citation_lines=citation_lines, forms=forms, rounding_unit=unit or 1,
                      rounding_source=rounding_source, prizes=prizes, limits=limits, source=source)


def _base_salary(check: _Check, data, source: str) -> BaseSalaryFile:
    rows, days = [], set()
    for item in check.field(data, "base_salary", list, default=[]):
        amount = check.field(item, "amount", int, default=0)
        if amount is not None and amount <= 0:
            check.add(check.line_of(item, "amount"), _("mức lương cơ sở phải là số đồng dương."))
        day = _date(check, item, "from")
        if day in days:
            check.add(check.line_of(item, "from"), _("ngày %(day)s bị lặp.") % {"day": day})
        days.add(day)
        rows.append({"amount": amount, "effective_from": day, "text_number": check.field(item, "text", str, default=""),
                     "text_date": _date(check, item, "text_date", required=False),
                     "source": check.field(item, "source", str, default="")})
    if not rows:
        check.add(check.line_of(data, "base_salary"), _("cần ít nhất một mức lương cơ sở."))
    return BaseSalaryFile(rows=rows, source=source)


def _default_models(name):
    from django.apps import apps

    return apps.get_model("dossiers", name)


def _same(existing, parsed: RegimeFile) -> bool:
    return (existing.name == parsed.name and existing.effective_from == parsed.effective_from
            and existing.effective_to == parsed.effective_to and list(existing.citation_lines) == parsed.citation_lines
            and existing.rounding_unit == parsed.rounding_unit and list(existing.limits) == parsed.limits)


@transaction.atomic
def write(parsed: RegimeFile | BaseSalaryFile, *, model=_default_models) -> tuple[str, int]:
    """Write a checked file (append-only). Returns (what, how many rows were added)."""
    if isinstance(parsed, BaseSalaryFile):
        BaseSalary = model("BaseSalary")
        added, problems = 0, []
        for row in parsed.rows:
            existing = BaseSalary.objects.filter(effective_from=row["effective_from"]).first()
            if existing is None:
                BaseSalary.objects.create(amount=row["amount"], effective_from=row["effective_from"],
                                          text_number=row["text_number"], text_date=row["text_date"],
                                          source=row["source"])
                added += 1
            elif existing.amount != row["amount"]:
                problems.append((1, _("mức lương cơ sở từ %(day)s đã nạp là %(old)s đồng, tệp ghi %(new)s: mức đã nạp "
                                      "không sửa.") % {"day": row["effective_from"], "old": existing.amount,
                                                       "new": row["amount"]}))
        if problems:
            raise RegimeError(parsed.source, problems)
        return "base_salary", added
    LegalRegime = model("LegalRegime")
    existing = LegalRegime.objects.filter(code=parsed.code, version=parsed.version).first()
    if existing is not None:
        if _same(existing, parsed):
            return f"{parsed.code}@{parsed.version}", 0
        raise RegimeError(parsed.source, [(1, _("chế độ %(code)s phiên bản %(version)s đã nạp và khác tệp này: một chế "
                                                "độ đã nạp không sửa; hãy tăng “version”.")
                                           % {"code": parsed.code, "version": parsed.version})])
    regime = LegalRegime.objects.create(
        code=parsed.code, version=parsed.version, name=parsed.name, effective_from=parsed.effective_from,
        effective_to=parsed.effective_to, rounding_unit=parsed.rounding_unit, rounding_source=parsed.rounding_source,
        limits=parsed.limits, citation_lines=parsed.citation_lines, notes=parsed.notes, source_file=parsed.source)
    model("RegimeText").objects.bulk_create([
        model("RegimeText")(regime=regime, position=i, **text) for i, text in enumerate(parsed.texts)])
    model("RegimeForm").objects.bulk_create([model("RegimeForm")(regime=regime, **form) for form in parsed.forms])
    model("PrizeRule").objects.bulk_create([model("PrizeRule")(regime=regime, **prize) for prize in parsed.prizes])
    return regime.code + f"@{regime.version}", 1


def load_file(path, *, model=_default_models) -> tuple[str, int]:
    path = Path(path)
    return write(parse(path.read_text(encoding="utf-8"), source=path.name), model=model)


def shipped_files() -> list[Path]:
    """The files in regimes/, the base salary first."""
    return sorted(REGIMES_DIR.glob("*.yaml"), key=lambda p: (p.name != "base-salary.yaml", p.name))
