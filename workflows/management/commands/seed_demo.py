"""Demo data: the campaign of Kế hoạch 170/KH-UBND (Lạng Sơn, 2023) with dossiers in every state,
a campaign whose window is open today, a centre's own Giấy khen campaign (seed 004), and a dossier in
each other kind of award (workflows/demo_kinds.py: annual with registration, sudden, upward).
Every dossier is moved through the real services, at the plan's real dates."""

import datetime as dt
import secrets
import zoneinfo

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.utils import timezone

from dossiers.models import Campaign, DossierStatus, Membership, Role, Unit
from dossiers.rulebooks import load_file as load_rulebook
from dossiers.setup import levels, provincial_campaign
from workflows import figures, services
from workflows.walk import Actors, add_nominees
from workflows.walk import walk as walk_with
from workflows.reorganisation import apply_2025


DEMO_REPORT = {
    "situation": "%(name)s thực hiện nhiệm vụ trong điều kiện số lượng hồ sơ thủ tục hành chính tăng nhanh, "
                 "nhiều thủ tục được cung cấp trực tuyến toàn trình lần đầu; đội ngũ công chức làm công tác một cửa "
                 "được bố trí đủ, được tập huấn về số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.\n"
                 "Cơ sở vật chất của bộ phận một cửa được đầu tư máy quét, chữ ký số; kết nối ổn định với Hệ thống "
                 "thông tin giải quyết thủ tục hành chính của tỉnh và Cổng Dịch vụ công quốc gia.",
    "duties": "1. Tiếp nhận, số hóa 100% hồ sơ thủ tục hành chính khi tiếp nhận; số hóa kết quả giải quyết còn hiệu "
              "lực theo lộ trình của tỉnh.\n2. Hướng dẫn tổ chức, cá nhân nộp hồ sơ trực tuyến, thanh toán trực "
              "tuyến; giải quyết đúng hạn, không để hồ sơ trễ hạn.\n3. Công khai đầy đủ thủ tục hành chính, tiếp "
              "nhận và xử lý phản ánh, kiến nghị đúng quy định.",
    "measures": "Ban hành kế hoạch số hóa theo từng quý, phân công cụ thể cho từng công chức; hằng tháng rà soát, "
                "đối chiếu số liệu trên hệ thống, đôn đốc các hồ sơ sắp đến hạn.\nPhối hợp với Sở Thông tin và "
                "Truyền thông khắc phục lỗi kết nối; tổ chức hướng dẫn trực tiếp tại bộ phận một cửa và trên mạng "
                "xã hội của đơn vị; khen thưởng kịp thời cá nhân có sáng kiến trong số hóa hồ sơ.",
    "past_awards": "Năm 2021: Tập thể lao động xuất sắc; năm 2022: Bằng khen của Chủ tịch UBND tỉnh.",
}


