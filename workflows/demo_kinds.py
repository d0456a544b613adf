"""Demo: a dossier in each kind of award the province handles (issue 12), loaded from the shipped
rulebook files and moved through the real services at the files' own dates:
- annual awards (khen thưởng thường xuyên 2025): units register at the start of the year, Ban TĐKT
  confirms (one registration still waiting, one returned); year-end dossiers for each title;
- sudden awards (đột xuất): the short dossier, decided within days, and one waiting for Sở Nội vụ;
- proposals upward: consultation (hiệp y), posting, the provincial council, the tờ trình to the
  central level and the central decision: one dossier decided by Trung ương, one awaiting its
  decision, one waiting on the consulted agencies' answers.
Called by seed_demo inside its transaction."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import time_machine
from django.conf import settings
from django.utils import timezone

from dossiers.models import STATUS_AT_STEP, DossierStatus, Role, Step, Unit
from dossiers.rulebooks import load_file

from . import services
from .walk import Actors, add_nominees, walk

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
RULEBOOKS = settings.BASE_DIR / "rulebooks"
ANNUAL = "lang-son-thuong-xuyen-2025.yaml"
SUDDEN = "lang-son-dot-xuat-2025.yaml"
UPWARD = "lang-son-de-nghi-cap-tren-2025.yaml"
AGENCIES = [("congan", "Công an tỉnh Lạng Sơn", "Nông Văn Thắng", "Đại tá, Giám đốc"),
            ("thue", "Thuế tỉnh Lạng Sơn", "Hoàng Thị Hà", "Trưởng Thuế tỉnh"),
            ("bhxh", "Bảo hiểm xã hội tỉnh Lạng Sơn", "Vi Văn Long", "Giám đốc")]


def at(year, month, day, hour=9):
    return time_machine.travel(dt.datetime(year, month, day, hour, 0, tzinfo=HCM), tick=True)


@dataclass
class Demo:
    """What seed_demo built: units and people by slug, the province's office and signer."""

    units: dict
    officers: dict
    heads: dict
    province: Unit
    home_affairs_unit: Unit
    home_affairs: object
    chairman: object
    user: object  # seed_demo's Command.user(username, unit, role, *, name, title)
    files: object = None  # seed_demo's document maker (real PDFs)

    def actors(self, slug, *, decider=None):
        return Actors(officer=self.officers[slug], head=self.heads[slug], appraiser=self.home_affairs,
                      home_affairs=self.home_affairs, chairman=decider or self.chairman)

    def dossier(self, campaign, code, slug, *, collectives=True, individuals=()):
        form = campaign.award_forms.get(code=code)
        unit = self.units[slug]
        dossier = services.dossier_create(campaign=campaign, award_form=form, unit=unit, actor=self.officers[slug])
        add_nominees(dossier, self.officers[slug], collectives=[unit] if collectives else [],
                     individuals=[{**person, "workplace": unit.name} for person in individuals])
        return dossier

    def walk(self, dossier, slug, until=DossierStatus.DECIDED, *, decider=None):
        kwargs = {"files": self.files} if self.files else {}
        return walk(dossier, self.actors(slug, decider=decider), until, **kwargs)


