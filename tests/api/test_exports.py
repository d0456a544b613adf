"""Exports to the national systems: after each signed decision the award records are pushed, through
the outbox, to every configured endpoint — here a real HTTP server on 127.0.0.1 started by the test,
which verifies the signature with the server's certificate. Retries, the delivery log, the code lists
as data, and the pull through the API."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from api import exports
from api.delivery import DECISION_KIND, PUSH_KIND
from api.models import DeliveryStatus, ExportCode, ExportDelivery, ExportEndpoint
from certificates.models import Decision
from dossiers.models import DossierStatus
from dossiers.services import nominee_add
from outbox.models import OutboxMessage
from outbox.services import dispatch
from workflows import services
from workflows.walk import Actors, walk

from .conftest import bearer

pytestmark = pytest.mark.django_db
KINDS = [DECISION_KIND, PUSH_KIND]
INDIVIDUAL = ["MaDonVi", "LoaiHinhKhenThuong", "NoiDungKhenThuong", "SoQuyetDinh", "NgayQuyetDinh", "TenCanBo",
              "TenChucVu", "MaHinhThucKhenThuong"]


class Receiver:
    """A receiving system: verifies each message's signature; answers 503 to the first `fail` posts."""

    def __init__(self, cert_pem: bytes, fail: int = 0):
        self.messages, self.fail, receiver = [], fail, self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                message = json.loads(raw)
                receiver.messages.append({"message": message, "valid": exports.verify(message, cert_pem),
                                          "content_type": self.headers["Content-Type"]})
                status = 503 if len(receiver.messages) <= receiver.fail else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": %s}' % (b"true" if status == 200 else b"false"))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/nhan-du-lieu"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def cert_pem():
    return exports.certificate_pem()