def demo_file(*, dossier, document_type, nominee, actor):
    """The demo's documents are real multi-page PDFs made from the dossier's own data (the tờ trình
    with its list, the council minutes with the votes, each nominee's mẫu 07), so "Xem" shows them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from criteria.documents import council_minutes_pdf, form07_pdf, unit_proposal_pdf

    if document_type.code == "to-trinh":
        content, name = unit_proposal_pdf(dossier=dossier, actor=actor), "to-trinh.pdf"
    elif document_type.code == "bien-ban-hop-xet":
        content, name = council_minutes_pdf(dossier=dossier, actor=actor), "bien-ban-hop-xet.pdf"
    elif document_type.code == "bao-cao-thanh-tich" and nominee is not None:
        from criteria.documents import report_draft_save

        # the unit writes the free-text parts of mẫu 07 first, as a real unit would
        report_draft_save(nominee=nominee, actor=actor, situation=DEMO_REPORT["situation"] % {"name": nominee.name},
                          duties=DEMO_REPORT["duties"], measures=DEMO_REPORT["measures"],
                          past_awards=DEMO_REPORT["past_awards"])
        content, name = form07_pdf(nominee=nominee, actor=actor), f"bao-cao-thanh-tich-mau-07-{nominee.pk}.pdf"
    else:
        from workflows.walk import sample_file

        return sample_file(dossier=dossier, document_type=document_type, nominee=nominee, actor=actor)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def walk(dossier, actors, until=DossierStatus.DECIDED):
    return walk_with(dossier, actors, until, files=demo_file)

PASSWORD = "khenthuong2023"
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
RULEBOOKS = settings.BASE_DIR / "rulebooks"  # the demo's campaigns are loaded from their rulebook files
LEGAL_BASIS = (  # the commendation law and decree come from the campaign's legal regime (regimes/*.yaml)
    "Nghị định số 45/2020/NĐ-CP "
    "ngày 08/4/2020 của Chính phủ về thực hiện thủ tục hành chính trên môi trường điện tử; Nghị quyết số "
    "49-NQ/TU ngày 28/9/2021 của Ban Thường vụ Tỉnh ủy về chuyển đổi số tỉnh Lạng Sơn."
)
PROVINCE_UNITS = [
    ("tuphap", "Sở Tư pháp"), ("taichinh", "Sở Tài chính"), ("yte", "Sở Y tế"),
    ("gddt", "Sở Giáo dục và Đào tạo"), ("khdt", "Sở Kế hoạch và Đầu tư"),
    ("ttpvhcc", "Trung tâm Phục vụ hành chính công tỉnh"),
]
DISTRICT_UNITS = [
    ("caoloc", "UBND huyện Cao Lộc"), ("huulung", "UBND huyện Hữu Lũng"), ("chilang", "UBND huyện Chi Lăng"),
    ("tplangson", "UBND thành phố Lạng Sơn"), ("locbinh", "UBND huyện Lộc Bình"),
    ("vanlang", "UBND huyện Văn Lãng"),
]
COMMUNE_UNITS = [("hopthanh", "UBND xã Hợp Thành", "caoloc"), ("vinhtrai", "UBND phường Vĩnh Trại", "tplangson"),
                 ("mai-pha", "UBND xã Mai Pha", "tplangson")]
PEOPLE = [
    ("Hoàng Văn Nam", "020083001234", "Trưởng phòng Hành chính tư pháp"),
    ("Lành Thị Thu", "020186004321", "Chuyên viên Bộ phận Một cửa"),
    ("Nông Đức Mạnh", "020090005678", "Phó Chủ tịch UBND"),
    ("Vi Thị Hồng", "020192008765", "Công chức Văn phòng - Thống kê"),
    ("Lương Văn Hải", "020085002468", "Chánh Văn phòng"),
    ("Chu Thị Lan", "020188001357", "Chuyên viên"),
    ("Hoàng Thị Thanh Huyền", "020187002233", "Phó Chánh Văn phòng"),
    ("Lý Văn Toàn", "020082004455", "Trưởng phòng Văn hóa - Thông tin"),
    ("Mông Thị Diệp", "020191006677", "Chuyên viên Bộ phận Một cửa"),
    ("Đàm Văn Khải", "020084008899", "Phó Trưởng phòng Tư pháp"),
    ("Triệu Thị Nguyệt", "020193001122", "Công chức Tư pháp - Hộ tịch"),
    ("Hứa Văn Thành", "020086003344", "Chánh Văn phòng HĐND và UBND"),
    ("La Thị Phương", "020190005566", "Viên chức"),
    ("Nguyễn Văn Sơn", "020081007788", "Phó Chủ tịch UBND"),
]


OFFICER_NAMES = ["Nguyễn Thị Lan", "Hoàng Minh Đức", "Nông Thị Thu Trang", "Lưu Văn Phong",
                 "Vy Thị Ngọc", "Hà Quang Vinh", "Lăng Thị Mai", "Chu Văn Tâm"]
HEAD_NAMES = ["Phạm Văn Hùng", "Lộc Văn Thắng", "Nguyễn Thị Hằng", "Hoàng Văn Quân", "Đinh Thị Yến",
              "Mã Văn Lực", "Bế Thị Thảo"]


class Command(BaseCommand):
    help = "Load the demo province, campaigns, logins and dossiers in every state (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Load the demo even with DJANGO_DEBUG=0 (each account then gets a random "
                                 "password, printed once; the published demo password is never used).")

    def handle(self, *args, force=False, **options):
        # Outside development the published password would open the province's server to anyone.
        self.demo_password = settings.DEMO_DATA_ALLOWED
        if not self.demo_password and not force:
            raise CommandError("seed_demo: DJANGO_DEBUG=0 (production). Dữ liệu mẫu không được nạp vào hệ thống "
                               "thật; dùng --force nếu thật sự cần (mỗi tài khoản sẽ có mật khẩu ngẫu nhiên).")
        self.generated = {}
        self.hashes = {}
        if Campaign.objects.filter(plan_number="170/KH-UBND").exists():
            self.stdout.write("Demo data already loaded.")
        else:
            from criteria.documents import renders_kept_in

            with renders_kept_in(settings.DEMO_RENDER_CACHE_DIR):
                self.build()
            figures.refresh()   # the dashboard's summary at once, not at the consumer's next minute
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.print_logins()

    def user(self, username, unit, role, *, name, title="", signs_for="", staff=False):
        """`name` in Vietnamese order (family name first), kept whole so it prints as written."""
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": name, "last_name": "", "email": f"{username}@langson.gov.vn", "is_staff": staff})
        if created:
            # the published demo password is hashed once for every account (a slow hash, on purpose)
            password = self.password_for(username)
            if password not in self.hashes:
                self.hashes[password] = make_password(password)
            user.password = self.hashes[password]
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, unit=unit, role=role,
                                         defaults={"title": title, "signs_for": signs_for})
        return user

    @transaction.atomic
    def build(self):
        lv = levels()
        province = Unit.objects.create(name="UBND tỉnh Lạng Sơn", short_name="UBND tỉnh", level=lv["tinh"])
        stt = Unit.objects.create(name="Sở Thông tin và Truyền thông", short_name="Sở TT&TT", level=lv["tinh"],
                                  parent=province)
        snv = Unit.objects.create(name="Sở Nội vụ", level=lv["tinh"], parent=province)
        khcn = Unit.objects.create(name="Sở Khoa học và Công nghệ", short_name="Sở KH&CN", level=lv["tinh"],
                                   parent=province)
        units = {}
        for slug, name in PROVINCE_UNITS:
            units[slug] = Unit.objects.create(name=name, level=lv["tinh"], parent=province)
        for slug, name in DISTRICT_UNITS:
            units[slug] = Unit.objects.create(name=name, level=lv["huyen"], parent=province)
        for slug, name, parent in COMMUNE_UNITS:
            units[slug] = Unit.objects.create(name=name, level=lv["xa"], parent=units[parent])

        User = get_user_model()
        admin, created = User.objects.get_or_create(username="admin", defaults={
            "is_staff": True, "is_superuser": True, "first_name": "Quản trị hệ thống", "email": "admin@langson.gov.vn"})
        if created:
            admin.set_password(self.password_for("admin"))
            admin.save()
        Membership.objects.get_or_create(user=admin, unit=province, role=Role.ADMIN)
        appraiser = self.user("thamdinh_tttt", stt, Role.APPRAISER, name="Đặng Quang Minh",
                              title="Chuyên viên Phòng Bưu chính - Viễn thông")
        self.user("giamdoc_tttt", stt, Role.UNIT_HEAD, name="Hoàng Anh Tuấn", title="Giám đốc")
        home_affairs = self.user("chuyenvien_noivu", snv, Role.HOME_AFFAIRS, name="Nguyễn Thu Hà",
                                 title="Chuyên viên Ban Thi đua - Khen thưởng")
        self.user("giamdoc_noivu", snv, Role.UNIT_HEAD, name="Lý Văn Bình", title="Giám đốc")
        chairman = self.user("phochutich", province, Role.CHAIRMAN, name="Đoàn Thu Hà",
                             title="Phó Chủ tịch", signs_for="CHỦ TỊCH")
        self.user("chutich", province, Role.CHAIRMAN, name="Hồ Tiến Thiệu", title="Chủ tịch")
        officers, heads = {}, {}
        for i, (slug, unit) in enumerate(units.items()):
            officers[slug] = self.user(f"canbo_{slug}", unit, Role.UNIT_OFFICER, name=OFFICER_NAMES[i % len(OFFICER_NAMES)],
                                       title="Chuyên viên thi đua")
            head_name = "giamdoc_tuphap" if slug == "tuphap" else f"lanhdao_{slug}"
            heads[slug] = self.user(head_name, unit, Role.UNIT_HEAD, name=HEAD_NAMES[i % len(HEAD_NAMES)],
                                    title="Giám đốc" if unit.level.code == "tinh" else "Chủ tịch")

        # A deputy who can be given the director's role (ủy quyền, /uy-quyen/).
        self.user("phogiamdoc_tuphap", units["tuphap"], Role.UNIT_OFFICER, name="Vy Văn Hòa", title="Phó Giám đốc")

        def actors(slug):
            return Actors(officer=officers[slug], head=heads[slug], appraiser=appraiser,
                          home_affairs=home_affairs, chairman=chairman)

        people = iter(PEOPLE)

        def new_dossier(campaign, form, slug, *, person=True):
            dossier = services.dossier_create(campaign=campaign, award_form=form, unit=units[slug],
                                              actor=officers[slug])
            individuals = []
            if person:
                name, cccd, position = next(people)
                individuals = [{"full_name": name, "citizen_id": cccd, "position": position,
                                "workplace": units[slug].name}]
            add_nominees(dossier, officers[slug], collectives=[units[slug]], individuals=individuals)
            return dossier

        # 1. Kế hoạch 170/KH-UBND: window 04–06/12/2023, now closed. Work happens on its real dates.
        plan = load_rulebook(RULEBOOKS / "lang-son-kh-170-2023.yaml")
        form = plan.award_forms.get(code="bang-khen")
        states = [
            ("yte", DossierStatus.DRAFT), ("taichinh", DossierStatus.PROPOSAL_READY),
            ("gddt", DossierStatus.COUNCIL_REVIEWED), ("khdt", DossierStatus.REPORTS_COMPLETE),
            ("huulung", DossierStatus.SUBMITTED), ("chilang", DossierStatus.APPRAISED),
            ("tplangson", DossierStatus.AWAITING_DECISION), ("tuphap", "decided"),
            ("caoloc", "decided"), ("locbinh", "returned"), ("vanlang", "withdrawn"),
            ("hopthanh", "rejected"),
        ]
        to_decide = []
        with time_machine.travel(dt.datetime(2023, 12, 5, 9, 0, tzinfo=HCM), tick=True):
            for slug, target in states:
                dossier = new_dossier(plan, form, slug, person=units[slug].level.code != "xa")
                if target == "returned":
                    dossier = walk(dossier, actors(slug), until=DossierStatus.SUBMITTED)
                    types = {r.document_type.code: r.document_type for r in form.requirements.all()}
                    nominee = dossier.nominees.first()
                    services.dossier_return(dossier=dossier, actor=appraiser, reasons=[
                        {"text": "Báo cáo thành tích chưa nêu tỷ lệ số hóa hồ sơ theo từng quý.",
                         "document_type": types["bao-cao-thanh-tich"].code, "nominee": nominee.pk},
                        {"text": "Biên bản họp xét thiếu chữ ký của thư ký Hội đồng.",
                         "document_type": types["bien-ban-hop-xet"].code},
                    ])
                elif target == "decided":
                    to_decide.append(walk(dossier, actors(slug), until=DossierStatus.AWAITING_DECISION))
                elif target == "withdrawn":
                    dossier = walk(dossier, actors(slug), until=DossierStatus.REPORTS_COMPLETE)
                    services.dossier_withdraw(dossier=dossier, actor=heads[slug],
                                              reason="Đơn vị chưa đạt chỉ tiêu số hóa, xin rút hồ sơ.")
                elif target == "rejected":
                    dossier = walk(dossier, actors(slug), until=DossierStatus.SUBMITTED)
                    services.dossier_reject(dossier=dossier, actor=appraiser,
                                            reason="Tỷ lệ số hóa hồ sơ đạt 31%, dưới chỉ tiêu 55% của cấp xã.")
                else:
                    walk(dossier, actors(slug), until=target)
        with time_machine.travel(dt.datetime(2023, 12, 20, 15, 0, tzinfo=HCM), tick=True):
            # One Quyết định for both, signed KT. Chủ tịch; Cao Lộc's individual is not awarded.
            outcomes = {n.pk: not (d.unit_id == units["caoloc"].pk and n.person_id)
                        for d in to_decide for n in d.nominees.all()}
            services.decision_sign(dossiers=to_decide, actor=chairman, outcomes=outcomes,
                                   number="2345/QĐ-UBND", signed_on=dt.date(2023, 12, 20))

        # 2025: Sở TT&TT into Sở KH&CN, no district level (workflows/reorganisation.py); 2023 keeps its units.
        units = apply_2025(units=units, province=province, levels=lv, actor=admin, departments={
            "tttt": stt, "khcn": khcn, "khdt": units["khdt"], "taichinh": units["taichinh"]})

        # 2. A campaign whose window is open today: a new user can walk the path now.
        today = timezone.localdate()
        live = provincial_campaign(
            province=province, appraising=khcn, home_affairs=snv, plan_number="45/KH-UBND",
            title="Thi đua đẩy mạnh chuyển đổi số, cung cấp dịch vụ công trực tuyến toàn trình năm "
                  f"{today.year}", period=(today - dt.timedelta(days=120), today - dt.timedelta(days=5)),
            window=(today - dt.timedelta(days=3), today + dt.timedelta(days=14)),
            targets={lv["tinh"]: 80, lv["huyen"]: 70, lv["xa"]: 65}, legal_basis=LEGAL_BASIS)
        live_form = live.award_forms.get(code="bang-khen")
        walk(new_dossier(live, live_form, "caoloc"), actors("caoloc"), until=DossierStatus.SUBMITTED)
        walk(new_dossier(live, live_form, "tplangson"), actors("tplangson"), until=DossierStatus.AWAITING_DECISION)
        walk(new_dossier(live, live_form, "huulung"), actors("huulung"), until=DossierStatus.APPRAISED)
        walk(new_dossier(live, live_form, "yte", person=False), actors("yte"), until=DossierStatus.PROPOSAL_READY)
        # A 2026 decision under the regime the campaign pinned (Nghị định 152/2025/NĐ-CP), with its prize money.
        awarded = new_dossier(live, live_form, "tuphap", person=False)
        add_nominees(awarded, officers["tuphap"], individuals=[
            {"full_name": "Vũ Thị Minh Thư", "citizen_id": "020194007788",
             "position": "Trưởng phòng Hành chính tư pháp", "workplace": units["tuphap"].name}])
        awarded = walk(awarded, actors("tuphap"), until=DossierStatus.AWAITING_DECISION)
        services.decision_sign(dossiers=[awarded], actor=chairman, number="2468/QĐ-UBND", signed_on=today,
                               outcomes={n.pk: True for n in awarded.nominees.all()})

        # 3. Seed 004: the centre's own campaign, Giấy khen of its director (proposal → council → decision).
        centre = units["ttpvhcc"]
        self.user("giamdoc_ttpvhcc", centre, Role.CHAIRMAN, name="Triệu Thị Hoa", title="Giám đốc")
        centre_campaign = load_rulebook(RULEBOOKS / "ttpvhcc-giay-khen-2023.yaml",
                                        window=(today - dt.timedelta(days=2), today + dt.timedelta(days=10)))
        giay_khen = centre_campaign.award_forms.get(code="giay-khen")
        centre_actors = Actors(officer=officers["ttpvhcc"], head=heads["ttpvhcc"],
                               chairman=get_user_model().objects.get(username="giamdoc_ttpvhcc"))
        dossier = services.dossier_create(campaign=centre_campaign, award_form=giay_khen, unit=centre,
                                          actor=officers["ttpvhcc"])
        add_nominees(dossier, officers["ttpvhcc"], individuals=[
            {"full_name": "Lộc Thị Hương", "citizen_id": "020195003344", "position": "Viên chức Bộ phận Một cửa",
             "workplace": centre.name}])
        walk(dossier, centre_actors, until=DossierStatus.AWAITING_DECISION)

        # 4. Every other kind (issue 12): annual awards with registration, sudden awards, proposals upward.
        from workflows.demo_kinds import Demo, seed_kinds

        seed_kinds(Demo(units=units, officers=officers, heads=heads, province=province, home_affairs_unit=snv,
                        home_affairs=home_affairs, chairman=chairman, user=self.user, files=demo_file))

        call_command("seed_criteria_demo")

    def password_for(self, username):
        if self.demo_password:
            return PASSWORD
        self.generated[username] = secrets.token_urlsafe(12)
        return self.generated[username]

    def print_logins(self):
        if not self.demo_password:
            if self.generated:
                self.stdout.write("\nDemo accounts with random passwords (shown only this once):")
                for username, password in self.generated.items():
                    self.stdout.write(f"  {username:<18} {password}")
            else:
                self.stdout.write("\nNo account created (they existed already); passwords unchanged.")
            return
        self.stdout.write(f"\nDemo logins (password: {PASSWORD}):")
        rows = [
            ("canbo_tuphap", "Cán bộ thi đua, Sở Tư pháp (lập hồ sơ)"),
            ("giamdoc_tuphap", "Giám đốc Sở Tư pháp (ký, gửi hồ sơ)"),
            ("canbo_caoloc", "Cán bộ thi đua, UBND xã Cao Lộc (đến 30/6/2025: UBND huyện Cao Lộc)"),
            ("thamdinh_tttt", "Chuyên viên thẩm định, Sở KH&CN (đến 28/2/2025: Sở TT&TT)"),
            ("chuyenvien_noivu", "Chuyên viên Ban TĐKT, Sở Nội vụ"),
            ("phochutich", "Phó Chủ tịch UBND tỉnh (ký KT. Chủ tịch)"),
            ("giamdoc_ttpvhcc", "Giám đốc Trung tâm PVHCC (Giấy khen)"),
            ("lanhdao_congan", "Công an tỉnh (trả lời hiệp y; cũng lanhdao_thue, lanhdao_bhxh)"),
            ("admin", "Quản trị hệ thống (/admin/)"),
        ]
        for username, role in rows:
            self.stdout.write(f"  {username:<18} {role}")
