"""Rulebooks as files — bộ quy định của một đợt thi đua: the campaign, its award forms, each form's
path (the ordered configured steps with lead days, acting unit and required documents) and targets,
kept as a versioned YAML file in the repository (`rulebooks/`) and loaded with
`manage.py load_rulebook FILE`.

A file is read whole and checked whole before anything is written: every error is reported with
the line it is on, and a file with any error loads nothing. Units are named as they are in the
unit register (they are never created by a rulebook). Once its first dossier is submitted the
campaign's rulebook is frozen (Campaign.rulebook_frozen_at): a change of rules is a new file
version for a new campaign."""

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from .models import (
    STEP_KINDS, ActingUnitSource, AwardForm, Campaign, CampaignTarget, ConsultedAgency, CouncilVoteRule,
    DocumentRequirement, DocumentType, RequirementScope, Role, Share, Step, StepRule, Unit, UnitLevel, VoteBase,
    canonical_rank,
)


class RulebookError(Exception):
    """A rulebook file that cannot be loaded: every problem, each naming its line."""

    def __init__(self, source: str, problems: list[tuple[int, str]]):
        self.source = source
        self.problems = sorted(problems, key=lambda p: p[0])
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [_("%(file)s, dòng %(line)s: %(message)s") % {"file": self.source, "line": line, "message": message}
                for line, message in self.problems]