def seed_kinds(demo: Demo) -> dict:
    """Load the 2025 rulebooks and put dossiers in each kind. Returns the campaigns by file name."""
    from criteria.registrations import LineInput, registration_confirm, registration_return, registration_submit

    for slug, name, head, title in AGENCIES:
        unit = Unit.objects.create(name=name, level=demo.province.level, parent=demo.province)
        demo.units[slug] = unit
        demo.heads[slug] = demo.user(f"lanhdao_{slug}", unit, Role.UNIT_HEAD, name=head, title=title)
    campaigns = {}

    # 1. Annual awards 2025: registration in February 2025, year-end dossiers in January 2026.
    annual = campaigns[ANNUAL] = load_file(RULEBOOKS / ANNUAL)
    forms = {form.code: form for form in annual.award_forms.all()}
    registrations = {
        "tuphap": [("tap-the-lao-dong-xuat-sac", "collective", 1), ("chien-si-thi-dua-tinh", "individual", 1),
                   ("lao-dong-tien-tien", "individual", 25), ("bang-khen-chu-tich", "individual", 2)],
        "yte": [("co-thi-dua-tinh", "collective", 1), ("chien-si-thi-dua-co-so", "individual", 6)],
        "taichinh": [("tap-the-lao-dong-xuat-sac", "collective", 1), ("bang-khen-chu-tich", "collective", 1)],
        "gddt": [("co-thi-dua-tinh", "collective", 1)],
    }
    with at(2025, 2, 14):
        sent = {slug: registration_submit(
            campaign=annual, unit=demo.units[slug], actor=demo.officers[slug],
            lines=[LineInput(award_form=forms[code], nominee_kind=kind, count=n) for code, kind, n in lines],
            targets="Hoàn thành 100% nhiệm vụ được giao; số hóa 100% hồ sơ thủ tục hành chính; không có hồ sơ "
                    "trễ hạn; 100% cán bộ, công chức hoàn thành tốt nhiệm vụ trở lên.")
            for slug, lines in registrations.items()}
    with at(2025, 2, 24):
        for slug in ("tuphap", "yte"):
            registration_confirm(registration=sent[slug], actor=demo.home_affairs, note="Phù hợp quy chế.")
        registration_return(registration=sent["gddt"], actor=demo.home_affairs,
                            note="Đề nghị bổ sung chỉ tiêu cụ thể của từng phòng, đơn vị trực thuộc.")
        # taichinh: still waiting for Ban TĐKT (confirm it on /tieu-chi/dang-ky-thi-dua/)
    people = iter([
        {"full_name": "Tô Thị Mai", "citizen_id": "020189004411", "position": "Phó Chánh Văn phòng"},
        {"full_name": "Hà Văn Tuấn", "citizen_id": "020183005522", "position": "Trưởng phòng Bổ trợ tư pháp"},
        {"full_name": "Lò Thị Nhung", "citizen_id": "020191006633", "position": "Bác sĩ, Trưởng khoa"},
        {"full_name": "Đinh Văn Quý", "citizen_id": "020187007744", "position": "Chuyên viên"},
    ])
    with at(2026, 1, 8):
        demo.walk(demo.dossier(annual, "tap-the-lao-dong-xuat-sac", "tuphap"), "tuphap")           # decided
        demo.walk(demo.dossier(annual, "lao-dong-tien-tien", "tuphap", collectives=False,
                               individuals=[next(people)]), "tuphap", decider=demo.heads["tuphap"])  # own head
        demo.walk(demo.dossier(annual, "chien-si-thi-dua-tinh", "tuphap", collectives=False,
                               individuals=[next(people)]), "tuphap", until=DossierStatus.SUBMITTED)
        demo.walk(demo.dossier(annual, "co-thi-dua-tinh", "yte"), "yte",
                  until=DossierStatus.AT_PROVINCE_COUNCIL)                                    # council to vote
        demo.walk(demo.dossier(annual, "chien-si-thi-dua-co-so", "yte", collectives=False,
                               individuals=[next(people)]), "yte", until=DossierStatus.COUNCIL_REVIEWED)
        # a ward created on 01/07/2025 (two-level structure), not registered: the soft criterion warns
        demo.walk(demo.dossier(annual, "bang-khen-chu-tich", "tplangson"), "tplangson",
                  until=DossierStatus.AWAITING_DECISION)

    # 2. Sudden awards: always open through 2025, short dossier, short lead times.
    sudden = campaigns[SUDDEN] = load_file(RULEBOOKS / SUDDEN)
    with at(2025, 9, 15):
        demo.walk(demo.dossier(sudden, "bang-khen-dot-xuat", "tplangson", individuals=[
            {"full_name": "Hoàng Văn Dũng", "citizen_id": "020195008855",
             "position": "Công an viên, cứu người bị nước cuốn trôi"}]), "tplangson")               # decided
    with at(2025, 10, 6):
        demo.walk(demo.dossier(sudden, "bang-khen-dot-xuat", "caoloc", collectives=True), "caoloc",
                  until=STATUS_AT_STEP[Step.HOME_AFFAIRS])                                      # at Sở Nội vụ

    # 3. Proposals upward: consultation, posting, the provincial council, upward, the central decision.
    campaigns[UPWARD] = seed_upward(demo)
    return campaigns


def seed_upward(demo: Demo):
    """Proposals upward at three moments: a Chiến sĩ thi đua toàn quốc whose central decision is
    recorded (decided), a Huân chương Lao động hạng Ba whose tờ trình is signed and which waits for
    the central decision, and a Bằng khen của Thủ tướng waiting on the consulted agencies' answers
    (Công an tỉnh, Thuế tỉnh, BHXH tỉnh: log in as lanhdao_congan, lanhdao_thue, lanhdao_bhxh). The
    first two pass their posting period (the walk moves the clock past it), so the one waiting on
    answers is made last."""
    upward = load_file(RULEBOOKS / UPWARD)
    with at(2026, 1, 12):
        demo.walk(demo.dossier(upward, "chien-si-thi-dua-toan-quoc", "taichinh", collectives=False, individuals=[
            {"full_name": "Lương Thị Hồng", "citizen_id": "020180002468",
             "position": "Phó Giám đốc Sở Tài chính"}]), "taichinh")                     # central decision recorded
        demo.walk(demo.dossier(upward, "huan-chuong-lao-dong-hang-ba", "yte", individuals=[
            {"full_name": "Nông Thị Lan", "citizen_id": "020178003579",
             "position": "Giám đốc Bệnh viện Đa khoa tỉnh"}]), "yte",
            until=DossierStatus.AWAITING_CENTRAL)                                       # waits for Trung ương
        waiting = demo.walk(demo.dossier(upward, "bang-khen-thu-tuong", "tuphap", individuals=[
            {"full_name": "Hoàng Văn Nam", "citizen_id": "020083001234",
             "position": "Trưởng phòng Hành chính tư pháp"}]), "tuphap", until=DossierStatus.SUBMITTED)
    # Sở Nội vụ sends it for consultation on the day the demo is loaded, so the agencies' deadlines (7 and 10
    # working days) lie ahead: the consumer's step timers (`make run`) would otherwise count their silence as
    # agreement at once (the rulebook allows it) and the demo would have no dossier waiting on answers.
    today = timezone.localdate()
    with at(today.year, today.month, today.day, hour=8):
        demo.walk(waiting, "tuphap", until=DossierStatus.IN_CONSULTATION)
    return upward