@pytest.fixture
def decision(world, time_machine):
    w = world
    time_machine.move_to(dt.datetime(2023, 12, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    nominee_add(dossier=dossier, actor=w.alice, kind="collective", unit=w.unit)
    nominee_add(dossier=dossier, actor=w.alice, kind="individual", full_name="Nguyễn Thị Lan", citizen_id="020180555666",
                position="Trưởng phòng", birth_date=dt.date(1980, 1, 2))
    dossier = walk(dossier, Actors(officer=w.alice, head=w.henry, appraiser=w.bob, home_affairs=w.nora,
                                   chairman=w.chris), until=DossierStatus.AWAITING_DECISION)
    return services.decision_sign(dossiers=[dossier], actor=w.chris,
                                  outcomes={n.pk: True for n in dossier.nominees.all()}, number="321/QĐ-UBND",
                                  signed_on=dt.date(2023, 12, 5))


def test_a_signed_decision_is_pushed_signed_and_logged(world, decision, cert_pem):
    # the decision's transaction recorded the export in the outbox, next to the rendering
    assert OutboxMessage.objects.filter(kind=DECISION_KIND, payload={"decision": decision.pk}).count() == 1
    with Receiver(cert_pem) as receiver:
        ExportEndpoint.objects.create(name="CSDL cán bộ, công chức, viên chức", url=receiver.url)
        dispatch(kinds=KINDS, sweepers=False)
    assert len(receiver.messages) == 1
    got = receiver.messages[0]
    assert got["valid"] and got["content_type"].startswith("application/json")
    message = got["message"]
    assert set(message["Header"]) == {"Version", "Tran_Code", "Export_Date", "Msg_ID"}
    collective, person = message["Body"]
    assert list(person) == INDIVIDUAL
    assert list(collective) == INDIVIDUAL + ["TenTapThe", "LinhVucHoatDong"]
    assert person["TenCanBo"] == "Nguyễn Thị Lan" and person["TenChucVu"] == "Trưởng phòng"
    assert person["SoQuyetDinh"] == "321/QĐ-UBND" and person["NgayQuyetDinh"] == "05/12/2023"
    assert person["MaHinhThucKhenThuong"] == "BK_CT_UBND_TINH" and person["MaDonVi"] == f"DV{world.unit.pk:05d}"
    assert collective["TenTapThe"] == "Sở Tư pháp" and collective["TenCanBo"] == ""
    assert "020180555666" not in json.dumps(message) and "1980" not in json.dumps(message)
    delivery = ExportDelivery.objects.get(decision=decision)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1 and delivery.last_status_code == 200
    assert str(delivery.msg_id) == message["Header"]["Msg_ID"]
    # delivered once: another pass sends nothing
    dispatch(kinds=KINDS, sweepers=False)
    assert len(receiver.messages) == 1


def test_a_receiver_that_fails_is_retried_with_the_same_message_id(world, decision, cert_pem, time_machine):
    with Receiver(cert_pem, fail=2) as receiver:
        ExportEndpoint.objects.create(name="Phần mềm TĐKT của Bộ", url=receiver.url)
        dispatch(kinds=KINDS, sweepers=False)
        delivery = ExportDelivery.objects.get(decision=decision)
        assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
        assert delivery.last_status_code == 503 and "503" in delivery.last_error
        dispatch(kinds=KINDS, sweepers=False)              # not due yet: backoff
        assert len(receiver.messages) == 1
        for _ in range(2):
            time_machine.shift(dt.timedelta(minutes=5))
            dispatch(kinds=KINDS, sweepers=False)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3 and delivery.last_error == ""
    assert len({m["message"]["Header"]["Msg_ID"] for m in receiver.messages}) == 1
    assert all(m["valid"] for m in receiver.messages)
    assert not OutboxMessage.objects.filter(kind__in=KINDS, delivered_at__isnull=True).exists()


def test_an_unreachable_receiver_is_logged_and_retried(world, decision, cert_pem, time_machine):
    probe = Receiver(cert_pem)
    url = probe.url
    probe.server.server_close()                             # nothing listens there any more
    endpoint = ExportEndpoint.objects.create(name="Hệ thống tạm ngừng", url=url, timeout_seconds=2)
    dispatch(kinds=KINDS, sweepers=False)
    delivery = ExportDelivery.objects.get(decision=decision, endpoint=endpoint)
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code is None
    assert "URLError" in delivery.last_error or "Connection" in delivery.last_error
    message = OutboxMessage.objects.get(kind=PUSH_KIND, delivered_at__isnull=True)
    assert message.attempts == 1 and message.last_error


def test_a_tampered_message_fails_verification(decision, cert_pem):
    message = exports.envelope(decision)
    assert exports.verify(message, cert_pem)
    message["Body"][1]["TenCanBo"] = "Người khác"
    assert not exports.verify(message, cert_pem)
    message = exports.envelope(decision)
    message["Header"]["Msg_ID"] = "replayed"
    assert not exports.verify(message, cert_pem)


def test_code_lists_are_data(world, decision):
    ExportCode.objects.create(list=ExportCode.List.UNIT, key=str(world.unit.pk), code="H22.01")
    ExportCode.objects.create(list=ExportCode.List.AWARD_FORM, key="bang-khen", code="BK-TINH-LS")
    ExportCode.objects.create(list=ExportCode.List.FIELD, key=str(world.unit.pk), code="TU_PHAP")
    collective, person = exports.records(decision)
    assert person["MaDonVi"] == collective["MaDonVi"] == "H22.01"
    assert person["MaHinhThucKhenThuong"] == "BK-TINH-LS" and collective["LinhVucHoatDong"] == "TU_PHAP"


def test_pull_through_the_api(world, decision, hr):
    api = bearer(hr)
    response = api.get(f"/api/v1/exports/decisions/{decision.pk}/")
    assert response.status_code == 200, response.content
    cert = APIClient().get("/api/v1/exports/certificate/")
    assert cert.status_code == 200 and cert.content.startswith(b"-----BEGIN CERTIFICATE-----")
    assert exports.verify(response.json(), cert.content)
    reader = bearer(hr, scope="dossiers:read")
    assert reader.get(f"/api/v1/exports/decisions/{decision.pk}/").status_code == 403


def test_the_demos_decided_awards_round_trip(cert_pem, settings):
    settings.CERTIFICATES_RENDER_INLINE = False
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    decisions = set(Decision.objects.values_list("number", flat=True))
    assert decisions
    with Receiver(cert_pem) as receiver:
        ExportEndpoint.objects.create(name="CSDL cán bộ", url=receiver.url)
        dispatch(kinds=KINDS, sweepers=False)
    assert {m["message"]["Body"][0]["SoQuyetDinh"] for m in receiver.messages} == decisions
    assert all(m["valid"] for m in receiver.messages)
    awarded = sum(Decision.objects.get(number=n).certificates.count() for n in decisions)
    assert sum(len(m["message"]["Body"]) for m in receiver.messages) == awarded
    assert ExportDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == len(decisions)


def test_a_revoked_decision_is_pushed_again_marked_revoked(world, decision, cert_pem):
    from certificates.services import decision_revoke

    with Receiver(cert_pem) as receiver:
        ExportEndpoint.objects.create(name="CSDL cán bộ, công chức, viên chức", url=receiver.url)
        dispatch(kinds=KINDS, sweepers=False)
        assert len(receiver.messages) == 1
        decision_revoke(decision=decision, actor=world.chris, reason="Hồ sơ kê khai thành tích không trung thực")
        # the revocation's transaction queued its own export message through the outbox
        assert OutboxMessage.objects.filter(kind=DECISION_KIND,
                                            payload={"decision": decision.pk, "action": "revoke"}).count() == 1
        dispatch(kinds=KINDS, sweepers=False)
        dispatch(kinds=KINDS, sweepers=False)          # delivered once: a second pass sends nothing
    assert len(receiver.messages) == 2
    issued, revoked = (m["message"] for m in receiver.messages)
    assert receiver.messages[1]["valid"]
    assert issued["Header"]["Tran_Code"] == "KT_QDKT" and revoked["Header"]["Tran_Code"] == "KT_QDKT_THUHOI"
    assert revoked["Header"]["Msg_ID"] != issued["Header"]["Msg_ID"]
    assert [r["TenTapThe"] if "TenTapThe" in r else r["TenCanBo"] for r in revoked["Body"]] == \
        ["Sở Tư pháp", "Nguyễn Thị Lan"]
    for record in revoked["Body"]:
        assert record["TrangThai"] == "THU_HOI" and record["SoQuyetDinh"] == "321/QĐ-UBND"
        assert record["LyDoThuHoi"] == "Hồ sơ kê khai thành tích không trung thực" and record["NgayThuHoi"]
    assert all("TrangThai" not in r for r in issued["Body"])
    deliveries = {d.action: d for d in ExportDelivery.objects.filter(decision=decision)}
    assert set(deliveries) == {"issue", "revoke"}
    assert all(d.status == DeliveryStatus.DELIVERED for d in deliveries.values())
    assert str(deliveries["revoke"].msg_id) == revoked["Header"]["Msg_ID"]