# --- YAML with line numbers ------------------------------------------------------------------------
class _Map(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line = 0
    key_lines: dict


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = _Map()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclasses.dataclass
class _Check:
    """Collects problems while the file is read; nothing is written until there are none."""

    problems: list = dataclasses.field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def field(self, mapping, key, kind, *, line=None, required=True, default=None):
        line = getattr(mapping, "key_lines", {}).get(key, getattr(mapping, "line", line or 1))
        if not isinstance(mapping, dict) or key not in mapping:
            if required:
                self.add(getattr(mapping, "line", line or 1), _("thiếu mục “%(key)s”.") % {"key": key})
            return default
        value = mapping[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.add(line, _("“%(key)s” phải là %(kind)s.") % {"key": key, "kind": _KIND_NAMES[kind]})
            return default
        return value

    def line_of(self, mapping, key=None) -> int:
        if key is not None and key in getattr(mapping, "key_lines", {}):
            return mapping.key_lines[key]
        return getattr(mapping, "line", 1)


_KIND_NAMES = {str: "một chuỗi", int: "một số nguyên", dt.date: "một ngày (YYYY-MM-DD)", list: "một danh sách",
               dict: "một nhóm mục"}


@dataclasses.dataclass
class _Form:
    code: str
    name: str
    deciding_unit: Unit
    signer_office: str
    revision_lead_days: int
    steps: list  # _PathStep, in the file's order (their position on the path)
    requirements: list  # (Step, document type code, scope)
    own_unit_steps: list = dataclasses.field(default_factory=list)  # steps done at the proposing unit (`own`)
    vote_rule: dict | None = None  # the provincial council's vote (CouncilVoteRule fields)


@dataclasses.dataclass
class _PathStep:
    step: Step
    lead_days: int
    acting_unit: Unit | None
    role: str
    silence_means_agreement: bool = False
    consulted: list = dataclasses.field(default_factory=list)  # (Unit, lead days or None)


@dataclasses.dataclass
class Rulebook:
    """A rulebook file read and checked, ready to load."""

    identifier: str
    version: int
    campaign: dict
    document_types: dict  # code -> name
    targets: list  # (UnitLevel, metric, value)
    forms: list
    extensions: dict = dataclasses.field(default_factory=dict)  # extension name -> what its parse returned


@dataclasses.dataclass(frozen=True)
class RulebookExtension:
    """Sections of a rulebook file read by another app, registered from its AppConfig.ready() so the
    domain never imports it (criteria: `campaign.registration` and each award form's `criteria`).
    `parse(check, data)` reads the whole file (line-numbered mappings) and reports problems on
    `check` like the loader's own; `load(campaign, payload)` writes, inside the loader's transaction,
    after the award forms exist. A file with a problem in any section loads nothing."""

    name: str
    parse: Callable
    load: Callable


_extensions: dict[str, RulebookExtension] = {}


def register_extension(name: str, *, parse: Callable, load: Callable) -> None:
    _extensions[name] = RulebookExtension(name=name, parse=parse, load=load)


def parse(text: str, *, source: str = "rulebook", window: tuple[dt.date, dt.date] | None = None) -> Rulebook:
    """Read and check a rulebook; RulebookError lists every problem with its line."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulebookError(source, [((mark.line + 1) if mark else 1,
                                      _("không đọc được YAML: %(problem)s") % {"problem": getattr(exc, "problem", exc)})])
    check = _Check()
    if not isinstance(data, dict):
        raise RulebookError(source, [(1, _("tệp phải là một nhóm mục (rulebook, version, campaign, award_forms)."))])
    identifier = check.field(data, "rulebook", str, default="")
    version = check.field(data, "version", int, default=0)
    units = _Units(check)
    campaign = _campaign(check, check.field(data, "campaign", dict, default=_Map()), units, window)
    document_types = _document_types(check, data.get("document_types", []), data)
    targets = _targets(check, campaign.pop("targets", []))
    forms = [_award_form(check, item, units, document_types)
             for item in check.field(data, "award_forms", list, default=[])]
    codes = [f.code for f in forms if f]
    for code in {c for c in codes if codes.count(c) > 1}:
        check.add(check.line_of(data, "award_forms"), _("mã hình thức “%(code)s” bị lặp.") % {"code": code})
    if not forms:
        check.add(check.line_of(data, "award_forms"), _("cần ít nhất một hình thức khen thưởng."))
    extensions = {name: extension.parse(check, data) for name, extension in _extensions.items()}
    if check.problems:
        raise RulebookError(source, check.problems)
    return Rulebook(identifier=identifier, version=version, campaign=campaign, document_types=document_types,
                    targets=targets, forms=forms, extensions=extensions)


class _Units:
    def __init__(self, check: _Check):
        self.check = check

    def get(self, mapping, key, *, required=True) -> Unit | None:
        name = self.check.field(mapping, key, str, required=required)
        if not name:
            return None
        found = list(Unit.objects.filter(name=" ".join(name.split()), successor__isnull=True)[:2])
        if len(found) != 1:
            self.check.add(self.check.line_of(mapping, key),
                           (_("không có đơn vị “%(name)s” (đang hoạt động) trong danh mục đơn vị.") if not found else
                            _("có nhiều đơn vị tên “%(name)s”.")) % {"name": name})
            return None
        return found[0]


def _campaign(check: _Check, data, units: _Units, window) -> dict:
    values = {
        "plan_number": check.field(data, "plan_number", str, default=""),
        "title": check.field(data, "title", str, default=""),
        "legal_basis": check.field(data, "legal_basis", str, required=False, default=""),
        "issuing_unit": units.get(data, "issuing_unit"),
        "appraising_unit": units.get(data, "appraising_unit", required=False),
        "home_affairs_unit": units.get(data, "home_affairs_unit", required=False),
        "targets": check.field(data, "targets", list, required=False, default=[]),
    }
    for key in ("period", "window"):
        if key == "window" and data.get("window") == "always":
            # sudden awards (đột xuất): no window of their own, dossiers are received all through the period
            values[key] = list(values["period"])
            continue
        pair = check.field(data, key, list, default=[])
        if pair and (len(pair) != 2 or not all(isinstance(d, dt.date) for d in pair)):
            check.add(check.line_of(data, key), _("“%(key)s” là hai ngày [từ, đến] dạng YYYY-MM-DD.") % {"key": key})
            pair = []
        elif pair and pair[1] < pair[0]:
            check.add(check.line_of(data, key), _("“%(key)s”: ngày kết thúc trước ngày bắt đầu.") % {"key": key})
        values[key] = pair
    if window is not None:
        values["window"] = list(window)
    plan_number = values["plan_number"]
    if plan_number and Campaign.objects.filter(plan_number=plan_number).exists():
        check.add(check.line_of(data, "plan_number"),
                  _("đã có đợt thi đua số “%(number)s”: một quy định đã nạp không sửa bằng tệp; hãy lập đợt mới "
                    "(phiên bản mới của tệp).") % {"number": plan_number})
    return values


def _document_types(check: _Check, items, data) -> dict:
    if not isinstance(items, list):
        check.add(check.line_of(data, "document_types"), _("“document_types” phải là một danh sách."))
        return {}
    declared = dict(DocumentType.objects.values_list("code", "name"))
    for item in items:
        code = check.field(item, "code", str)
        name = check.field(item, "name", str)
        if code and name:
            declared[code] = name
    return declared


def _targets(check: _Check, items) -> list:
    levels = {level.code: level for level in UnitLevel.objects.all()}
    result = []
    for item in items:
        code = check.field(item, "level", str)
        value = item.get("value") if isinstance(item, dict) else None
        if code and code not in levels:
            check.add(check.line_of(item, "level"), _("không có cấp đơn vị “%(code)s”.") % {"code": code})
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
            check.add(check.line_of(item, "value"), _("chỉ tiêu phải là một số từ 0 đến 100."))
        elif code in levels:
            result.append((levels[code], check.field(item, "metric", str, required=False,
                                                      default="digitization_rate"), value))
    return result


def _award_form(check: _Check, item, units: _Units, document_types: dict) -> _Form | None:
    if not isinstance(item, dict):
        check.add(1, _("mỗi hình thức khen thưởng là một nhóm mục."))
        return None
    form = _Form(code=check.field(item, "code", str, default=""), name=check.field(item, "name", str, default=""),
                 deciding_unit=units.get(item, "deciding_unit"),
                 signer_office=check.field(item, "signer_office", str, default=""),
                 revision_lead_days=check.field(item, "revision_lead_days", int, required=False, default=5),
                 steps=[], requirements=[])
    seen = []
    for entry in check.field(item, "path", list, default=[]):
        value = check.field(entry, "step", str)
        if not value:
            continue
        if value not in Step.values:
            check.add(check.line_of(entry, "step"),
                      _("bước “%(step)s” không có; các bước: %(steps)s.") % {"step": value,
                                                                              "steps": ", ".join(Step.values)})
            continue
        step = Step(value)
        if step in seen:
            check.add(check.line_of(entry, "step"), _("bước “%(step)s” bị lặp.") % {"step": value})
            continue
        kind = STEP_KINDS[step]
        if kind.is_unit_work and any(not STEP_KINDS[s].is_unit_work or canonical_rank(s) > canonical_rank(step)
                                     for s in seen):
            check.add(check.line_of(entry, "step"),
                      _("bước “%(step)s” đứng sai thứ tự: các bước của đơn vị đi theo thứ tự %(steps)s và trước "
                        "các bước sau khi gửi hồ sơ.")
                      % {"step": value, "steps": " → ".join(s.value for s in Step if STEP_KINDS[s].is_unit_work)})
        elif seen and STEP_KINDS[seen[-1]].concludes:
            check.add(check.line_of(entry, "step"),
                      _("bước “%(step)s” đứng sau bước kết thúc “%(last)s”: bước kết thúc phải là bước cuối.")
                      % {"step": value, "last": seen[-1].value})
        seen.append(step)
        lead_days = check.field(entry, "lead_days", int, default=5)
        if lead_days is not None and not 1 <= lead_days <= 90:
            check.add(check.line_of(entry, "lead_days"), _("thời hạn phải từ 1 đến 90 ngày làm việc."))
        own = isinstance(entry, dict) and entry.get("acting_unit") == "own"  # the proposing unit acts (its head)
        acting = None if own else units.get(entry, "acting_unit", required=False)
        role = check.field(entry, "role", str, required=False, default="")
        if role and role not in Role.values:
            check.add(check.line_of(entry, "role"), _("vai trò “%(role)s” không có; các vai trò: %(roles)s.")
                      % {"role": role, "roles": ", ".join(Role.values)})
        form.vote_rule = _vote_rule(check, entry, step) or form.vote_rule
        path_step = _PathStep(step=step, lead_days=lead_days, acting_unit=acting, role=role)
        if kind.is_consultation:
            _consultation(check, entry, units, path_step)
        else:
            for key in ("consulted", "silence_means_agreement"):
                if isinstance(entry, dict) and key in entry:
                    check.add(check.line_of(entry, key),
                              _("“%(key)s” chỉ dùng ở bước hiệp y (consultation).") % {"key": key})
        form.steps.append(path_step)
        if own:
            form.own_unit_steps.append(step)
        for document in check.field(entry, "documents", list, required=False, default=[]):
            code = check.field(document, "type", str)
            scope = check.field(document, "per", str, required=False, default=RequirementScope.DOSSIER.value)
            if code and code not in document_types:
                check.add(check.line_of(document, "type"),
                          _("loại văn bản “%(code)s” chưa khai báo trong document_types.") % {"code": code})
            if scope not in RequirementScope.values:
                check.add(check.line_of(document, "per"),
                          _("“per” là “dossier” (một bản cho hồ sơ) hoặc “nominee” (mỗi đối tượng một bản)."))
            if code:
                form.requirements.append((step, code, scope))
    concluding = [s for s in seen if STEP_KINDS[s].concludes]
    if len(concluding) > 1:
        check.add(check.line_of(item, "path"),
                  _("hình thức “%(form)s” có nhiều bước kết thúc (%(steps)s): chỉ được một.")
                  % {"form": form.code, "steps": ", ".join(s.value for s in concluding)})
    for step, kind in STEP_KINDS.items():
        if kind.always_on_path and step not in seen and not (kind.concludes and concluding):
            check.add(check.line_of(item, "path"),
                      _("hình thức “%(form)s” thiếu bước bắt buộc “%(step)s”.") % {"form": form.code, "step": step.value})
    return form


def _vote_rule(check: _Check, entry, step: Step) -> dict | None:
    """`vote:` of a provincial council step: the share of votes that passes (`threshold`, e.g. ">= 2/3"
    or "> 50%"), counted against all members (`of: total`, the default) or those present (`of: present`),
    and the share of members that must be present (`quorum`, default "> 1/2")."""
    if not isinstance(entry, dict) or "vote" not in entry:
        return None
    if not STEP_KINDS[step].records_council_vote:
        check.add(check.line_of(entry, "vote"), _("“vote” chỉ dùng ở bước Hội đồng TĐKT tỉnh bỏ phiếu "
                                                  "(province_council)."))
        return None
    vote = check.field(entry, "vote", dict, default=None)
    if vote is None:
        return None
    for key in vote:
        if key not in ("threshold", "of", "quorum"):
            check.add(check.line_of(vote, key), _("“vote” không có mục “%(key)s”; các mục: threshold, of, quorum.")
                      % {"key": key})
    values = {}
    for key, default, required in (("threshold", None, True), ("quorum", "> 1/2", False)):
        text = vote.get(key, default)
        if text is None:
            check.add(check.line_of(vote), _("thiếu mục “%(key)s”.") % {"key": key})
            continue
        try:
            share = Share.parse(text)
        except (ValueError, ZeroDivisionError):
            check.add(check.line_of(vote, key),
                      _("“%(key)s”: “%(text)s” không phải một tỷ lệ; viết như \">= 2/3\", \"> 1/2\" hoặc \">= 70%%\" "
                        "(lớn hơn 0, không quá 1).") % {"key": key, "text": text})
            continue
        values[f"{key}_numerator"] = share.fraction.numerator
        values[f"{key}_denominator"] = share.fraction.denominator
        values[f"{key}_strict"] = share.strict
    base = vote.get("of", VoteBase.TOTAL.value)
    if base not in VoteBase.values:
        check.add(check.line_of(vote, "of"), _("“of” là “total” (tổng số thành viên) hoặc “present” (số dự họp)."))
    values["threshold_base"] = base
    return values


def _consultation(check: _Check, entry, units: _Units, path_step: _PathStep) -> None:
    """A consultation step: the agencies consulted (each by its unit name, optionally with its own
    lead days) and whether silence after the deadline counts as agreement."""
    silence = entry.get("silence_means_agreement", False) if isinstance(entry, dict) else False
    if not isinstance(silence, bool):
        check.add(check.line_of(entry, "silence_means_agreement"),
                  _("“silence_means_agreement” là true hoặc false."))
        silence = False
    path_step.silence_means_agreement = silence
    agencies = check.field(entry, "consulted", list, default=[])
    if not agencies and isinstance(entry, dict) and "consulted" in entry:
        check.add(check.line_of(entry, "consulted"), _("bước hiệp y cần ít nhất một cơ quan được hỏi ý kiến."))
    names = set()
    for agency in agencies:
        if isinstance(agency, str):
            agency = _Map(unit=agency)
            agency.line, agency.key_lines = check.line_of(entry, "consulted"), {}
        unit = units.get(agency, "unit")
        lead_days = check.field(agency, "lead_days", int, required=False, default=None)
        if lead_days is not None and not 1 <= lead_days <= 90:
            check.add(check.line_of(agency, "lead_days"), _("thời hạn phải từ 1 đến 90 ngày làm việc."))
        if unit is not None:
            if unit.pk in names:
                check.add(check.line_of(agency, "unit"), _("cơ quan “%(name)s” bị lặp.") % {"name": unit.name})
                continue
            names.add(unit.pk)
            path_step.consulted.append((unit, lead_days))


@transaction.atomic
def load(rulebook: Rulebook) -> Campaign:
    """Write a checked rulebook: the campaign, its targets, award forms, steps and requirements."""
    values = rulebook.campaign
    campaign = Campaign.objects.create(
        plan_number=values["plan_number"], title=values["title"], legal_basis=values["legal_basis"],
        issuing_unit=values["issuing_unit"], appraising_unit=values["appraising_unit"],
        home_affairs_unit=values["home_affairs_unit"], period_start=values["period"][0],
        period_end=values["period"][1], window_opens=values["window"][0], window_closes=values["window"][1],
        rulebook=f"{rulebook.identifier}@{rulebook.version}")
    for level, metric, value in rulebook.targets:
        CampaignTarget.objects.create(campaign=campaign, level=level, metric=metric, value=value)
    types = {}
    for code, name in rulebook.document_types.items():
        types[code] = DocumentType.objects.get_or_create(code=code, defaults={"name": name})[0]
    for form in rulebook.forms:
        award_form = AwardForm.objects.create(
            campaign=campaign, code=form.code, name=form.name, deciding_unit=form.deciding_unit,
            signer_office=form.signer_office, revision_lead_days=form.revision_lead_days)
        for position, entry in enumerate(form.steps, start=1):
            rule = StepRule.objects.create(
                award_form=award_form, step=entry.step, lead_days=entry.lead_days, acting_unit=entry.acting_unit,
                role=entry.role, position=position, silence_means_agreement=entry.silence_means_agreement,
                acting_unit_source=ActingUnitSource.DOSSIER_UNIT if entry.step in form.own_unit_steps else "")
            ConsultedAgency.objects.bulk_create([ConsultedAgency(step_rule=rule, unit=unit, lead_days=days)
                                                 for unit, days in entry.consulted])
        if form.vote_rule:
            CouncilVoteRule.objects.create(award_form=award_form, **form.vote_rule)
        DocumentRequirement.objects.bulk_create([
            DocumentRequirement(award_form=award_form, step=step, document_type=types[code], scope=scope)
            for step, code, scope in form.requirements])
    for name, payload in rulebook.extensions.items():
        _extensions[name].load(campaign, payload)
    return campaign


def load_file(path, *, window: tuple[dt.date, dt.date] | None = None) -> Campaign:
    """Read, check and load a rulebook file (nothing is loaded when it has an error)."""
    path = Path(path)
    return load(parse(path.read_text(encoding="utf-8"), source=path.name, window=window))
