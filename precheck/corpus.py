"""A corpus for measuring the assistant: the unit's documents generated from a dossier by the
project's own PDF generators (criteria.documents: tờ trình, biên bản họp xét, mẫu 07), clean or with
one planted defect, as text PDFs or as scans (rasterised at 150–300 dpi, skewed, noisy, re-wrapped as
image-only PDFs). Used by bench/bench_precheck.py and the tests.

A defect is planted in what the generator is given (another plan number, a nominee left out, other
vote counts, another date) or in the template's text (the signature block removed, another form
number), never in the checker's input: the checker reads the PDF like any upload."""

import datetime as dt
import io
import random
import re
from dataclasses import dataclass

from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.utils import translation

TEMPLATES = {
    "to-trinh": "criteria/pdf/unit_to_trinh.html",
    "bien-ban-hop-xet": "criteria/pdf/bien_ban.html",
    "bao-cao-thanh-tich": "criteria/pdf/form07.html",
}
# which planted defects make sense for which document type
DEFECTS = {
    "to-trinh": ["plan", "title", "name", "signature", "date"],
    "bien-ban-hop-xet": ["plan", "title", "name", "votes", "signature", "date"],
    "bao-cao-thanh-tich": ["plan", "title", "name", "form", "signature", "date"],
}
OTHER_TITLE = "Thi đua yêu nước, lao động giỏi, xây dựng nông thôn mới năm 2023"
OTHER_NAMES = ["Trần Quốc Khánh", "Phùng Thị Ngân", "UBND xã Tân Thanh", "Sở Xây dựng"]


class Over:
    """An object seen through the template with some attributes replaced."""

    def __init__(self, obj, **over):
        self._obj = obj
        self.__dict__.update(over)

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def __str__(self):
        return str(self.__dict__.get("name", self._obj))


@dataclass
class Sample:
    key: str
    code: str                   # document type code
    defect: str                 # "" for a clean document, else the check that must fire
    content: bytes
    dossier_id: int
    nominee_id: int | None = None
    scan_dpi: int = 0           # 0: a text PDF
    detail: str = ""


