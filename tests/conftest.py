import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import AwardForm, Membership, NomineeKind, Role, Step, Unit
from dossiers.samples import MINIMAL_PDF
from dossiers.setup import AGENCY_PATH, configure_award_form, document_types, levels, provincial_campaign

User = get_user_model()
# A small valid PDF (one page): uploads are parsed, so the shared sample must be a real document.
PDF = MINIMAL_PDF


def pdf_file(name="tai-lieu.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Test users log in with known passwords: a slow key-derivation hash only costs seconds here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Renders in tests beat after each chunk only: no heartbeat thread on the test's own connection.
    settings.CERTIFICATES_RENDER_HEARTBEAT_SECONDS = 0


# Real processes and faults (servers, consumers, killed workers, an S3 server, a virus scanner, a failing
# disk) run once, in the PostgreSQL pass (the brief allows it): the production servers in tests/ops keep their
# own SQLite file whatever the suite's database, so a second pass would only repeat them. `make test` runs
# the suite on two workers with pytest-xdist's --dist loadfile: a module's tests stay on one worker, so a
# server a module starts once (tests/ops, the S3 server) is never started twice on its port. (loadgroup
# would serialise these modules, but xdist 3.8 renames items in a way pytest 9 no longer reads.)
PROCESSES = (
    "tests/ops/", "tests/certificates/test_render_processes.py", "tests/certificates/test_render_recovery.py",
    "tests/deadlines/test_huey_consumers.py", "tests/deadlines/test_calendar_processes.py",
    "tests/dossiers/test_s3_storage.py", "tests/dossiers/test_virus_scan.py", "tests/dossiers/test_storage_faults.py",
)


def pytest_itemcollected(item):
    """Marks given by place, as each test is collected, before `-m` reads them."""
    if item.nodeid.startswith("tests/e2e/"):
        item.add_marker(pytest.mark.e2e)  # `-m "not e2e"` leaves out every browser test, marked or not
    if item.nodeid.startswith(PROCESSES):
        item.add_marker(pytest.mark.processes)


@pytest.fixture(autouse=True, scope="session")
def _demo_render_cache(tmp_path_factory):
    """The demo loader keeps its PDFs for the session only (a checkout's var/ is the developer's)."""
    from django.test import override_settings

    with override_settings(DEMO_RENDER_CACHE_DIR=tmp_path_factory.mktemp("demo-pdf")):
        yield


@pytest.fixture(autouse=True, scope="session")
def _audit_flush_unlock():
    """The event log and certificates refuse DELETE (dossiers/audit.py). On SQLite the suite's table flush
    (transactional tests) runs with the audit unlock row, inside the flush's own transaction; PostgreSQL
    flushes with TRUNCATE, which row triggers do not see."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["INSERT INTO audit_unlock (reason) VALUES ('test flush')", *sql_list,
                               "DELETE FROM audit_unlock"])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _vietnamese_between_tests():
    """Each test starts in Vietnamese: a request in English (test client, LocaleMiddleware) leaves English
    active in the test's thread, and a later test comparing with a translated label would see English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def huey_immediate():
    """Queued jobs run inline (in memory), never into the developer's queue file."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


class World:
    """A small province: alice (unit officer), henry (unit head) at Sở Tư pháp; bob (appraiser,
    Sở TT&TT); nora (Sở Nội vụ); chris (Chủ tịch, signs as KT. CHỦ TỊCH / PHÓ CHỦ TỊCH);
    charlie (officer of another unit)."""

    def __init__(self):
        lv = levels()
        self.levels = lv
        self.province = Unit.objects.create(name="UBND tỉnh Lạng Sơn", level=lv["tinh"])
        self.stt = Unit.objects.create(name="Sở Thông tin và Truyền thông", level=lv["tinh"], parent=self.province)
        self.snv = Unit.objects.create(name="Sở Nội vụ", level=lv["tinh"], parent=self.province)
        self.unit = Unit.objects.create(name="Sở Tư pháp", level=lv["tinh"], parent=self.province)
        self.other = Unit.objects.create(name="UBND huyện Cao Lộc", level=lv["huyen"], parent=self.province)
        self.alice = self.user("alice", self.unit, Role.UNIT_OFFICER)
        self.henry = self.user("henry", self.unit, Role.UNIT_HEAD, title="Giám đốc")
        self.bob = self.user("bob", self.stt, Role.APPRAISER)
        self.nora = self.user("nora", self.snv, Role.HOME_AFFAIRS)
        self.chris = self.user("chris", self.province, Role.CHAIRMAN, title="Phó Chủ tịch", signs_for="CHỦ TỊCH")
        self.charlie = self.user("charlie", self.other, Role.UNIT_OFFICER)
        self.campaign = provincial_campaign(
            province=self.province, appraising=self.stt, home_affairs=self.snv, plan_number="170/KH-UBND",
            title="Đẩy mạnh thực hiện TTHC trên môi trường điện tử", period=(dt.date(2023, 8, 20), dt.date(2023, 11, 30)),
            window=(dt.date(2023, 12, 4), dt.date(2023, 12, 6)), targets={lv["tinh"]: 70, lv["huyen"]: 60, lv["xa"]: 55})
        self.form = self.campaign.award_forms.get(code="bang-khen")
        self.types = document_types()

    def user(self, username, unit, role, title="", signs_for=""):
        user = User.objects.create_user(username, password="pw", first_name=username.title())
        Membership.objects.create(user=user, unit=unit, role=role, title=title, signs_for=signs_for)
        return user

    def agency_form(self):
        form = AwardForm.objects.create(campaign=self.campaign, code="giay-khen", name="Giấy khen của Giám đốc Sở",
                                        deciding_unit=self.unit, signer_office="GIÁM ĐỐC SỞ TƯ PHÁP")
        return configure_award_form(form, AGENCY_PATH)


@pytest.fixture
def shipped_regimes(db):
    """The legal regimes and base salaries as migration 0010 loads them into a fresh database. A transactional
    test that ran earlier on the same worker flushed every table when it ended, these rows with the rest:
    they are loaded again by the migration's own function."""
    import importlib

    from django.apps import apps

    from dossiers.models import LegalRegime

    if not LegalRegime.objects.exists():
        importlib.import_module("dossiers.migrations.0010_load_regimes").load(apps, None)


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def in_window(time_machine):
    time_machine.move_to(dt.datetime(2023, 12, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