def _render(source: str, context: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override("vi"):
        html = engines["django"].from_string(source).render(context)
    font_dir = settings.BASE_DIR / "static" / "fonts"
    return HTML(string=html, base_url=str(font_dir) + "/").write_pdf(font_config=FontConfiguration())


def _source(code: str) -> str:
    return get_template(TEMPLATES[code]).template.source


def _context(code: str, dossier, nominee=None) -> dict:
    from criteria.documents import form07_context, unit_documents_context

    with translation.override("vi"):
        return dict(form07_context(nominee)) if code == "bao-cao-thanh-tich" else dict(unit_documents_context(dossier))


def _vn_date(day: dt.date) -> str:
    from criteria.documents import vn_date

    return vn_date(day)


def plant(code: str, defect: str, context: dict, source: str, *, rng: random.Random) -> tuple[dict, str, str]:
    """The context and template source of a document with `defect` planted; with a description."""
    campaign = context["campaign"]
    if defect == "plan":
        number, _sep, rest = campaign.plan_number.partition("/")
        wrong = f"{int(number) + rng.choice([1, 2, 10, 30])}/{rest}" if number.isdigit() else "99/KH-UBND"
        context["campaign"] = Over(campaign, plan_number=wrong)
        return context, source, f"plan {wrong}"
    if defect == "title":
        context["campaign"] = Over(campaign, title=OTHER_TITLE)
        return context, source, "title"
    if defect == "name":
        if code == "bao-cao-thanh-tich":
            other = rng.choice(OTHER_NAMES)
            context["nominee"] = Over(context["nominee"], name=other)
            return context, source, f"report names {other}"
        nominees = list(context["nominees"])
        gone = rng.choice(nominees)
        for key in ("nominees", "collectives", "individuals"):
            context[key] = [n for n in context[key] if n.pk != gone.pk]
        return context, source, f"without {gone.name}"
    if defect == "votes":
        nominees = list(context["nominees"])
        target = rng.choice(nominees)
        total = context["meeting"].members_total
        recorded = target.votes_for or 0
        choices = [v for v in (recorded - 2, recorded - 1, recorded - 3, recorded + 1) if 0 <= v <= total and v != recorded]
        changed = Over(target, votes_for=choices[0] if choices else (recorded + 1))
        for key in ("nominees", "collectives", "individuals"):
            context[key] = [changed if n.pk == target.pk else n for n in context[key]]
        return context, source, f"votes {target.name} {recorded}->{changed.votes_for}"
    if defect == "form":  # the form number is in the template or (pinned regime) in the context's form_ref
        ref = context.get("form_ref", "") or ""
        if rng.random() < 0.5:
            context["form_ref"] = ref.replace("Mẫu số 07", "Mẫu số 01")
            return context, source.replace("Mẫu số 07", "Mẫu số 01"), "form 01"
        context["form_ref"] = ""
        return context, source.replace("Mẫu số 07", ""), "form removed"
    if defect == "signature":
        return context, re.sub(r'<table class="sign">.*?</table>', "", source, flags=re.S), "no signature"
    if defect == "date":
        late = rng.random() < 0.5
        day = (campaign.window_closes + dt.timedelta(days=rng.randint(40, 400)) if late
               else campaign.period_start - dt.timedelta(days=rng.randint(40, 400)))
        text = _vn_date(day)
        context["today"] = text
        if "meeting_date" in context:
            context["meeting_date"] = text
        return context, source, f"date {day.isoformat()}"
    raise ValueError(defect)


def document(code: str, dossier, nominee=None, defect: str = "", *, rng: random.Random | None = None) -> tuple[bytes, str]:
    rng = rng or random.Random(0)
    context, source, detail = _context(code, dossier, nominee), _source(code), ""
    if defect:
        context, source, detail = plant(code, defect, context, source, rng=rng)
    return _render(source, context), detail


# --- scans -------------------------------------------------------------------------------------------------
def scan(pdf: bytes, *, dpi: int, rng: random.Random, skew: float | None = None, noise: float | None = None) -> bytes:
    """The PDF as a scanner would return it: each page rasterised at `dpi` (grey), turned by a small
    angle, with speckle noise and a little blur, JPEG-compressed, wrapped as an image-only PDF."""
    import subprocess
    import tempfile
    from pathlib import Path

    from PIL import Image, ImageFilter

    skew = rng.uniform(-1.5, 1.5) if skew is None else skew
    noise = rng.uniform(0.0005, 0.002) if noise is None else noise
    pages = []
    with tempfile.TemporaryDirectory(prefix="precheck-scan-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(Path(tmp) / "p")], check=True,
                       capture_output=True, timeout=300)
        for path in sorted(Path(tmp).glob("p*.png")):
            with Image.open(path) as img:
                page = img.convert("L")
            page = page.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
            page = page.filter(ImageFilter.GaussianBlur(radius=0.3 * dpi / 300))
            pixels = page.load()
            width, height = page.size
            for _i in range(int(width * height * noise)):
                x, y = rng.randrange(width), rng.randrange(height)
                pixels[x, y] = rng.choice((0, 60, 200, 255))
            buffer = io.BytesIO()
            page.save(buffer, "JPEG", quality=rng.randint(60, 85))
            buffer.seek(0)
            pages.append(Image.open(buffer).convert("L"))
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out.getvalue()


# --- a small world made from the demo's data ----------------------------------------------------------------
def demo_world(*, dossiers: int = 2, individuals: int = 2):
    """The demo campaign (Kế hoạch 170/KH-UBND, loaded from its rulebook) and `dossiers` unit dossiers,
    each with its unit as a collective nominee and `individuals` people from the demo's list, the council
    recorded (9 members, 8 present, votes 6–8): made through the services at the campaign's dates."""
    import time_machine
    from django.contrib.auth import get_user_model

    from dossiers.models import Membership, NomineeKind, Role, Unit
    from dossiers.rulebooks import load_file
    from dossiers.services import council_record, nominee_add
    from dossiers.setup import levels
    from workflows import services as path_services
    from workflows.management.commands.seed_demo import DISTRICT_UNITS, HCM, HEAD_NAMES, PEOPLE, RULEBOOKS

    User = get_user_model()
    lv = levels()
    province = Unit.objects.create(name="UBND tỉnh Lạng Sơn", short_name="UBND tỉnh", level=lv["tinh"])
    Unit.objects.create(name="Sở Thông tin và Truyền thông", short_name="Sở TT&TT", level=lv["tinh"], parent=province)
    Unit.objects.create(name="Sở Nội vụ", level=lv["tinh"], parent=province)
    made = []
    people = iter(PEOPLE)
    with time_machine.travel(dt.datetime(2023, 12, 5, 9, 0, tzinfo=HCM), tick=True):
        campaign = load_file(RULEBOOKS / "lang-son-kh-170-2023.yaml")
        form = campaign.award_forms.get(code="bang-khen")
        for i, (slug, name) in enumerate(DISTRICT_UNITS[:dossiers]):
            unit = Unit.objects.create(name=name, level=lv["huyen"], parent=province)
            officer = User.objects.create(username=f"canbo_{slug}", first_name="Nguyễn Thị Lan")
            head = User.objects.create(username=f"lanhdao_{slug}", first_name=HEAD_NAMES[i % len(HEAD_NAMES)])
            Membership.objects.create(user=officer, unit=unit, role=Role.UNIT_OFFICER)
            Membership.objects.create(user=head, unit=unit, role=Role.UNIT_HEAD, title="Chủ tịch")
            dossier = path_services.dossier_create(campaign=campaign, award_form=form, unit=unit, actor=officer)
            nominee_add(dossier=dossier, actor=officer, kind=NomineeKind.COLLECTIVE, unit=unit)
            for _n in range(individuals):
                full_name, cccd, position = next(people)
                nominee_add(dossier=dossier, actor=officer, kind=NomineeKind.INDIVIDUAL, full_name=full_name,
                            citizen_id=cccd, position=position, workplace=name)
            nominees = list(dossier.nominees.all())
            council_record(dossier=dossier, actor=officer, held_on=dt.date(2023, 12, 1), members_total=9,
                           members_present=8, votes={n.pk: 8 - (k % 3) for k, n in enumerate(nominees)})
            made.append((dossier, officer))
    return campaign, made


def samples(dossier, *, rng: random.Random, defects: bool = True) -> list[Sample]:
    """Every document of `dossier` clean, and (with `defects`) once per defect its type can carry."""
    out = []
    nominees = list(dossier.nominees.select_related("person", "unit"))
    targets = [("to-trinh", None), ("bien-ban-hop-xet", None)] + [("bao-cao-thanh-tich", n) for n in nominees]
    import time_machine

    from workflows.management.commands.seed_demo import HCM

    with time_machine.travel(dt.datetime(2023, 12, 2, 9, 0, tzinfo=HCM), tick=True):
        # every defect on the first individual's report (a collective's report names its unit throughout);
        # two defects drawn at random on each other report
        first = next((n for n in nominees if n.person_id), nominees[0] if nominees else None)
        for code, nominee in targets:
            variants = [""] + (DEFECTS[code] if defects else [])
            if code == "bao-cao-thanh-tich" and nominee is not first:
                others = [d for d in DEFECTS[code] if not (d == "name" and not nominee.person_id)]
                variants = [""] + (rng.sample(others, 2) if defects else [])
            for defect in variants:
                content, detail = document(code, dossier, nominee, defect, rng=rng)
                key = f"d{dossier.pk}-{code}" + (f"-n{nominee.pk}" if nominee else "") + (f"-{defect}" if defect else "")
                out.append(Sample(key=key, code=code, defect=defect, content=content, dossier_id=dossier.pk,
                                  nominee_id=nominee.pk if nominee else None, detail=detail))
    return out
